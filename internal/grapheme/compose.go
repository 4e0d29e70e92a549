package grapheme

import "sort"

// Hangul syllable composition constants (Unicode chapter 3.12).
const (
	hangulS, hangulL, hangulV, hangulT = 0xAC00, 0x1100, 0x1161, 0x11A7
	hangulLCount, hangulVCount         = 19, 21
	hangulTCount                       = 28
	hangulNCount                       = hangulVCount * hangulTCount
	hangulSCount                       = hangulLCount * hangulNCount
)

// Compose returns the canonical composition of a followed by b, as NFC
// makes it ("e" and U+0301 make "é"), and false when they do not compose.
func Compose(a, b rune) (rune, bool) {
	switch {
	case a >= hangulL && a < hangulL+hangulLCount && b >= hangulV && b < hangulV+hangulVCount:
		return hangulS + ((a-hangulL)*hangulVCount+(b-hangulV))*hangulTCount, true
	case a >= hangulS && a < hangulS+hangulSCount && (a-hangulS)%hangulTCount == 0 &&
		b > hangulT && b < hangulT+hangulTCount:
		return a + (b - hangulT), true
	}
	key := uint64(a)<<42 | uint64(b)<<21
	i := sort.Search(len(compositions), func(i int) bool { return compositions[i] >= key })
	if i < len(compositions) && compositions[i]&^(1<<21-1) == key {
		return rune(compositions[i] & (1<<21 - 1)), true
	}
	return 0, false
}

package grapheme

import "sort"

// NFCStable reports whether r is left alone by NFC wherever it stands: its
// NFC_Quick_Check is Yes and its canonical combining class is 0. A string
// of such code points is already in NFC (the quick check of UAX #15).
func NFCStable(r rune) bool { return prop(r)&nfcMaybe == 0 }

// MaxNFC is the most code points NFC writes: longer input is refused.
const MaxNFC = 64

// NFC writes the Normalization Form C of s (valid UTF-8 or not: an invalid
// byte is U+FFFD, as range reads it) into buf and returns how many code
// points it wrote; ok is false when the full decomposition of s does not
// fit in buf. It follows UAX #15: full canonical decomposition, canonical
// ordering of combining marks, then canonical composition, where
// composition exclusions and singletons (U+2126 OHM SIGN is U+03A9) never
// compose back. It does not allocate.
func NFC(buf *[MaxNFC]rune, s string) (n int, ok bool) {
	// Decompose, ordering each run of nonzero combining classes as it grows
	// (an insertion sort, stable, as canonical ordering requires).
	for _, r := range s {
		var d [4]rune
		k := decompose(r, &d)
		if n+k > len(buf) {
			return 0, false
		}
		for _, x := range d[:k] {
			c := CombiningClass(x)
			j := n
			for c != 0 && j > 0 && CombiningClass(buf[j-1]) > c {
				buf[j] = buf[j-1]
				j--
			}
			buf[j] = x
			n++
		}
	}
	// Compose: each code point that is not blocked from the last starter
	// joins it when the pair has a primary composite.
	if n == 0 {
		return 0, true
	}
	starter, last := -1, uint8(0)
	if CombiningClass(buf[0]) == 0 {
		starter = 0
	}
	out := 1
	for i := 1; i < n; i++ {
		r := buf[i]
		c := CombiningClass(r)
		if starter >= 0 && (last < c || last == 0 && out-1 == starter) {
			if comp, ok := Compose(buf[starter], r); ok {
				buf[starter] = comp
				continue
			}
		}
		if c == 0 {
			starter = out
		}
		last = c
		buf[out] = r
		out++
	}
	return out, true
}

// decompose writes the full canonical decomposition of r into d and
// returns its length.
func decompose(r rune, d *[4]rune) int {
	if r >= hangulS && r < hangulS+hangulSCount {
		i := r - hangulS
		d[0] = hangulL + i/hangulNCount
		d[1] = hangulV + i%hangulNCount/hangulTCount
		if t := i % hangulTCount; t != 0 {
			d[2] = hangulT + t
			return 3
		}
		return 2
	}
	if r < 0xC0 { // below the first code point with a decomposition
		d[0] = r
		return 1
	}
	key := uint32(r) << 8
	i := sort.Search(len(decompKeys), func(i int) bool { return decompKeys[i] >= key })
	if i < len(decompKeys) && decompKeys[i]>>8 == uint32(r) {
		k := int(decompKeys[i] & 0xff)
		copy(d[:], decompRunes[decompStart[i]:int(decompStart[i])+k])
		return k
	}
	d[0] = r
	return 1
}

// CombiningClass returns the canonical combining class of r.
func CombiningClass(r rune) uint8 {
	if prop(r)&nfcMaybe == 0 {
		return 0
	}
	i := sort.Search(len(cccRanges), func(i int) bool { return rune(cccRanges[i]>>8&0xffffff) >= r })
	if i < len(cccRanges) && rune(cccRanges[i]>>32) <= r {
		return uint8(cccRanges[i])
	}
	return 0
}

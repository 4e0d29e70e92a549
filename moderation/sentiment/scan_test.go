package sentiment

import (
	"math/rand"
	"testing"
	"unicode"
)

// TestEmojiBlocks: scan reads U+1F000 to U+1FAFF as symbols without the
// Unicode tables, which holds as long as no letter, digit, space nor
// punctuation is there.
func TestEmojiBlocks(t *testing.T) {
	for r := rune(0x1F000); r < 0x1FB00; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) {
			t.Errorf("%U is a letter, digit, space or punctuation", r)
		}
	}
}

// TestRun3 compares the word arithmetic of run3, as hasRun3 uses it for
// words of up to 16 bytes, with a loop over the bytes.
func TestRun3(t *testing.T) {
	loop := func(w []byte) bool {
		for i := 2; i < len(w); i++ {
			if c := w[i]; c >= 'a' && w[i-1] == c && w[i-2] == c {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewSource(3))
	alphabet := []byte("aab0119zZ`{\x80\x91\xff")
	for k := 0; k < 200000; k++ {
		var b [16 + keySlack]byte
		n := 1 + rng.Intn(16)
		for i := range n {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		if got, want := hasRun3(b[:n]), loop(b[:n]); got != want {
			t.Fatalf("hasRun3(%q) = %v", b[:n], got)
		}
	}
}

// TestClassify compares the word arithmetic of classify with asciiClass,
// byte by byte, up to the first byte that is not ASCII, which must be in
// stop.
func TestClassify(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for k := 0; k < 100000; k++ {
		x := rng.Uint64()
		if k%2 == 0 {
			x &^= msb // ASCII only
		}
		letters, up, stop := classify(x)
		for i := range 8 {
			c := byte(x >> (8 * i))
			bit := func(m uint64) bool { return m>>(8*i+7)&1 != 0 }
			if c >= 0x80 {
				if !bit(stop) {
					t.Fatalf("classify(%#x): byte %d (%#x) not in stop", x, i, c)
				}
				break
			}
			cl := asciiClass[c]
			if bit(letters) != (cl&(cUpper|cLower) != 0) || bit(up) != (cl&cUpper != 0) || bit(stop) != (cl&cWord == 0) {
				t.Fatalf("classify(%#x): byte %d (%#x) letters %v up %v stop %v", x, i, c, bit(letters), bit(up), bit(stop))
			}
		}
	}
}

// TestWindowFull compares window.full with the two limits it stands for.
func TestWindowFull(t *testing.T) {
	for nt := 0; nt <= maxToks; nt++ {
		for nb := 0; nb <= bufSize+maxKey; nb++ {
			w := window{nt: nt, fill: uint64(nt)<<16 + uint64(nb) + fillBias}
			if got, want := w.full(), nt == maxToks || nb+maxKey*2 > bufSize; got != want {
				t.Fatalf("nt %d, nb %d: full() = %v", nt, nb, got)
			}
		}
	}
}

// TestLangIndexFold compares langIndex with refLangIndex on tags with
// runes that strings.EqualFold folds to ASCII letters.
func TestLangIndexFold(t *testing.T) {
	for _, tag := range []string{"eſ", "Eſ", "eſ-MX", "eſ_x", "ſe", "eſſ", "\u212aen", "e\u212a", "EN", "pL", "es", "xx", "e"} {
		if got, want := langIndex(tag), refLangIndex(tag); got != want {
			t.Errorf("langIndex(%q) = %d, want %d", tag, got, want)
		}
	}
}

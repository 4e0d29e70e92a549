package styleguide

import (
	"math/rand"
	"testing"
)

// TestContinuations compares continuations, eight bytes at a time, with a
// byte loop on random bytes, valid UTF-8 or not.
func TestContinuations(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("ab \n\x80\xbf\xc3\xa9\xe2\x80\xa6\xf0\x9f\x8e\x89\xff")
	for range 2000 {
		b := make([]byte, rng.Intn(40))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		want := 0
		for _, c := range b {
			if c&0xC0 == 0x80 {
				want++
			}
		}
		if got := continuations(string(b)); got != want {
			t.Fatalf("continuations(%q) = %d, want %d", b, got, want)
		}
	}
}

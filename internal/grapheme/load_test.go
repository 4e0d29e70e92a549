package grapheme

import "testing"

// TestLoadTail: the bytes of the text from i on, zero-padded, for every
// length up to 16 and every i from which fewer than eight bytes are left
// (the end itself included).
func TestLoadTail(t *testing.T) {
	text := "abcdefghijklmnop"
	for n := 0; n <= len(text); n++ {
		for i := max(0, n-7); i <= n; i++ {
			var b [8]byte
			copy(b[:], text[i:n])
			want := uint64(0)
			for j := 7; j >= 0; j-- {
				want = want<<8 | uint64(b[j])
			}
			if got := LoadTail(text[:n], i); got != want {
				t.Errorf("LoadTail(%q, %d) = %#x, want %#x", text[:n], i, got, want)
			}
		}
	}
}

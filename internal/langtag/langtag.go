// Package langtag checks the shape of BCP 47 language tags as cmkit's
// hand-written configuration uses them ("es", "pl", "es-MX", "zh-Hant-TW"),
// so that every loader accepts and refuses the same tags.
package langtag

// Valid reports whether s has the shape of a BCP 47 language tag: a
// primary subtag of two or three ASCII letters, then subtags of one to
// eight ASCII letters or digits, separated by "-", 35 bytes at most. Case
// does not matter. It does not check the tag against the IANA registry.
func Valid(s string) bool {
	if len(s) > 35 {
		return false
	}
	sub, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '-' {
			c := s[i] | 0x20
			letter := c >= 'a' && c <= 'z'
			if !letter && (sub == 0 || s[i] < '0' || s[i] > '9') {
				return false
			}
			continue
		}
		n := i - start
		if sub == 0 && (n < 2 || n > 3) || n < 1 || n > 8 {
			return false
		}
		sub, start = sub+1, i+1
	}
	return true
}

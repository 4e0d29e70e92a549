package grapheme

// ASCIIRun returns the length of the run of ASCII bytes that starts s,
// reading eight bytes at a time.
func ASCIIRun(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if Load64(s, i)&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s) && s[i] < 0x80; i++ {
	}
	return i
}

// LoadTail returns s[i:], which must be shorter than eight bytes, as a
// little-endian word with the bytes past the end read as 0 (so 0 when i
// is len(s)). When s has eight bytes or more it is one load and a shift.
func LoadTail(s string, i int) uint64 {
	if len(s) >= 8 {
		return Load64(s, len(s)-8) >> (8 * uint(i+8-len(s)))
	}
	var x uint64
	for k := len(s) - 1; k >= i; k-- {
		x = x<<8 | uint64(s[k])
	}
	return x
}

// Load64 returns s[i:i+8] as a little-endian word (i+8 <= len(s)); the
// compiler makes it one load.
func Load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

package promotion

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// plain folds case, accents, look-alike letters, invisible characters and
// white space, and nothing else: hashtags, keywords, handles and the texts
// compared for near duplicates are read through it.
var plain = textnorm.New(textnorm.Options{})

// fold returns s folded by plain, with its words (runs of letters and
// digits) separated by single spaces and everything else dropped.
func fold(s string) string {
	var b []byte
	for _, w := range strings.FieldsFunc(plain.String(s), func(r rune) bool { return !isWordRune(r) }) {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	return string(b)
}

// isWordRune reports whether r is a letter or a digit.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isTagRune reports whether r may be part of a hashtag.
func isTagRune(r rune) bool { return r == '_' || isWordRune(r) }

// isHandleByte reports whether c may be part of a handle after "@": ASCII
// letters, digits, "_", ".", "-", and "@" for a fediverse "user@server".
func isHandleByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '-' || c == '@'
}

// hash64 is FNV-1a over b.
func hash64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// hashFoldedHandle hashes an author's handle as scan hashes a mentioned
// one: ASCII folded to lower case, "@" dropped in front.
func hashFoldedHandle(h string) uint64 {
	h = strings.TrimPrefix(h, "@")
	x := uint64(14695981039346656037)
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		x ^= uint64(c)
		x *= 1099511628211
	}
	return x
}

// maxScanTags bounds the hashtags and handles scan remembers per text.
const maxScanTags = 64

// scan reads one entry's text. It is reused from entry to entry, so that
// the steady state allocates nothing.
type scan struct {
	norm    textnorm.Buffer
	content []byte   // the words, folded, each preceded and followed by ' '
	tags    []uint64 // hashes of the hashtags, folded, without '#'
	handles []uint64 // hashes of the distinct handles mentioned, folded, without '@'
	words   int      // words in content
	sig     signature
}

// read scans text: hashtags, mentions, links (skipped) and the words left.
// Tokens are separated by ' ' (plain folds every run of white space into
// one).
func (s *scan) read(text string) {
	plain.Normalize(&s.norm, text)
	t := s.norm.Text
	// content never outgrows t by more than two bytes (a ' ' in front, one
	// after the last word); putWord may write 8 bytes past its end.
	if need := len(t) + 2 + 8; cap(s.content) < need {
		s.content = make([]byte, 0, need+need/2)
	}
	s.content = append(s.content[:0], ' ')
	s.tags, s.handles, s.words = s.tags[:0], s.handles[:0], 0
	for i := 0; i < len(t); {
		switch t[i] {
		case ' ':
			i++
			continue
		case '#', '@', 'h', 'w':
		default:
			i = s.addWords(t, i) + 1
			continue
		}
		end := len(t)
		if sp := bytes.IndexByte(t[i:], ' '); sp >= 0 {
			end = i + sp
		}
		tok := t[i:end]
		switch {
		case tok[0] == '#':
			s.addTag(tok)
		case tok[0] == '@':
			s.addHandle(tok)
		case isLink(tok):
		default:
			s.addWords(t, i)
		}
		i = end + 1
	}
}

// addTag remembers the hashtag that starts tok ("#...").
func (s *scan) addTag(tok []byte) {
	end := 1
	for end < len(tok) {
		if c := tok[end]; c < utf8.RuneSelf {
			if !tagByte[c] {
				break
			}
			end++
			continue
		}
		r, n := utf8.DecodeRune(tok[end:])
		if !isTagRune(r) {
			break
		}
		end += n
	}
	if end > 1 && len(s.tags) < maxScanTags {
		s.tags = append(s.tags, hash64(tok[1:end]))
	}
}

// addHandle remembers the handle that starts tok ("@..."), once.
func (s *scan) addHandle(tok []byte) {
	end := 1
	for end < len(tok) && isHandleByte(tok[end]) {
		end++
	}
	for end > 1 && (tok[end-1] == '.' || tok[end-1] == '-' || tok[end-1] == '@') {
		end--
	}
	if end > 1 && len(s.handles) < maxScanTags {
		h := hash64(tok[1:end])
		if !containsHash(s.handles, h) {
			s.handles = append(s.handles, h)
		}
	}
}

// addWords appends the letter-and-digit runs of the token that starts at
// t[i] to content, each followed by ' ', and returns where the token ends:
// the index of the ' ' after it, or len(t).
func (s *scan) addWords(t []byte, i int) int {
	for i < len(t) {
		c := t[i]
		if wordByte[c] {
			start := i
			for i++; i < len(t) && wordByte[t[i]]; i++ {
			}
			// A word may go on with a letter or digit beyond ASCII.
			for i < len(t) && t[i] >= utf8.RuneSelf {
				r, n := utf8.DecodeRune(t[i:])
				if !isWordRune(r) {
					break
				}
				for i += n; i < len(t) && wordByte[t[i]]; i++ {
				}
			}
			s.words++
			s.putWord(t, start, i)
			continue
		}
		if c == ' ' {
			return i
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(t[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		// A word that starts beyond ASCII: count it as above, from here.
		start := i
		for i += n; i < len(t); {
			if wordByte[t[i]] {
				i++
				continue
			}
			if t[i] < utf8.RuneSelf {
				break
			}
			r, n := utf8.DecodeRune(t[i:])
			if !isWordRune(r) {
				break
			}
			i += n
		}
		s.words++
		s.putWord(t, start, i)
	}
	return i
}

// putWord appends t[start:end] and ' ' to content, which has room for
// them and 8 bytes more: a word of 8 bytes or fewer is copied as one
// 8-byte word, the bytes after it overwritten next or left beyond the end.
func (s *scan) putWord(t []byte, start, end int) {
	n := len(s.content)
	out := s.content[:cap(s.content)]
	if end-start <= 8 && start+8 <= len(t) && n+8 <= len(out) {
		binary.LittleEndian.PutUint64(out[n:], binary.LittleEndian.Uint64(t[start:]))
	} else {
		copy(out[n:], t[start:end])
	}
	n += end - start
	out[n] = ' '
	s.content = out[:n+1]
}

// isLink reports whether tok is a web address: it starts with "http:",
// "https:" or "www.".
func isLink(tok []byte) bool {
	return len(tok) > 4 && (tok[0] == 'h' && tok[1] == 't' && tok[2] == 't' && tok[3] == 'p' && (tok[4] == ':' || tok[4] == 's' && len(tok) > 5 && tok[5] == ':') ||
		tok[0] == 'w' && tok[1] == 'w' && tok[2] == 'w' && tok[3] == '.')
}

// wordByte marks the ASCII letters and digits; tagByte adds "_".
var wordByte, tagByte = func() (w, t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		w[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		w[c], w[c-'a'+'A'] = true, true
	}
	t = w
	t['_'] = true
	return w, t
}()

func containsHash(l []uint64, h uint64) bool {
	for _, x := range l {
		if x == h {
			return true
		}
	}
	return false
}

// sigBins is the number of bins of a text's MinHash signature.
const sigBins = 32

// signature is a text's one-permutation MinHash: the text's 5-byte
// shingles are hashed once each, the hash's high half picks one of sigBins
// bins and the bin keeps the smallest low half it sees. The share of bins
// two signatures agree on estimates the Jaccard similarity of the two
// shingle sets: a text and its copy with a word changed or an emoji added
// share most shingles, two different texts few. An empty bin holds
// 0xFFFFFFFF.
type signature [sigBins]uint32

// emptySignature has every bin empty.
var emptySignature = func() (s signature) {
	for i := range s {
		s[i] = ^uint32(0)
	}
	return s
}()

// sign computes content's signature into sig.
func sign(content []byte, sig *signature) {
	const k = 5
	*sig = emptySignature
	const mask = 1<<(8*k) - 1
	shingle := func(x uint64) {
		// One multiplication mixes the shingle: its top bits pick the
		// bin, the next 32 are the value.
		x *= 0x9E3779B97F4A7C15
		bin := x >> (64 - 5) & (sigBins - 1)
		sig[bin] = min(sig[bin], uint32(x>>(64-5-32)))
	}
	// One 8-byte load holds the four shingles that start in its first
	// half.
	i := 0
	for ; i+8 <= len(content); i += 4 {
		w := binary.LittleEndian.Uint64(content[i:])
		shingle(w & mask)
		shingle(w >> 8 & mask)
		shingle(w >> 16 & mask)
		shingle(w >> 24 & mask)
	}
	for ; i+k <= len(content); i++ {
		c := content[i : i+k]
		shingle(uint64(c[0]) | uint64(c[1])<<8 | uint64(c[2])<<16 | uint64(c[3])<<24 | uint64(c[4])<<32)
	}
	// Densify: an empty bin takes the value of the next bin to its right
	// (circularly) that a shingle filled, mixed with the distance, so that
	// two short texts do not agree merely on being short.
	var emptyBins uint32
	for i := range sig {
		if sig[i] == ^uint32(0) {
			emptyBins |= 1 << i
		}
	}
	if emptyBins == 0 || emptyBins == 1<<sigBins-1 {
		return
	}
	for e := emptyBins; e != 0; e &= e - 1 {
		i := bits.TrailingZeros32(e)
		// d: how far to the right the next filled bin is.
		d := bits.TrailingZeros32(bits.RotateLeft32(^emptyBins, -(i+1))) + 1
		sig[i] = sig[(i+d)%sigBins] ^ uint32(d)*0x9E3779B9
	}
}

// agree counts the bins in which a and b hold the same value, up to
// want: it stops early once want can no longer be reached.
func agree(a, b *signature, want int) int {
	n, miss := 0, 0
	for i := range a {
		if a[i] == b[i] {
			n++
		} else if miss++; miss > sigBins-want {
			return n
		}
	}
	return n
}

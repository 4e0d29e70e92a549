package sentiment

import (
	"embed"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/grapheme"
)

// The constants of VADER (Hutto and Gilbert, 2014), measured there from
// human ratings of tweets.
const (
	bIncr     = 0.293 // an intensifier adds this to a word's valence ("very good")
	bDecr     = -0.293
	cIncr     = 0.733 // a word in capitals, among words that are not, adds this
	nScalar   = -0.74 // a negated valence is multiplied by this ("not good")
	butBefore = 0.5   // valences before a contrast word are multiplied by this
	butAfter  = 1.5   // and those after it by this
	exclIncr  = 0.292 // each "!" (up to 4) adds this to the sum
	questIncr = 0.18  // each "?" (2 or 3) adds this; 4 or more add 0.96
	alpha     = 15    // normalization: x / sqrt(x² + alpha)
)

// Languages with a lexicon, in the order of detection ties; langAny holds
// the emoji and emoticons shared by all.
const (
	langEN = iota
	langES
	langPL
	langAny
	nLang
)

var langNames = [nLang]string{"en", "es", "pl", ""}

//go:embed data/*.tsv
var dataFS embed.FS

var dataFiles = [nLang]string{"data/en.tsv", "data/es.tsv", "data/pl.tsv", "data/emoji.tsv"}

// sense is what a term means in one language.
type sense struct {
	val   float32
	boost float32
	kind  uint8
}

// entry is a key and its senses in the languages that have it.
type entry struct {
	sense  [nLang]sense
	langs  uint8 // bit l set when language l has the key
	phrase bool  // the key begins a two-word term
}

// Lexicon is the default Analyzer: word lists with valences and the rules
// of VADER, for English, Spanish and Polish (see the package doc). Build
// it once with New; it is read-only afterwards and safe for concurrent use.
type Lexicon struct {
	entries []entry
	// senses[lang+1][id] is the sense of entry id when the text is scored
	// with lexicon lang (-1 for none): see senseOf.
	senses [nLang][]sense
	// words holds the exact keys (words, phrases, symbols), stems the
	// prefixes; Analyze reads only them.
	words, stems     table
	minStem, maxStem int
	// stemLens[stemBucket(stem)] has bit len(stem) set for every stem.
	stemLens [stemBuckets]uint64
	not      *slot // the slot of "not", for English "-n't"
	// pairs holds the phrases' first words and second words.
	pairs *pairFilter
}

// New returns a Lexicon built from the embedded lexicons. It panics only if
// the embedded data is malformed, which the package tests rule out.
func New() *Lexicon {
	l, err := build(func(lang int) (string, error) {
		b, err := dataFS.ReadFile(dataFiles[lang])
		return string(b), err
	})
	if err != nil {
		panic(err)
	}
	return l
}

func build(read func(lang int) (string, error)) (*Lexicon, error) {
	l := &Lexicon{minStem: maxKey}
	words, stems := map[string]int32{}, map[string]int32{}
	for lang := range nLang {
		data, err := read(lang)
		if err != nil {
			return nil, err
		}
		terms, err := parseLexicon(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dataFiles[lang], err)
		}
		for _, t := range terms {
			m := words
			if t.stem {
				m = stems
				l.minStem = min(l.minStem, len(t.key))
				l.maxStem = max(l.maxStem, len(t.key))
				l.stemLens[stemBucket([]byte(t.key))] |= 1 << len(t.key)
			}
			id, ok := m[t.key]
			if !ok {
				id = int32(len(l.entries))
				l.entries = append(l.entries, entry{})
				m[t.key] = id
			}
			e := &l.entries[id]
			e.langs |= 1 << lang
			e.sense[lang] = sense{val: t.val, boost: t.boost, kind: t.kind}
			if first, _, two := strings.Cut(t.key, " "); two && !t.stem {
				fid, ok := words[first]
				if !ok {
					fid = int32(len(l.entries))
					l.entries = append(l.entries, entry{})
					words[first] = fid
				}
				l.entries[fid].phrase = true
			}
		}
	}
	for lang := range nLang {
		l.senses[lang] = make([]sense, len(l.entries))
		for id := range l.entries {
			l.senses[lang][id] = l.senseOf(int32(id), lang-1)
		}
	}
	info := func(id int32) uint8 {
		e := &l.entries[id]
		b := e.langs
		if e.phrase {
			b |= iPhrase
		}
		for lang := range nLang {
			s := l.senses[lang][id]
			if s.val != 0 {
				b |= iVal
			}
			if s.kind&kindBut != 0 {
				b |= iBut
			}
			if s.kind&(kindNeg|kindBoost) != 0 {
				b |= iMod
			}
		}
		return b
	}
	l.words = newTable(words, len(l.entries), info)
	l.stems = newTable(stems, len(l.entries), info)
	l.pairs = new(pairFilter)
	for k := range words {
		if first, second, two := strings.Cut(k, " "); two {
			p := padded(second)
			l.pairs.add(words[first], load8(p[:len(second)+keySlack], min(len(second), 8)))
		}
	}
	if _, ok := words["not"]; ok {
		l.not = l.words.lookupString("not")
	}
	return l, nil
}

const stemBuckets = 1 << 10

// stemBucket hashes the first three bytes of a word or stem.
func stemBucket(p []byte) int {
	return stemBucketKey(uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16)
}

// stemBucketKey is stemBucket of the bytes of the little-endian word key.
func stemBucketKey(key uint64) int {
	return int(uint32(key) & 0xFFFFFF * 0x9E3779B1 >> (32 - 10))
}

// Info bits of an entry, kept in its table slot and its tokens: the
// languages that have the key (bit l for language l, as entry.langs), and
// what the scorer must look at.
const (
	iPhrase uint8 = 1 << (nLang + iota) // the key begins a two-word term
	iVal                                // some language gives it a valence
	iBut                                // some language makes it a contrast word
	iMod                                // some language makes it a negator or intensifier
)

// Token flags.
const (
	fCaps   uint8 = 1 << iota // all capitals, two letters or more
	fEmph                     // elongated ("goooood") or superlative ("buenísimo")
	fClause                   // first token of a clause: punctuation or a contrast word before it
	fSkip                     // second word of a phrase, scored with the first
	fSymbol                   // emoji or emoticon: never negated nor boosted
)

// questMild is the largest valence that a question ignores: "Is it
// dishwasher safe?" asks, it does not praise; "Why is it so slow?" still
// complains.
const questMild = 1.5

const (
	maxToks = 64   // tokens per window; the window's token sets are uint64 bit sets
	bufSize = 1024 // folded bytes per window
	maxKey  = 48   // longest key looked up
	// wordBuf holds a folded word: at most maxKey+3 bytes (a rune of up
	// to 4 bytes folded at maxKey-1), then keySlack for table.lookup.
	wordBuf = 64 + keySlack
)

// token is one word, emoji or emoticon of a window, packed in a word so
// that pushing it is one store: bits 0-31 hold its entry (-1 for none),
// 32-39 the folded length of a word (0 for a symbol), 40-47 its flags and
// 48-55 its entry's info bits.
type token uint64

func newToken(e int32, n int, flags, info uint8) token {
	return token(uint32(e)) | token(uint8(n))<<32 | token(flags)<<40 | token(info)<<48
}

func (t token) entry() int32 { return int32(uint32(t)) }
func (t token) size() int    { return int(uint8(t >> 32)) }
func (t token) flags() uint8 { return uint8(t >> 40) }
func (t token) info() uint8  { return uint8(t >> 48) }

// window is the scanner's state for up to maxToks tokens; it lives on the
// stack of Analyze, which is why Analyze does not allocate. Bit i of a
// token set stands for token i.
type window struct {
	toks [maxToks]token
	nt   int
	// fill is nt<<16 plus the folded bytes of the window's words plus
	// fillBias, so that full tests both limits at once.
	fill        uint64
	caps, word  int  // words in capitals, words
	clauseStart int  // first token of the current clause
	clause      bool // the next token starts a clause
	// Token sets: tokens whose entry may carry a valence (iVal), be a
	// contrast word (iBut) or a negator or intensifier (iMod), second
	// words of phrases, and tokens in a clause that ends with "?".
	val, but, mod, skip, quest uint64
	// bufs[i&1] holds the folded bytes of word token i, kept until token
	// i+1 has looked for a phrase.
	bufs [2][wordBuf]byte
	// last is the info of the last token of the window, 0 when none or a
	// symbol (which begins no phrase).
	last uint8
}

// fillBias and fullMask make window.full: with b the folded bytes of the
// window's words, b+fillBias reaches 1<<10 (a bit of 0xFC00) when
// b+maxKey*2 > bufSize, and nt<<16 reaches 1<<22 when nt == maxToks.
const (
	fillBias = 1<<10 - (bufSize - maxKey*2 + 1)
	fullMask = ^uint64(1<<10-1) &^ ((maxToks - 1) << 16)
)

// full reports whether the window must end: maxToks tokens, or too few
// bytes left for the longest word and a phrase.
func (w *window) full() bool { return w.fill&fullMask != 0 }

// totals accumulate over the windows of a text.
type totals struct {
	sum, pos, neg float64
	neutral       int
	hits          int
	excl, quest   int
}

// Analyze returns the sentiment of text. lang selects the lexicon by its
// primary subtag ("es-MX" is "es"); when it is empty or has no lexicon,
// the lexicon that knows most words of the text is used (ties go to
// English, then Spanish). Words missing from the chosen lexicon are looked
// up in the others, so mixed English and Spanish is scored. Analyze does
// not allocate.
func (l *Lexicon) Analyze(text, lang string) Result {
	var w window
	var t totals
	chosen := langIndex(lang)
	for pos := 0; pos < len(text); {
		w.nt, w.fill, w.caps, w.word, w.clause, w.clauseStart, w.last = 0, fillBias, 0, 0, true, 0, 0
		w.val, w.but, w.mod, w.skip, w.quest = 0, 0, 0, 0, 0
		pos = l.scan(&w, text, pos, &t)
		if chosen < 0 {
			chosen = detect(&w)
		}
		l.score(&w, chosen, &t)
	}
	return t.result(chosen)
}

// langIndex maps a BCP 47 tag to a lexicon, or -1.
func langIndex(tag string) int {
	if len(tag) > 2 && tag[2] != '-' && tag[2] != '_' || len(tag) < 2 {
		if i := strings.IndexAny(tag, "-_"); i >= 0 {
			tag = tag[:i]
		}
		if len(tag) != 2 {
			// strings.EqualFold folds 'ſ' (U+017F, long s) to 's': no
			// other rune folds to a letter of "en", "es" or "pl".
			if tag == "eſ" || tag == "Eſ" {
				return langES
			}
			return -1
		}
	}
	// ASCII letters only: "EN", "Es" and "pL" match, as with
	// strings.EqualFold; "\u212a" (Kelvin sign) is not 2 bytes.
	switch tag[0] | 0x20 {
	case 'e':
		switch tag[1] | 0x20 {
		case 'n':
			return langEN
		case 's':
			return langES
		}
	case 'p':
		if tag[1]|0x20 == 'l' {
			return langPL
		}
	}
	return -1
}

// Classes of ASCII bytes, for asciiClass.
const (
	cWord  uint8 = 1 << iota // letter or digit
	cUpper                   // A-Z
	cLower                   // a-z
	cSpace                   // space, tab, CR, LF
	cTrim                    // trimmed off an emoticon: . , ! ? " '
	cMark                    // ends a clause: . , ; ! ?
)

var asciiClass = func() (t [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case 'a' <= c && c <= 'z':
			t[c] = cWord | cLower
		case 'A' <= c && c <= 'Z':
			t[c] = cWord | cUpper
		case '0' <= c && c <= '9':
			t[c] = cWord
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			t[c] = cSpace
		case strings.IndexByte(".,!?\"'", byte(c)) >= 0:
			t[c] = cTrim
		}
		if strings.IndexByte(".,;!?", byte(c)) >= 0 {
			t[c] |= cMark
		}
	}
	return t
}()

func isASCIIWord(c byte) bool { return asciiClass[c]&cWord != 0 }

// decodeRune is utf8.DecodeRuneInString(text[pos:]) with the two-byte
// sequences of Latin letters inline.
func decodeRune(text string, pos int) (rune, int) {
	if c := text[pos]; c >= 0xC2 && c < 0xE0 && pos+1 < len(text) {
		if d := text[pos+1]; d&0xC0 == 0x80 {
			return rune(c&0x1F)<<6 | rune(d&0x3F), 2
		}
	}
	return utf8.DecodeRuneInString(text[pos:])
}

// isWordRune reports whether r is a letter or a digit.
func isWordRune(r rune) bool {
	if r >= 0xC0 && r < 0x180 && latinFold[r-0xC0] != 0 {
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isLetter is unicode.IsLetter with Latin letters first.
func isLetter(r rune) bool {
	if r >= 0xC0 && r < 0x180 && latinFold[r-0xC0] != 0 {
		return true
	}
	return unicode.IsLetter(r)
}

// scan reads tokens from text[pos:] into w until the window is full and
// returns where it stopped. Its loop reads the common word inline: 1 to 15
// ASCII letters and digits followed by an ASCII byte that is none of
// these nor an apostrophe, or by the end of the text; latinWord reads
// the ones with Latin letters, word the others.
func (l *Lexicon) scan(w *window, text string, pos int, t *totals) int {
	for pos < len(text) {
		// Spaces change nothing, so the window may end before or after
		// them; it must end before anything else.
		if w.full() {
			if text[pos] == ' ' {
				pos++
				continue
			}
			return pos
		}
		c := text[pos]
		if asciiClass[c]&cWord != 0 {
			// A word of ASCII letters and digits starts at pos.
			var x uint64
			if pos+8 <= len(text) {
				x = grapheme.Load64(text, pos)
			} else {
				x = grapheme.LoadTail(text, pos)
			}
			letters, up, stop := classify(x)
			var key0, key1 uint64 // the folded word
			var n int             // its folded length
			var next byte         // the byte after the word, 0 at the end of the text
			var u, lm uint64      // the word's upper-case letters and letters, one bit each
			if stop != 0 {
				// The word's bytes are the ones below the first non-word
				// byte, whose high bit is bit b+7 of x.
				b := uint(bits.TrailingZeros64(stop)) &^ 7
				next = byte(x >> (b & 63))
				n = int(b >> 3)
				keep := uint64(1)<<(b&63) - 1
				key0 = (x | lsb*0x20) & keep // 'A'|0x20 is 'a'; digits have 0x20
				u, lm = up&keep, letters&keep
			} else {
				// 8 word bytes: 8 more.
				var x1 uint64 // 0 past the end
				if pos+16 <= len(text) {
					x1 = grapheme.Load64(text, pos+8)
				} else if pos+8 < len(text) {
					x1 = grapheme.LoadTail(text, pos+8)
				}
				letters1, up1, stop1 := classify(x1)
				if stop1 == 0 {
					pos = l.word(w, text, pos) // 16 word bytes or more
					continue
				}
				b := uint(bits.TrailingZeros64(stop1)) &^ 7
				next = byte(x1 >> (b & 63))
				n = 8 + int(b>>3)
				keep := uint64(1)<<(b&63) - 1
				key0 = x | up>>2
				key1 = (x1 | up1>>2) & keep
				// The bits of the second 8 bytes, moved down by one, do not
				// meet those of the first.
				u = up | up1&keep>>1
				lm = letters | letters1&keep>>1
			}
			// Capitals: two upper-case letters or more, no lower-case one.
			caps := u&(u-1) != 0 && lm&^u == 0
			end := pos + n
			if next == ' ' {
				end++ // the space after the word
			}
			if next >= utf8.RuneSelf || next == '\'' {
				// The word may go on.
				if next-0xC3 <= 0xC5-0xC3 {
					key0, key1, n, caps, end = latinWord(text, pos+n, n, key0, key1, u, lm&^u)
				} else {
					n = 0
				}
				if n == 0 {
					pos = l.word(w, text, pos)
					continue
				}
				l.pushKey(w, key0, key1, n, caps)
				pos = end
				continue
			}
			if n >= 8 {
				l.pushKey(w, key0, key1, n, caps)
				pos = end
				continue
			}
			// push, inline, as pushKey does, but the word's bytes go to
			// w.bufs only when phrase may read them: when the word may
			// begin a phrase, or before phrase joins it to the word
			// before.
			w.word++
			w.fill += 1<<16 + uint64(n)
			i := w.nt
			var tk token
			if s := l.words.lookupShort(key0); s != nil {
				tk = s.tok // its key is the word: the size is n
			} else {
				tk = l.shortMiss(n, key0)
			}
			if caps {
				tk |= token(fCaps) << 40
				w.caps++
			}
			if w.clause {
				tk |= token(fClause) << 40
				w.clause = false
				w.clauseStart = i
			}
			info := tk.info()
			if info&(iVal|iBut|iMod) != 0 {
				w.setInfo(i, info)
			}
			w.toks[i&(maxToks-1)] = tk
			w.nt++
			last := w.last
			w.last = info
			if info&iPhrase != 0 {
				binary.LittleEndian.PutUint64(w.bufs[i&1][:8], key0)
			}
			if last&iPhrase != 0 && l.pairs.has(w.toks[(i-1)&(maxToks-1)].entry(), key0) {
				binary.LittleEndian.PutUint64(w.bufs[i&1][:8], key0)
				l.phrase(w, i)
			}
			pos = end
			continue
		}
		switch {
		case c == ' ':
			pos++
		case c >= utf8.RuneSelf:
			var key0, key1 uint64
			var n, end int
			var caps bool
			if c-0xC3 <= 0xC5-0xC3 {
				key0, key1, n, caps, end = latinWord(text, pos, 0, 0, 0, 0, 0)
			}
			if n == 0 {
				pos = l.nonASCII(w, text, pos)
				continue
			}
			l.pushKey(w, key0, key1, n, caps)
			pos = end
		case asciiClass[c]&cSpace != 0:
			pos++
		case asciiClass[c]&cMark != 0 && (pos+1 == len(text) || text[pos+1] == ' '):
			// A lone mark, as punct reads it: no emoticon.
			switch c {
			case '!':
				t.excl++
			case '?':
				t.quest++
				w.quest |= (1<<uint(w.nt) - 1) &^ (1<<uint(w.clauseStart) - 1)
			}
			w.clause = true
			if pos++; pos < len(text) {
				pos++ // the space after it
			}
		default:
			pos = l.punct(w, text, pos, t)
		}
	}
	return pos
}

// pushKey looks up, for scan, the word of n (1 to 15) folded bytes whose
// little-endian words are key0 and key1, zero-padded, and pushes its
// token, in capitals when caps; it joins the word to the one before when
// the two make a phrase.
func (l *Lexicon) pushKey(w *window, key0, key1 uint64, n int, caps bool) {
	w.word++
	w.fill += 1<<16 + uint64(n)
	i := w.nt
	buf := &w.bufs[i&1]
	binary.LittleEndian.PutUint64(buf[:8], key0)
	binary.LittleEndian.PutUint64(buf[8:16], key1)
	var tk token
	if n < 8 {
		if s := l.words.lookupShort(key0); s != nil {
			tk = s.tok // its key is the word: the size is n
		} else {
			tk = l.shortMiss(n, key0)
		}
	} else {
		if s := l.words.lookup16(key0, key1, n); s != nil {
			tk = s.tok
		} else {
			tk = l.longMiss(buf, n, key0, key1)
		}
	}
	if caps {
		tk |= token(fCaps) << 40
		w.caps++
	}
	if w.clause {
		tk |= token(fClause) << 40
		w.clause = false
		w.clauseStart = i
	}
	info := tk.info()
	if info&(iVal|iBut|iMod) != 0 {
		w.setInfo(i, info)
	}
	w.toks[i&(maxToks-1)] = tk
	w.nt++
	last := w.last
	w.last = info
	if last&iPhrase != 0 && l.pairs.has(w.toks[(i-1)&(maxToks-1)].entry(), key0) {
		l.phrase(w, i)
	}
}

// latinWord reads, for scan, a word of 1 to 15 bytes once folded: ASCII
// letters and digits, and Latin letters of two bytes (U+00C0 to U+017F,
// leads 0xC3 to 0xC5) that latinFold folds to one, ended by the end of
// the text or an ASCII byte that is none of these nor an apostrophe. It
// goes on from text[pos:] with the word read so far: n folded bytes (0 to
// 15) in key0 and key1, ASCII letters and digits whose upper-case letters
// are the bits of up (one bit each) and whose lower-case letters are
// those of lo. It returns the word folded, as the little-endian words key0
// and key1, zero-padded, its folded length n, whether it is in capitals
// (two upper-case letters or more, no lower-case one), and where it ends
// in text, past one space after it. n is 0 for another word, which word
// reads.
func latinWord(text string, pos, n int, key0, key1, up, lo uint64) (uint64, uint64, int, bool, int) {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], key0)
	binary.LittleEndian.PutUint64(b[8:], key1)
	upper := 0
	if up != 0 {
		upper = 1
		if up&(up-1) != 0 {
			upper = 2
		}
	}
	lower := lo != 0
	for pos < len(text) {
		c := text[pos]
		if c < utf8.RuneSelf {
			k := asciiClass[c]
			if k&cWord == 0 {
				if c == '\'' {
					return 0, 0, 0, false, 0
				}
				break
			}
			if k&cUpper != 0 {
				c += 'a' - 'A'
				upper++
			} else if k&cLower != 0 {
				lower = true
			}
			b[n&15] = c
			pos++
		} else {
			if c-0xC3 > 0xC5-0xC3 || pos+1 >= len(text) || text[pos+1]&0xC0 != 0x80 {
				return 0, 0, 0, false, 0
			}
			r := (rune(c&0x1F)<<6 | rune(text[pos+1]&0x3F)) - 0xC0 // < 0xC0
			f := latinFold[r&0xFF]
			if f == 0 {
				return 0, 0, 0, false, 0
			}
			if latinUpper[r&0xFF] {
				upper++
			} else {
				lower = true
			}
			b[n&15] = f
			pos += 2
		}
		if n++; n == 16 {
			return 0, 0, 0, false, 0
		}
	}
	if pos < len(text) && text[pos] == ' ' {
		pos++
	}
	return binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:]), n, upper >= 2 && !lower, pos
}

// classify returns the high bit of each byte of x that is an ASCII letter
// (letters), an upper-case one (up), and neither a letter nor a digit
// (stop), for the bytes below the first byte that is not ASCII; that
// byte is in stop, and the bits of the bytes above it are of no meaning.
// Callers read only the bytes below the first bit of stop.
//
// A byte is in [lo, hi] when the high bit of x+(0x80-lo) is set (x >= lo)
// and that of x+(0x7F-hi) is not (x <= hi): an ASCII byte is at most 0x7F
// and 0x80-lo at most 0x80, so its sum does not carry into the next
// byte. A byte that is not ASCII may carry, but only into the bytes above
// it. Letters are the bytes in 'a'-'z' once 0x20 is set, upper-case ones
// the letters without 0x20 (moved to the high bit by x<<2), digits those
// in '0'-'9'.
func classify(x uint64) (letters, up, stop uint64) {
	xl := x | lsb*0x20
	letters = (xl + lsb*(0x80-'a')) &^ (xl + lsb*(0x7F-'z')) & msb
	digits := (x + lsb*(0x80-'0')) &^ (x + lsb*(0x7F-'9'))
	return letters, letters &^ (x << 2), (^(letters | digits) | x) & msb
}

// missToken returns the token of a word of n folded bytes that is not a
// key itself, found as the key of s (nil for none), with flags.
func missToken(s *slot, n int, flags uint8) token {
	t := newToken(-1, n, flags, 0)
	if s != nil {
		t = s.tok&^(0xFF<<32) | t&(0xFFFF<<32)
	}
	return t
}

// longMiss returns the token of a word of scan of n (8 to 15) folded
// bytes, buf[:n], whose little-endian words are key0 and key1,
// zero-padded, and that is not a key itself, as lookupMiss finds it.
func (l *Lexicon) longMiss(buf *[wordBuf]byte, n int, key0, key1 uint64) token {
	// Bytes 0-7, 8-15 and 6-13: every run of three starts in one, as
	// hasRun3 reads them.
	if run3(key0) || run3(key1) || run3(key0>>48|key1<<16) {
		s, emph := l.lookupMiss(buf[:], n)
		flags := uint8(0)
		if emph {
			flags = fEmph
		}
		return missToken(s, n, flags)
	}
	// Not elongated: lookupRest. A word of scan has no apostrophe, so it
	// does not end in "n't".
	if c := buf[n-1]; c == 'o' || c == 'a' || c == 's' {
		if s := l.superlative(buf[:n]); s != nil {
			return missToken(s, n, fEmph)
		}
	}
	// Stems, as lookupStem, with the prefixes of key0 and key1.
	if n >= l.minStem {
		m := l.stemLens[stemBucketKey(key0)] & (2<<(uint(min(n, l.maxStem))&63) - 1) // n <= 15
		for m != 0 {
			k := 63 - bits.LeadingZeros64(m) // 3 <= k <= n <= 15
			var s *slot
			switch {
			case k < 8:
				s = l.stems.lookupShort(key0 & (1<<(8*uint(k)&63) - 1))
			case k == 8:
				s = l.stems.lookup16(key0, 0, 8)
			default:
				s = l.stems.lookup16(key0, key1&(1<<(8*uint(k-8)&63)-1), k)
			}
			if s != nil {
				return missToken(s, n, 0)
			}
			m &^= 1 << k
		}
	}
	return newToken(-1, n, 0, 0)
}

// shortMiss is longMiss for a word of n (1 to 7) folded bytes, the
// little-endian word key, zero-padded.
func (l *Lexicon) shortMiss(n int, key uint64) token {
	if run3(key) {
		var buf [wordBuf]byte
		binary.LittleEndian.PutUint64(buf[:8], key)
		s, emph := l.lookupMiss(buf[:], n)
		flags := uint8(0)
		if emph {
			flags = fEmph
		}
		return missToken(s, n, flags)
	}
	// Neither a superlative (8 bytes or more) nor "-n't": stems only, as
	// lookupStem does, with the prefixes of key.
	if n >= l.minStem {
		m := l.stemLens[stemBucketKey(key)] & (2<<(uint(min(n, l.maxStem))&63) - 1) // n <= 7
		for m != 0 {
			k := 63 - bits.LeadingZeros64(m) // 3 <= k <= n < 8
			if s := l.stems.lookupShort(key & (1<<(8*uint(k)&63) - 1)); s != nil {
				return missToken(s, n, 0)
			}
			m &^= 1 << k
		}
	}
	return newToken(-1, n, 0, 0)
}

// nonASCII reads the rune at text[pos], which is not ASCII: a word, an
// emoji or other symbol, punctuation or a space.
func (l *Lexicon) nonASCII(w *window, text string, pos int) int {
	r, size := decodeRune(text, pos)
	if r >= 0x1F000 && r < 0x1FB00 {
		// Emoji: no letter, digit, space nor punctuation in these blocks
		// (TestEmojiBlocks).
		if r < 0x1F3FB || r > 0x1F3FF {
			l.symbol(w, text[pos:pos+size])
		}
		return pos + size
	}
	switch {
	case r >= 0xC0 && r < 0x180 && latinFold[r-0xC0] != 0:
		return l.word(w, text, pos) // a Latin letter
	case r == '¡' || r == '¿':
		w.clause = true
	case isIgnorable(r):
		// Neither a letter nor a space: the cases below would not match.
	case r == 'ʼ' && (pos+size >= len(text) || !isASCIIWord(text[pos+size])):
		// A modifier-letter apostrophe that no letter follows is
		// skipped, as "'" is; word would read nothing and never end.
	case isWordRune(r):
		return l.word(w, text, pos)
	case unicode.IsSpace(r):
	case unicode.IsPunct(r):
		w.clause = true
	default:
		l.symbol(w, text[pos:pos+size])
	}
	return pos + size
}

// symbol pushes a token for the emoji or other symbol sym, if it is a key.
func (l *Lexicon) symbol(w *window, sym string) {
	if s := l.words.lookupString(sym); s != nil {
		l.push(w, s, 0, fSymbol)
	}
}

// push appends a token of the entry of s (none when s is nil) and returns
// its index.
func (l *Lexicon) push(w *window, s *slot, n int, flags uint8) int {
	i := w.nt
	if w.clause {
		flags |= fClause
		w.clause = false
		w.clauseStart = i
	}
	e, info := int32(-1), uint8(0)
	if s != nil {
		e, info = s.tok.entry(), s.tok.info()
		w.setInfo(i, info)
	}
	w.toks[i&(maxToks-1)] = newToken(e, n, flags, info)
	w.nt++
	w.fill += 1 << 16
	w.last = info
	if flags&fSymbol != 0 {
		w.last = 0
	}
	return i
}

// setInfo adds token i to the token sets that its info bits select.
func (w *window) setInfo(i int, info uint8) {
	bit := uint64(1) << (uint(i) & 63)
	if info&iVal != 0 {
		w.val |= bit
	}
	if info&iBut != 0 {
		w.but |= bit
	}
	if info&iMod != 0 {
		w.mod |= bit
	}
}

const (
	lsb = 0x0101010101010101 // the low bit of each byte
	msb = 0x8080808080808080 // the high bit of each byte
)

// word scans a word at text[pos:], folds it into a buffer of w, looks it
// up and pushes its token.
func (l *Lexicon) word(w *window, text string, pos int) int {
	buf := &w.bufs[w.nt&1]
	o := 0             // end of the folded word in buf
	const lim = maxKey // folded bytes past maxKey are dropped
	upper := 0
	lower := false
	for pos < len(text) {
		// Fast path: up to 8 ASCII letters and digits at a time, folded
		// with word arithmetic.
		if o+8 <= lim && len(text) >= 8 {
			var x uint64 // 0 past the end: no word byte
			if pos+8 <= len(text) {
				x = grapheme.Load64(text, pos)
			} else {
				x = grapheme.LoadTail(text, pos)
			}
			letters, up, stop := classify(x)
			lo := letters &^ up
			// k: how many bytes from the low one are word bytes.
			k := bits.TrailingZeros64(stop) >> 3
			keep := uint64(1)<<(8*uint(k)&63) - 1
			if k == 8 {
				keep = ^uint64(0)
			}
			binary.LittleEndian.PutUint64(buf[o:], x|up>>2) // 'A'|0x20 is 'a'
			// Only whether there are two capitals or more matters.
			if u := up & keep; u != 0 {
				upper++
				if u&(u-1) != 0 {
					upper++
				}
			}
			lower = lower || lo&keep != 0
			o += k
			pos += k
			if k == 8 || pos >= len(text) {
				continue
			}
		}
		c := text[pos]
		if c-0xC3 <= 0xC5-0xC3 && o < lim && pos+1 < len(text) {
			// A letter of U+00C0 to U+017F (two bytes, lead 0xC3 to
			// 0xC5), as appendFolded folds it, inline.
			if d := text[pos+1]; d&0xC0 == 0x80 {
				r := rune(c&0x1F)<<6 | rune(d&0x3F) - 0xC0
				if f := latinFold[r&0xFF]; r < 0xC0 && f != 0 {
					buf[o] = f
					o++
					if latinUpper[r&0xFF] {
						upper++
					} else {
						lower = true
					}
					pos += 2
					continue
				}
			}
		}
		if c < utf8.RuneSelf && c != '\'' {
			k := asciiClass[c]
			if k&cWord == 0 {
				break
			}
			if o < lim {
				if k&cUpper != 0 {
					c += 'a' - 'A'
					upper++
				} else if k&cLower != 0 {
					lower = true
				}
				buf[o] = c
				o++
			}
			pos++
			continue
		}
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = decodeRune(text, pos)
			if isIgnorable(r) {
				pos += size
				continue
			}
			if !isWordRune(r) && r != '’' && r != 'ʼ' {
				break
			}
		}
		if r == '\'' || r == '’' || r == 'ʼ' {
			// An apostrophe belongs to the word when a letter follows.
			if pos+size >= len(text) || !isASCIIWord(text[pos+size]) {
				break
			}
		}
		if o < lim {
			b, up := appendFolded(buf[:o], r)
			o = len(b)
			if up {
				upper++
			} else if isLetter(r) {
				lower = true
			}
		}
		pos += size
	}
	n := o
	w.fill += uint64(n)
	flags := uint8(0)
	w.word++
	if upper >= 2 && !lower {
		flags |= fCaps
		w.caps++
	}
	var s *slot
	var emph bool
	if n < 8 {
		// n > 0: word reads at least one rune.
		if s = l.words.lookupShort(load8(buf[:], n)); s == nil {
			s, emph = l.lookupMiss(buf[:], n)
		}
	} else {
		s, emph = l.lookupWord(buf[:], n)
	}
	if emph {
		flags |= fEmph
	}
	l.pushWord(w, s, n, flags)
	return pos
}

// pushWord pushes the token of a word of n folded bytes, in
// w.bufs[w.nt&1], and joins it to the token before as phrase does.
func (l *Lexicon) pushWord(w *window, s *slot, n int, flags uint8) {
	last := w.last
	i := l.push(w, s, n, flags)
	if last&iPhrase != 0 {
		l.phrase(w, i)
	}
}

// phrase joins the word token i, in w.bufs[i&1], to the token before
// it, which may begin a phrase, when the two make a two-word term ("kind
// of", "sin embargo", "nie działa"): the first token takes the phrase's
// entry and the second is skipped.
func (l *Lexicon) phrase(w *window, i int) {
	a, b := w.toks[(i-1)&(maxToks-1)], w.toks[i&(maxToks-1)]
	n := b.size()
	// A symbol (n == 0) would make a key that starts with a space, which
	// no key does.
	if a.flags()&fSkip != 0 || b.flags()&fClause != 0 || a.size() == 0 || a.size()+n+1 > maxKey {
		return
	}
	first, second := &w.bufs[(i-1)&1], &w.bufs[i&1]
	if !l.pairs.has(a.entry(), load8(second[:], min(n, 8))) {
		return
	}
	var k [maxKey + keySlack]byte
	m := copy(k[:], first[:a.size()])
	k[m] = ' '
	m += 1 + copy(k[m+1:], second[:n])
	s := l.words.lookup(k[:], m)
	if s == nil || s.tok.info()&(1<<nLang-1) == 0 {
		return
	}
	w.toks[(i-1)&(maxToks-1)] = newToken(s.tok.entry(), a.size(), a.flags()|b.flags()&(fCaps|fEmph), s.tok.info())
	w.toks[i&(maxToks-1)] = b | token(fSkip)<<40
	bit := uint64(1) << (uint(i-1) & 63)
	w.val &^= bit
	w.but &^= bit
	w.mod &^= bit
	w.setInfo(i-1, s.tok.info())
	w.skip |= bit << 1
}

// pairFilter tells which pairs of a first word's entry and a second word's
// first 8 bytes may make a phrase: a bit set of their hashes, which leaves
// most look-ups of phrases out (see Lexicon.pairs).
type pairFilter [pairBits / 64]uint64

const pairBits = 1 << 12

func pairHash(first int32, second uint64) uint {
	return uint((uint64(first)*hashK2 ^ second) * hashK1 >> (64 - 12))
}

func (f *pairFilter) add(first int32, second uint64) {
	h := pairHash(first, second)
	f[h/64%uint(len(f))] |= 1 << (h % 64)
}

func (f *pairFilter) has(first int32, second uint64) bool {
	h := pairHash(first, second)
	return f[h/64%uint(len(f))]>>(h%64)&1 != 0
}

// hasRun3 reports whether word has three equal bytes in a row that are
// at least 'a': an elongation such as "goooood". (Bytes of 'a' and above
// are lower-case letters or, three in a row, the end of a 4-byte rune,
// as when the word was read.)
func hasRun3(word []byte) bool {
	if len(word) <= 8 && cap(word) >= 8 {
		return run3(load8(word[:8], len(word)))
	}
	if len(word) <= 16 && cap(word) >= 16 {
		// Bytes 0-7, 8-15 and 6-13: every run of three starts in one.
		x0, x1 := load8(word[:8], 8), load8(word[8:16], len(word)-8)
		return run3(x0) || run3(x1) || run3(x0>>48|x1<<16)
	}
	for i := 2; i < len(word); i++ {
		if c := word[i]; c >= 'a' && word[i-1] == c && word[i-2] == c {
			return true
		}
	}
	return false
}

// run3 is hasRun3 of a word of up to 8 bytes, none 0, as a little-endian
// word, zero-padded. Byte i of d is 0 when bytes i, i+1 and i+2 of x are
// equal; as the bytes past the word are 0, only runs inside it count.
func run3(x uint64) bool {
	d := (x ^ x>>8) | (x ^ x>>16)
	zero := ^((d&^msb + lsb*0x7F) | d) & msb      // exact: the high bit of each 0 byte of d
	atLeastA := (x&^msb + lsb*(0x80-'a')) | x&msb // the high bit of each byte >= 'a'
	return zero&atLeastA != 0
}

// lookupWord finds the entry of the folded word p[:n] (p holds keySlack
// bytes more): the word itself; elongations collapsed ("goooood" is
// "good", "suuuper" is "super"); Spanish superlatives reduced
// ("buenísimo" is "bueno"); English "-n't" as "not"; then the longest
// stem that is a prefix of it. emph reports an elongation or superlative,
// which adds emphasis.
func (l *Lexicon) lookupWord(p []byte, n int) (s *slot, emph bool) {
	if n == 0 || n >= maxKey {
		return nil, false
	}
	if s := l.words.lookup(p, n); s != nil {
		return s, false
	}
	return l.lookupMiss(p, n)
}

// lookupMiss is lookupWord for a word that is not a key itself.
func (l *Lexicon) lookupMiss(p []byte, n int) (s *slot, emph bool) {
	elongated := hasRun3(p[:n])
	if elongated {
		var tmp [maxKey + keySlack]byte
		for _, keep := range [2]int{2, 1} {
			k := collapse(tmp[:0], p[:n], keep)
			if s := l.words.lookup(tmp[:], len(k)); s != nil {
				return s, true
			}
		}
		n = len(collapse(tmp[:0], p[:n], 1))
		p = tmp[:]
		return l.lookupRest(p, n, true)
	}
	return l.lookupRest(p, n, false)
}

// lookupRest is lookupMiss after the elongations.
func (l *Lexicon) lookupRest(p []byte, n int, elongated bool) (s *slot, emph bool) {
	if n >= 8 {
		if s := l.superlative(p[:n]); s != nil {
			return s, true
		}
	}
	if n > 3 && string(p[n-3:n]) == "n't" && l.not != nil {
		return l.not, false
	}
	if s, ok := l.lookupStem(p, n); ok {
		return s, elongated
	}
	return nil, elongated
}

// lookupStem returns the longest stem that is a prefix of the folded word
// p[:n] (p holds keySlack bytes more), and whether there is one.
func (l *Lexicon) lookupStem(p []byte, n int) (*slot, bool) {
	if n < l.minStem {
		return nil, false
	}
	// Look up, longest first, the prefix lengths that a stem with the
	// same first three bytes may have.
	m := l.stemLens[stemBucket(p)] & (2<<min(n, l.maxStem) - 1)
	for m != 0 {
		k := 63 - bits.LeadingZeros64(m)
		if s := l.stems.lookup(p, k); s != nil {
			return s, true
		}
		m &^= 1 << k
	}
	return nil, false
}

// superlative looks up the base of a Spanish absolute superlative:
// "buenísimo" as "bueno", "carísimas" as "cara", "facilísimo" as "fácil",
// "grandísimo" as "grande".
func (l *Lexicon) superlative(word []byte) *slot {
	n := len(word)
	if n < 8 || word[n-1] != 'o' && word[n-1] != 'a' && word[n-1] != 's' ||
		string(word[n-5:n-1]) != "isim" && string(word[n-6:n-2]) != "isim" {
		return nil
	}
	for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
		if n < len(suf)+3 || string(word[n-len(suf):]) != suf {
			continue
		}
		base := word[:n-len(suf)]
		var b [maxKey + keySlack]byte
		for _, end := range [...]byte{suf[4], 'e', 0} {
			k := append(b[:0], base...)
			if end != 0 {
				k = append(k, end)
			}
			if s := l.words.lookup(b[:], len(k)); s != nil {
				return s
			}
		}
	}
	return nil
}

// collapse appends word to dst with runs of a letter cut to keep.
func collapse(dst, word []byte, keep int) []byte {
	run := 0
	for i, c := range word {
		if i > 0 && c == word[i-1] {
			run++
		} else {
			run = 1
		}
		if run <= keep {
			dst = append(dst, c)
		}
	}
	return dst
}

// punct scans ASCII punctuation at text[pos:]: it counts "!" and "?",
// ends clauses, and reads emoticons (":)", ":-(", ":D", "<3", "</3").
func (l *Lexicon) punct(w *window, text string, pos int, t *totals) int {
	start := pos
	for pos < len(text) {
		c := text[pos]
		if c >= utf8.RuneSelf || asciiClass[c]&(cSpace|cWord) != 0 {
			break
		}
		pos++
	}
	// An emoticon may end in a letter or digit: ":D", ":P", "<3", "xD" is a word.
	if pos < len(text) && pos > start {
		last, next := text[pos-1], text[pos]
		after := pos+1 >= len(text) || !isASCIIWord(text[pos+1])
		if after && (last == ':' || last == ';' || last == '=' || last == '-' && pos-start >= 2) && strings.IndexByte("DdPpOoSsXxc3", next) >= 0 ||
			after && last == '<' && next == '3' || after && last == '/' && pos-start >= 2 && text[pos-2] == '<' && next == '3' {
			pos++
		}
	}
	run := text[start:pos]
	sentence := false
	for i := 0; i < len(run); i++ {
		switch run[i] {
		case '!':
			t.excl++
			sentence = true
		case '?':
			t.quest++
			sentence = true
			// The tokens of the clause so far, clauseStart to nt.
			w.quest |= (1<<uint(w.nt) - 1) &^ (1<<uint(w.clauseStart) - 1)
		case '.', ',', ';':
			sentence = true
		}
	}
	if len(run) == 1 {
		// No emoticon has one byte.
		if sentence || run == ":" || run == "-" || run == "(" || run == ")" {
			w.clause = true
		}
		return pos
	}
	// key is run without the marks around it.
	i, j := 0, len(run)
	for i < j && asciiClass[run[i]]&cTrim != 0 {
		i++
	}
	for j > i && asciiClass[run[j-1]]&cTrim != 0 {
		j--
	}
	if key := run[i:j]; len(key) >= 2 && len(key) <= maxKey {
		var b [maxKey + keySlack]byte
		for i := 0; i < len(key); i++ {
			c := key[i]
			if asciiClass[c]&cUpper != 0 {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		var s *slot
		if strings.IndexByte(key, 0) < 0 {
			s = l.words.lookup(b[:], len(key))
		} else {
			s = l.words.lookupNul(b[:len(key)])
		}
		if s != nil {
			l.push(w, s, 0, fSymbol)
			w.clause = true
			return pos
		}
	}
	if sentence || run == ":" || run == "-" || run == "(" || run == ")" {
		w.clause = true
	}
	return pos
}

// detect returns the language whose lexicon knows most tokens of w, or -1.
func detect(w *window) int {
	// One byte of count per language: langCount spreads the language
	// bits of an entry's info to bytes 0, 1 and 2, and no count exceeds
	// maxToks.
	count := uint32(0)
	for i := 0; i < w.nt; i++ {
		t := w.toks[i&(maxToks-1)]
		if t.flags()&fSkip == 0 {
			count += langCount[t.info()&7]
		}
	}
	best, most := -1, uint32(0)
	for lang := range langAny {
		if c := count >> (8 * lang) & 0xFF; c > most {
			best, most = lang, c
		}
	}
	return best
}

var langCount = func() (t [8]uint32) {
	for b := range t {
		t[b] = uint32(b&1) | uint32(b>>1&1)<<8 | uint32(b>>2&1)<<16
	}
	return t
}()

// senseOf returns the sense of entry id for language lang: its own, the
// shared one (emoji), or else the first other language that has the key
// (code-switching).
func (l *Lexicon) senseOf(id int32, lang int) sense {
	if id < 0 {
		return sense{}
	}
	e := &l.entries[id]
	if lang >= 0 && e.langs&(1<<lang) != 0 {
		return e.sense[lang]
	}
	for other := range nLang {
		if e.langs&(1<<other) != 0 {
			return e.sense[other]
		}
	}
	return sense{}
}

var distance = [3]float64{1, 0.95, 0.9}

// score applies the rules to the tokens of w and adds them to t. Only the
// tokens whose entry may carry a valence (w.val) can score; a token that
// scores nothing counts as neutral. The sums run in token order, as the
// reference does.
func (l *Lexicon) score(w *window, lang int, t *totals) {
	senses := l.senses[(lang+1)&(nLang-1)]
	mixed := w.caps > 0 && w.caps < w.word
	// The last contrast word.
	but := -1
	for m := w.but &^ w.skip; m != 0; {
		i := 63 - bits.LeadingZeros64(m)
		if senses[w.toks[i&(maxToks-1)].entry()].kind&kindBut != 0 {
			but = i
			break
		}
		m &^= 1 << uint(i)
	}
	scored := 0
	for m := w.val &^ w.skip; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		tk := w.toks[i&(maxToks-1)]
		s := senses[tk.entry()]
		v := float64(s.val)
		if v == 0 {
			continue
		}
		if tk.flags()&fSymbol == 0 {
			v = w.rules(senses, i, tk, s, v, mixed)
			if v == 0 {
				continue
			}
		}
		if but >= 0 {
			if i < but {
				v *= butBefore
			} else if i > but {
				v *= butAfter
			}
		}
		switch {
		case v > 0:
			t.pos += v + 1
		case v < 0:
			t.neg += v - 1
		}
		scored++
		t.sum += v
	}
	t.hits += scored
	t.neutral += w.nt - bits.OnesCount64(w.skip) - scored
}

// senseAt returns the sense in senses of token j: none for a skipped
// token or one without an entry.
func (w *window) senseAt(senses []sense, j int) sense {
	tk := w.toks[j&(maxToks-1)]
	if tk.flags()&fSkip != 0 || tk.entry() < 0 {
		return sense{}
	}
	return senses[tk.entry()]
}

// rules returns the valence v of the word token i, of sense s, after the
// question, intensifier, capitals, emphasis and negation rules.
func (w *window) rules(senses []sense, i int, tk token, s sense, v float64, mixed bool) float64 {
	if w.quest>>(uint(i)&63)&1 != 0 && math.Abs(v) <= questMild {
		return 0
	}
	// An intensifier that is also a sentiment word ("super", "mega")
	// only intensifies a sentiment word right after it.
	if s.kind&kindBoost != 0 && i+1 < w.nt {
		nx := w.toks[(i+1)&(maxToks-1)]
		if nx.flags()&(fClause|fSymbol|fSkip) == 0 && w.senseAt(senses, i+1).val != 0 {
			return 0
		}
	}
	sign := 1.0
	if v < 0 {
		sign = -1
	}
	if tk.flags()&fCaps != 0 && mixed {
		v += sign * cIncr
	}
	if tk.flags()&fEmph != 0 {
		v += sign * bIncr
	}
	// The negators and intensifiers before token i, up to 3 tokens back
	// (4 with a phrase's skipped word between).
	if w.mod&(1<<(uint(i)&63)-1)>>(uint(max(i-4, 0))&63) == 0 { // 0 <= i < maxToks
		return v
	}
	negated := false
	for d := 1; d <= 3 && i-d >= 0; d++ {
		if w.toks[(i-d+1)&(maxToks-1)].flags()&fClause != 0 {
			break
		}
		j := i - d
		if w.toks[j&(maxToks-1)].flags()&fSkip != 0 {
			j--
		}
		p, ps := w.toks[j&(maxToks-1)], w.senseAt(senses, j)
		if ps.val != 0 && ps.kind&kindBoost == 0 && p.flags()&fSymbol == 0 {
			// Another sentiment word: a negator or intensifier before
			// it belongs to it ("sin reembolso y sin respuesta").
			break
		}
		if ps.kind&kindNeg != 0 {
			negated = true
		}
		if ps.kind&kindBoost != 0 {
			b := float64(ps.boost) * distance[d-1]
			if p.flags()&fCaps != 0 && mixed {
				if b > 0 {
					b += cIncr
				} else {
					b -= cIncr
				}
			}
			v += sign * b
		}
	}
	if negated {
		v *= nScalar
	}
	return v
}

// result turns the totals into a Result.
func (t *totals) result(lang int) Result {
	r := Result{Label: Neutral, Hits: t.hits}
	if lang >= 0 {
		r.Lang = langNames[lang]
	}
	sum, pos, neg := t.sum, t.pos, t.neg
	if sum != 0 {
		amp := float64(min(t.excl, 4)) * exclIncr
		if t.quest > 3 {
			amp += 0.96
		} else if t.quest > 1 {
			amp += float64(t.quest) * questIncr
		}
		if sum > 0 {
			sum += amp
		} else {
			sum -= amp
		}
		if pos > -neg {
			pos += amp
		} else if pos < -neg {
			neg -= amp
		}
		// Clamped to [-1, 1]: math.Max(-1, math.Min(1, x)), without the
		// calls; -0 and NaN come out unchanged in both.
		x := sum / math.Sqrt(sum*sum+alpha)
		if x > 1 {
			x = 1
		} else if x < -1 {
			x = -1
		}
		r.Score = x
		r.Label = label(r.Score)
	}
	if total := pos - neg + float64(t.neutral); total > 0 {
		r.Positive = pos / total
		r.Negative = -neg / total
		r.Neutral = float64(t.neutral) / total
	}
	return r
}

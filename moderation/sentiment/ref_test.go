package sentiment

// A frozen copy of the analyzer as it was before the performance work
// (commit c620579), kept as the reference of the differential tests: every
// identifier carries the prefix "ref". Do not change it.

import (
	"embed"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The constants of VADER (Hutto and Gilbert, 2014), measured there from
// human ratings of tweets.
const (
	refBIncr     = 0.293 // an intensifier adds this to a word's valence ("very good")
	refBDecr     = -0.293
	refCIncr     = 0.733 // a word in capitals, among words that are not, adds this
	refNScalar   = -0.74 // a negated valence is multiplied by this ("not good")
	refButBefore = 0.5   // valences before a contrast word are multiplied by this
	refButAfter  = 1.5   // and those after it by this
	refExclIncr  = 0.292 // each "!" (up to 4) adds this to the sum
	refQuestIncr = 0.18  // each "?" (2 or 3) adds this; 4 or more add 0.96
	refAlpha     = 15    // normalization: x / sqrt(x² + refAlpha)
)

// Languages with a lexicon, in the order of detection ties; refLangAny holds
// the emoji and emoticons shared by all.
const (
	refLangEN = iota
	refLangES
	refLangPL
	refLangAny
	refNLang
)

var refLangNames = [refNLang]string{"en", "es", "pl", ""}

//go:embed data/*.tsv
var refDataFS embed.FS

var refDataFiles = [refNLang]string{"data/en.tsv", "data/es.tsv", "data/pl.tsv", "data/emoji.tsv"}

// refSense is what a term means in one language.
type refSense struct {
	val   float32
	boost float32
	kind  uint8
}

// refEntry is a key and its senses in the languages that have it.
type refEntry struct {
	sense  [refNLang]refSense
	langs  uint8 // bit l set when language l has the key
	phrase bool  // the key begins a two-word term
}

// refLexicon is the default Analyzer: word lists with valences and the rules
// of VADER, for English, Spanish and Polish (see the package doc). Build
// it once with refNew; it is read-only afterwards and safe for concurrent use.
type refLexicon struct {
	entries []refEntry
	words   map[string]int32 // exact keys (words, phrases, symbols)
	stems   map[string]int32 // prefixes
	// wordT and stemT hold the same once built; Analyze reads only them.
	wordT, stemT refTable
	// stemBloom has bit h%refStemBits set for the hash h of every stem, so
	// a word looks up only the prefixes that may be stems.
	stemBloom        [refStemBits / 64]uint64
	minStem, maxStem int
	notEntry         int32 // the refEntry of "not", for English "-n't"
}

// refNew returns a refLexicon built from the embedded lexicons. It panics only if
// the embedded data is malformed, which the package tests rule out.
func refNew() *refLexicon {
	l, err := refBuild(func(lang int) (string, error) {
		b, err := refDataFS.ReadFile(refDataFiles[lang])
		return string(b), err
	})
	if err != nil {
		panic(err)
	}
	return l
}

func refBuild(read func(lang int) (string, error)) (*refLexicon, error) {
	l := &refLexicon{words: map[string]int32{}, stems: map[string]int32{}, minStem: refMaxKey, notEntry: -1}
	for lang := range refNLang {
		data, err := read(lang)
		if err != nil {
			return nil, err
		}
		terms, err := parseLexicon(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", refDataFiles[lang], err)
		}
		for _, t := range terms {
			m := l.words
			if t.stem {
				m = l.stems
				l.minStem = min(l.minStem, len(t.key))
				l.maxStem = max(l.maxStem, len(t.key))
				h := refFnv(t.key) % refStemBits
				l.stemBloom[h/64] |= 1 << (h % 64)
			}
			id, ok := m[t.key]
			if !ok {
				id = int32(len(l.entries))
				l.entries = append(l.entries, refEntry{})
				m[t.key] = id
			}
			e := &l.entries[id]
			e.langs |= 1 << lang
			e.sense[lang] = refSense{val: t.val, boost: t.boost, kind: t.kind}
			if first, _, two := strings.Cut(t.key, " "); two && !t.stem {
				fid, ok := l.words[first]
				if !ok {
					fid = int32(len(l.entries))
					l.entries = append(l.entries, refEntry{})
					l.words[first] = fid
				}
				l.entries[fid].phrase = true
			}
		}
	}
	if id, ok := l.words["not"]; ok {
		l.notEntry = id
	}
	l.wordT, l.stemT = refNewTable(l.words), refNewTable(l.stems)
	l.words, l.stems = nil, nil
	return l, nil
}

const refStemBits = 1 << 16

// Token flags.
const (
	refFCaps   uint8 = 1 << iota // all capitals, two letters or more
	refFEmph                     // elongated ("goooood") or superlative ("buenísimo")
	refFClause                   // first refToken of a clause: punctuation or a contrast word before it
	refFSkip                     // second word of a phrase, scored with the first
	refFSymbol                   // emoji or emoticon: never negated nor boosted
	refFWord                     // a word (counted for the capitals rule)
	refFQuest                    // in a clause that ends with "?"
)

// refQuestMild is the largest valence that a question ignores: "Is it
// dishwasher safe?" asks, it does not praise; "Why is it so slow?" still
// complains.
const refQuestMild = 1.5

const (
	refMaxToks = 64   // tokens per refWindow
	refBufSize = 1024 // folded bytes per refWindow
	refMaxKey  = 48   // longest key looked up
)

type refToken struct {
	e     int32 // refEntry, or -1
	off   uint16
	n     uint8
	flags uint8
}

// refWindow is the scanner's state for up to refMaxToks tokens; it lives on the
// stack of Analyze, which is why Analyze does not allocate.
type refWindow struct {
	toks        [refMaxToks]refToken
	nt          int
	buf         [refBufSize]byte
	nb          int
	caps, word  int  // words in capitals, words
	clauseStart int  // first refToken of the current clause
	clause      bool // the next refToken starts a clause
}

// refTotals accumulate over the windows of a text.
type refTotals struct {
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
func (l *refLexicon) Analyze(text, lang string) Result {
	var w refWindow
	var t refTotals
	chosen := refLangIndex(lang)
	for pos := 0; pos < len(text); {
		w.nt, w.nb, w.caps, w.word, w.clause, w.clauseStart = 0, 0, 0, 0, true, 0
		pos = l.scan(&w, text, pos, &t)
		l.phrases(&w)
		if chosen < 0 {
			chosen = l.detect(&w)
		}
		l.score(&w, chosen, &t)
	}
	return t.result(chosen)
}

// refLangIndex maps a BCP 47 tag to a lexicon, or -1.
func refLangIndex(tag string) int {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch {
	case strings.EqualFold(tag, "en"):
		return refLangEN
	case strings.EqualFold(tag, "es"):
		return refLangES
	case strings.EqualFold(tag, "pl"):
		return refLangPL
	}
	return -1
}

// scan reads tokens from text[pos:] into w until the refWindow is full and
// returns where it stopped.
func (l *refLexicon) scan(w *refWindow, text string, pos int, t *refTotals) int {
	for pos < len(text) {
		if w.nt == refMaxToks || w.nb+refMaxKey*2 > refBufSize {
			return pos
		}
		c := text[pos]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\n' || c == '\t' || c == '\r':
				pos++
			case refIsASCIIWord(c):
				pos = l.word(w, text, pos)
			default:
				pos = l.punct(w, text, pos, t)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[pos:])
		switch {
		case r == 'ʼ' && (pos+size >= len(text) || !refIsASCIIWord(text[pos+size])):
			// A modifier-letter apostrophe that no letter follows is
			// skipped, as "'" is; word would read nothing and never end.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			pos = l.word(w, text, pos)
			continue
		case unicode.IsSpace(r) || refIsIgnorable(r):
		case r == '¡' || r == '¿' || unicode.IsPunct(r):
			w.clause = true
		default:
			if id, ok := l.wordT.getString(text[pos : pos+size]); ok {
				l.push(w, id, w.nb, 0, refFSymbol)
			}
		}
		pos += size
	}
	return pos
}

var refAsciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func refIsASCIIWord(c byte) bool { return c < utf8.RuneSelf && refAsciiWord[c] }

func (l *refLexicon) push(w *refWindow, id int32, off, n int, flags uint8) {
	if w.clause {
		flags |= refFClause
		w.clause = false
		w.clauseStart = w.nt
	}
	w.toks[w.nt] = refToken{e: id, off: uint16(off), n: uint8(n), flags: flags}
	w.nt++
}

// word scans a word at text[pos:], folds it into w.buf and looks it up.
func (l *refLexicon) word(w *refWindow, text string, pos int) int {
	start := w.nb
	buf := w.buf[:w.nb]
	upper, lower := 0, 0
	elongated := false
	for pos < len(text) {
		c := text[pos]
		var r rune
		size := 1
		if c < utf8.RuneSelf && c != '\'' {
			if !refIsASCIIWord(c) {
				break
			}
			if len(buf)-start < refMaxKey {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
					upper++
				} else if c >= 'a' {
					lower++
				}
				buf = append(buf, c)
				if n := len(buf); n-start >= 3 && c >= 'a' && buf[n-2] == c && buf[n-3] == c {
					elongated = true
				}
			}
			pos++
			continue
		}
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[pos:])
			if refIsIgnorable(r) {
				pos += size
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '’' && r != 'ʼ' {
				break
			}
		}
		if r == '\'' || r == '’' || r == 'ʼ' {
			// An apostrophe belongs to the word when a letter follows.
			if pos+size >= len(text) || !refIsASCIIWord(text[pos+size]) {
				break
			}
		}
		if len(buf)-start < refMaxKey {
			var up bool
			buf, up = refAppendFolded(buf, r)
			n := len(buf)
			if n-start >= 3 && buf[n-1] == buf[n-2] && buf[n-2] == buf[n-3] && buf[n-1] >= 'a' {
				elongated = true
			}
			if up {
				upper++
			} else if unicode.IsLetter(r) {
				lower++
			}
		}
		pos += size
	}
	n := len(buf) - start
	w.nb = len(buf)
	flags := refFWord
	w.word++
	if upper >= 2 && lower == 0 {
		flags |= refFCaps
		w.caps++
	}
	id, emph := l.lookupWord(w, start, n, elongated)
	if emph {
		flags |= refFEmph
	}
	l.push(w, id, start, n, flags)
	return pos
}

// lookupWord finds the refEntry of the folded word w.buf[off:off+n]: the word
// itself; elongations collapsed ("goooood" is "good", "suuuper" is
// "super"); Spanish superlatives reduced ("buenísimo" is "bueno");
// English "-n't" as "not"; then the longest stem that is a prefix of it.
// emph reports an elongation or superlative, which adds emphasis.
func (l *refLexicon) lookupWord(w *refWindow, off, n int, elongated bool) (id int32, emph bool) {
	word := w.buf[off : off+n]
	if n == 0 || n >= refMaxKey {
		return -1, false
	}
	if id, ok := l.wordT.get(word, refFnvBytes(word)); ok {
		return id, false
	}
	var tmp [refMaxKey]byte
	if elongated {
		for _, keep := range [2]int{2, 1} {
			k := refCollapse(tmp[:0], word, keep)
			if id, ok := l.wordT.get(k, refFnvBytes(k)); ok {
				return id, true
			}
		}
		word = refCollapse(tmp[:0], word, 1)
		n = len(word)
	}
	if id, ok := l.superlative(word); ok {
		return id, true
	}
	if n > 3 && string(word[n-3:]) == "n't" && l.notEntry >= 0 {
		return l.notEntry, false
	}
	if n >= l.minStem {
		// Hash every prefix once; look up, longest first, those the
		// Bloom filter lets through.
		var hs [refMaxKey + 1]uint32
		h := uint32(refFnvOffset)
		top := min(n, l.maxStem)
		for k := 0; k < top; k++ {
			h = (h ^ uint32(word[k])) * refFnvPrime
			hs[k+1] = h
		}
		for k := top; k >= l.minStem; k-- {
			b := hs[k] % refStemBits
			if l.stemBloom[b/64]&(1<<(b%64)) == 0 {
				continue
			}
			if id, ok := l.stemT.get(word[:k], hs[k]); ok {
				return id, elongated
			}
		}
	}
	return -1, elongated
}

// superlative looks up the base of a Spanish absolute superlative:
// "buenísimo" as "bueno", "carísimas" as "cara", "facilísimo" as "fácil",
// "grandísimo" as "grande".
func (l *refLexicon) superlative(word []byte) (int32, bool) {
	n := len(word)
	for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
		if n < len(suf)+3 || string(word[n-len(suf):]) != suf {
			continue
		}
		base := word[:n-len(suf)]
		var b [refMaxKey]byte
		for _, end := range [...]byte{suf[4], 'e', 0} {
			k := append(b[:0], base...)
			if end != 0 {
				k = append(k, end)
			}
			if id, ok := l.wordT.get(k, refFnvBytes(k)); ok {
				return id, true
			}
		}
	}
	return -1, false
}

// refCollapse appends word to dst with runs of a letter cut to keep.
func refCollapse(dst, word []byte, keep int) []byte {
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
func (l *refLexicon) punct(w *refWindow, text string, pos int, t *refTotals) int {
	start := pos
	for pos < len(text) {
		c := text[pos]
		if c >= utf8.RuneSelf || c == ' ' || c == '\n' || c == '\t' || c == '\r' || refIsASCIIWord(c) {
			break
		}
		pos++
	}
	// An emoticon may end in a letter or digit: ":D", ":P", "<3", "xD" is a word.
	if pos < len(text) && pos > start {
		last, next := text[pos-1], text[pos]
		after := pos+1 >= len(text) || !refIsASCIIWord(text[pos+1])
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
			for j := w.clauseStart; j < w.nt; j++ {
				w.toks[j].flags |= refFQuest
			}
		case '.', ',', ';':
			sentence = true
		}
	}
	key := strings.Trim(run, ".,!?\"'")
	if len(key) >= 2 && len(key) <= refMaxKey {
		var b [refMaxKey]byte
		k := b[:0]
		for i := 0; i < len(key); i++ {
			c := key[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			k = append(k, c)
		}
		if id, ok := l.wordT.get(k, refFnvBytes(k)); ok {
			l.push(w, id, w.nb, 0, refFSymbol)
			w.clause = true
			return pos
		}
	}
	if sentence || run == ":" || run == "-" || run == "(" || run == ")" {
		w.clause = true
	}
	return pos
}

// phrases joins two-word terms ("kind of", "sin embargo", "nie działa"):
// the first refToken takes the phrase's refEntry and the second is skipped.
func (l *refLexicon) phrases(w *refWindow) {
	for i := 0; i+1 < w.nt; i++ {
		a, b := &w.toks[i], &w.toks[i+1]
		if a.e < 0 || !l.entries[a.e].phrase || a.flags&refFSkip != 0 || b.flags&(refFClause|refFSymbol) != 0 || int(a.n)+int(b.n)+1 > refMaxKey {
			continue
		}
		var k [refMaxKey]byte
		key := append(append(append(k[:0], w.buf[a.off:int(a.off)+int(a.n)]...), ' '), w.buf[b.off:int(b.off)+int(b.n)]...)
		if id, ok := l.wordT.get(key, refFnvBytes(key)); ok && l.entries[id].langs != 0 {
			a.e = id
			a.flags |= b.flags & (refFCaps | refFEmph)
			b.flags |= refFSkip
		}
	}
}

// detect returns the language whose lexicon knows most tokens of w, or -1.
func (l *refLexicon) detect(w *refWindow) int {
	var count [refLangAny]int
	for i := 0; i < w.nt; i++ {
		t := w.toks[i]
		if t.e < 0 || t.flags&refFSkip != 0 {
			continue
		}
		langs := l.entries[t.e].langs
		for lang := range refLangAny {
			if langs&(1<<lang) != 0 {
				count[lang]++
			}
		}
	}
	best := -1
	for lang := range refLangAny {
		if count[lang] > 0 && (best < 0 || count[lang] > count[best]) {
			best = lang
		}
	}
	return best
}

// senseOf returns the refSense of refEntry id for language lang: its own, the
// shared one (emoji), or else the first other language that has the key
// (code-switching).
func (l *refLexicon) senseOf(id int32, lang int) refSense {
	if id < 0 {
		return refSense{}
	}
	e := &l.entries[id]
	if lang >= 0 && e.langs&(1<<lang) != 0 {
		return e.sense[lang]
	}
	for other := range refNLang {
		if e.langs&(1<<other) != 0 {
			return e.sense[other]
		}
	}
	return refSense{}
}

var refDistance = [3]float64{1, 0.95, 0.9}

// score applies the rules to the tokens of w and adds them to t.
func (l *refLexicon) score(w *refWindow, lang int, t *refTotals) {
	var vals [refMaxToks]float64
	var ss [refMaxToks]refSense
	mixed := w.caps > 0 && w.caps < w.word
	but := -1
	for i := 0; i < w.nt; i++ {
		if w.toks[i].flags&refFSkip == 0 {
			ss[i] = l.senseOf(w.toks[i].e, lang)
			if ss[i].kind&kindBut != 0 {
				but = i
			}
		}
	}
	for i := 0; i < w.nt; i++ {
		tk := w.toks[i]
		if tk.flags&refFSkip != 0 {
			continue
		}
		s := ss[i]
		v := float64(s.val)
		if v == 0 {
			continue
		}
		if tk.flags&refFSymbol != 0 {
			vals[i] = v
			continue
		}
		if tk.flags&refFQuest != 0 && math.Abs(v) <= refQuestMild {
			continue
		}
		// An intensifier that is also a sentiment word ("super", "mega")
		// only intensifies a sentiment word right after it.
		if s.kind&kindBoost != 0 && i+1 < w.nt {
			nx := w.toks[i+1]
			if nx.flags&(refFClause|refFSymbol|refFSkip) == 0 && ss[i+1].val != 0 {
				continue
			}
		}
		sign := 1.0
		if v < 0 {
			sign = -1
		}
		if tk.flags&refFCaps != 0 && mixed {
			v += sign * refCIncr
		}
		if tk.flags&refFEmph != 0 {
			v += sign * refBIncr
		}
		negated := false
		for d := 1; d <= 3 && i-d >= 0; d++ {
			if w.toks[i-d+1].flags&refFClause != 0 {
				break
			}
			j := i - d
			if w.toks[j].flags&refFSkip != 0 {
				j--
			}
			p, ps := w.toks[j], ss[j]
			if ps.val != 0 && ps.kind&kindBoost == 0 && p.flags&refFSymbol == 0 {
				// Another sentiment word: a negator or intensifier before
				// it belongs to it ("sin reembolso y sin respuesta").
				break
			}
			if ps.kind&kindNeg != 0 {
				negated = true
			}
			if ps.kind&kindBoost != 0 {
				b := float64(ps.boost) * refDistance[d-1]
				if p.flags&refFCaps != 0 && mixed {
					if b > 0 {
						b += refCIncr
					} else {
						b -= refCIncr
					}
				}
				v += sign * b
			}
		}
		if negated {
			v *= refNScalar
		}
		vals[i] = v
	}
	for i := 0; i < w.nt; i++ {
		v := vals[i]
		if but >= 0 {
			if i < but {
				v *= refButBefore
			} else if i > but {
				v *= refButAfter
			}
		}
		switch {
		case v > 0:
			t.pos += v + 1
			t.hits++
		case v < 0:
			t.neg += v - 1
			t.hits++
		default:
			if w.toks[i].flags&refFSkip == 0 {
				t.neutral++
			}
		}
		t.sum += v
	}
}

// result turns the refTotals into a Result.
func (t *refTotals) result(lang int) Result {
	r := Result{Label: Neutral, Hits: t.hits}
	if lang >= 0 {
		r.Lang = refLangNames[lang]
	}
	sum, pos, neg := t.sum, t.pos, t.neg
	if sum != 0 {
		amp := float64(min(t.excl, 4)) * refExclIncr
		if t.quest > 3 {
			amp += 0.96
		} else if t.quest > 1 {
			amp += float64(t.quest) * refQuestIncr
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
		r.Score = math.Max(-1, math.Min(1, sum/math.Sqrt(sum*sum+refAlpha)))
		r.Label = refLabel(r.Score)
	}
	if total := pos - neg + float64(t.neutral); total > 0 {
		r.Positive = pos / total
		r.Negative = -neg / total
		r.Neutral = float64(t.neutral) / total
	}
	return r
}

// refLatinFold maps the letters of Latin-1 and Latin Extended-A (U+00C0 to
// U+017F) to their lower-case ASCII base letter, so that "Świetny",
// "swietny" and "ŚWIETNY" are one key, and so are "está" and "esta". It
// covers every letter of Spanish and Polish; other scripts are only
// lower-cased.
var refLatinFold [0x180 - 0xC0]byte

func init() {
	ranges := []struct {
		from, to rune
		base     byte
	}{
		{0xC0, 0xC5, 'a'}, {0xC7, 0xC7, 'c'}, {0xC8, 0xCB, 'e'}, {0xCC, 0xCF, 'i'},
		{0xD0, 0xD0, 'd'}, {0xD1, 0xD1, 'n'}, {0xD2, 0xD6, 'o'}, {0xD8, 0xD8, 'o'},
		{0xD9, 0xDC, 'u'}, {0xDD, 0xDD, 'y'}, {0xDF, 0xDF, 's'},
		{0xE0, 0xE5, 'a'}, {0xE7, 0xE7, 'c'}, {0xE8, 0xEB, 'e'}, {0xEC, 0xEF, 'i'},
		{0xF0, 0xF0, 'd'}, {0xF1, 0xF1, 'n'}, {0xF2, 0xF6, 'o'}, {0xF8, 0xF8, 'o'},
		{0xF9, 0xFC, 'u'}, {0xFD, 0xFD, 'y'}, {0xFF, 0xFF, 'y'},
		{0x100, 0x105, 'a'}, {0x106, 0x10D, 'c'}, {0x10E, 0x111, 'd'}, {0x112, 0x11B, 'e'},
		{0x11C, 0x123, 'g'}, {0x124, 0x127, 'h'}, {0x128, 0x133, 'i'}, {0x134, 0x135, 'j'},
		{0x136, 0x138, 'k'}, {0x139, 0x142, 'l'}, {0x143, 0x14B, 'n'}, {0x14C, 0x153, 'o'},
		{0x154, 0x159, 'r'}, {0x15A, 0x161, 's'}, {0x162, 0x167, 't'}, {0x168, 0x173, 'u'},
		{0x174, 0x175, 'w'}, {0x176, 0x178, 'y'}, {0x179, 0x17E, 'z'}, {0x17F, 0x17F, 's'},
	}
	for _, r := range ranges {
		for c := r.from; c <= r.to; c++ {
			refLatinFold[c-0xC0] = r.base
		}
	}
}

// refIsIgnorable reports whether r is dropped from keys and texts: the emoji
// variation selectors, the zero-width joiner and skin-tone modifiers.
func refIsIgnorable(r rune) bool {
	return r == 0xFE0E || r == 0xFE0F || r == 0x200D || r == 0x200B || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// refAppendFolded appends the folded form of the letter or digit r to dst and
// reports whether r was upper case.
func refAppendFolded(dst []byte, r rune) ([]byte, bool) {
	if r < utf8.RuneSelf {
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			return append(dst, c+'a'-'A'), true
		}
		return append(dst, c), false
	}
	if r == '’' || r == 'ʼ' || r == '‘' {
		return append(dst, '\''), false
	}
	if r >= 0xC0 && r < 0x180 {
		if b := refLatinFold[r-0xC0]; b != 0 {
			// In these blocks an upper-case letter is the even code point
			// of a pair, or below U+00DF; unicode.IsUpper says which.
			return append(dst, b), unicode.IsUpper(r)
		}
	}
	l := unicode.ToLower(r)
	return utf8.AppendRune(dst, l), l != r
}

// refTable is an open-addressing hash refTable from keys to refEntry ids, keyed by
// FNV-1a so that a word's prefixes are hashed in one pass (see
// lookupWord). It is built once and only read afterwards.
type refTable struct {
	slots []refSlot // 8 bytes each, so the hot part fits in cache
	keys  []string  // by refSlot
	mask  uint32
}

type refSlot struct {
	h  uint32
	id int32 // refEntry id + 1; 0 marks an empty refSlot
}

const (
	refFnvOffset = 2166136261
	refFnvPrime  = 16777619
)

// refFnv is FNV-1a, 32 bits.
func refFnv(k string) uint32 {
	h := uint32(refFnvOffset)
	for i := 0; i < len(k); i++ {
		h = (h ^ uint32(k[i])) * refFnvPrime
	}
	return h
}

func refFnvBytes(k []byte) uint32 {
	h := uint32(refFnvOffset)
	for _, c := range k {
		h = (h ^ uint32(c)) * refFnvPrime
	}
	return h
}

// refNewTable returns a refTable of m, at most half full.
func refNewTable(m map[string]int32) refTable {
	size := 16
	for size < 2*len(m) {
		size *= 2
	}
	t := refTable{slots: make([]refSlot, size), keys: make([]string, size), mask: uint32(size - 1)}
	for k, id := range m {
		h := refFnv(k)
		i := h & t.mask
		for t.slots[i].id != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = refSlot{h: h, id: id + 1}
		t.keys[i] = k
	}
	return t
}

// get returns the id of key k, whose FNV-1a hash is h.
func (t *refTable) get(k []byte, h uint32) (int32, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.id == 0 {
			return -1, false
		}
		if s.h == h && t.keys[i] == string(k) {
			return s.id - 1, true
		}
	}
}

func (t *refTable) getString(k string) (int32, bool) {
	h := refFnv(k)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.id == 0 {
			return -1, false
		}
		if s.h == h && t.keys[i] == k {
			return s.id - 1, true
		}
	}
}

func refLabel(score float64) Label {
	switch {
	case score >= 0.05:
		return Positive
	case score <= -0.05:
		return Negative
	}
	return Neutral
}

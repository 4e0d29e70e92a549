package sentiment

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
	words   map[string]int32 // exact keys (words, phrases, symbols)
	stems   map[string]int32 // prefixes
	// wordT and stemT hold the same once built; Analyze reads only them.
	wordT, stemT table
	// stemBloom has bit h%stemBits set for the hash h of every stem, so
	// a word looks up only the prefixes that may be stems.
	stemBloom        [stemBits / 64]uint64
	minStem, maxStem int
	notEntry         int32 // the entry of "not", for English "-n't"
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
	l := &Lexicon{words: map[string]int32{}, stems: map[string]int32{}, minStem: maxKey, notEntry: -1}
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
			m := l.words
			if t.stem {
				m = l.stems
				l.minStem = min(l.minStem, len(t.key))
				l.maxStem = max(l.maxStem, len(t.key))
				h := fnv(t.key) % stemBits
				l.stemBloom[h/64] |= 1 << (h % 64)
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
				fid, ok := l.words[first]
				if !ok {
					fid = int32(len(l.entries))
					l.entries = append(l.entries, entry{})
					l.words[first] = fid
				}
				l.entries[fid].phrase = true
			}
		}
	}
	if id, ok := l.words["not"]; ok {
		l.notEntry = id
	}
	l.wordT, l.stemT = newTable(l.words), newTable(l.stems)
	l.words, l.stems = nil, nil
	return l, nil
}

const stemBits = 1 << 16

// Token flags.
const (
	fCaps   uint8 = 1 << iota // all capitals, two letters or more
	fEmph                     // elongated ("goooood") or superlative ("buenísimo")
	fClause                   // first token of a clause: punctuation or a contrast word before it
	fSkip                     // second word of a phrase, scored with the first
	fSymbol                   // emoji or emoticon: never negated nor boosted
	fWord                     // a word (counted for the capitals rule)
	fQuest                    // in a clause that ends with "?"
)

// questMild is the largest valence that a question ignores: "Is it
// dishwasher safe?" asks, it does not praise; "Why is it so slow?" still
// complains.
const questMild = 1.5

const (
	maxToks = 64   // tokens per window
	bufSize = 1024 // folded bytes per window
	maxKey  = 48   // longest key looked up
)

type token struct {
	e     int32 // entry, or -1
	off   uint16
	n     uint8
	flags uint8
}

// window is the scanner's state for up to maxToks tokens; it lives on the
// stack of Analyze, which is why Analyze does not allocate.
type window struct {
	toks        [maxToks]token
	nt          int
	buf         [bufSize]byte
	nb          int
	caps, word  int  // words in capitals, words
	clauseStart int  // first token of the current clause
	clause      bool // the next token starts a clause
}

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

// langIndex maps a BCP 47 tag to a lexicon, or -1.
func langIndex(tag string) int {
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch {
	case strings.EqualFold(tag, "en"):
		return langEN
	case strings.EqualFold(tag, "es"):
		return langES
	case strings.EqualFold(tag, "pl"):
		return langPL
	}
	return -1
}

// scan reads tokens from text[pos:] into w until the window is full and
// returns where it stopped.
func (l *Lexicon) scan(w *window, text string, pos int, t *totals) int {
	for pos < len(text) {
		if w.nt == maxToks || w.nb+maxKey*2 > bufSize {
			return pos
		}
		c := text[pos]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\n' || c == '\t' || c == '\r':
				pos++
			case isASCIIWord(c):
				pos = l.word(w, text, pos)
			default:
				pos = l.punct(w, text, pos, t)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[pos:])
		switch {
		case r == 'ʼ' && (pos+size >= len(text) || !isASCIIWord(text[pos+size])):
			// A modifier-letter apostrophe that no letter follows is
			// skipped, as "'" is; word would read nothing and never end.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			pos = l.word(w, text, pos)
			continue
		case unicode.IsSpace(r) || isIgnorable(r):
		case r == '¡' || r == '¿' || unicode.IsPunct(r):
			w.clause = true
		default:
			if id, ok := l.wordT.getString(text[pos : pos+size]); ok {
				l.push(w, id, w.nb, 0, fSymbol)
			}
		}
		pos += size
	}
	return pos
}

var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func isASCIIWord(c byte) bool { return c < utf8.RuneSelf && asciiWord[c] }

func (l *Lexicon) push(w *window, id int32, off, n int, flags uint8) {
	if w.clause {
		flags |= fClause
		w.clause = false
		w.clauseStart = w.nt
	}
	w.toks[w.nt] = token{e: id, off: uint16(off), n: uint8(n), flags: flags}
	w.nt++
}

// word scans a word at text[pos:], folds it into w.buf and looks it up.
func (l *Lexicon) word(w *window, text string, pos int) int {
	start := w.nb
	buf := w.buf[:w.nb]
	upper, lower := 0, 0
	elongated := false
	for pos < len(text) {
		c := text[pos]
		var r rune
		size := 1
		if c < utf8.RuneSelf && c != '\'' {
			if !isASCIIWord(c) {
				break
			}
			if len(buf)-start < maxKey {
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
			if isIgnorable(r) {
				pos += size
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '’' && r != 'ʼ' {
				break
			}
		}
		if r == '\'' || r == '’' || r == 'ʼ' {
			// An apostrophe belongs to the word when a letter follows.
			if pos+size >= len(text) || !isASCIIWord(text[pos+size]) {
				break
			}
		}
		if len(buf)-start < maxKey {
			var up bool
			buf, up = appendFolded(buf, r)
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
	flags := fWord
	w.word++
	if upper >= 2 && lower == 0 {
		flags |= fCaps
		w.caps++
	}
	id, emph := l.lookupWord(w, start, n, elongated)
	if emph {
		flags |= fEmph
	}
	l.push(w, id, start, n, flags)
	return pos
}

// lookupWord finds the entry of the folded word w.buf[off:off+n]: the word
// itself; elongations collapsed ("goooood" is "good", "suuuper" is
// "super"); Spanish superlatives reduced ("buenísimo" is "bueno");
// English "-n't" as "not"; then the longest stem that is a prefix of it.
// emph reports an elongation or superlative, which adds emphasis.
func (l *Lexicon) lookupWord(w *window, off, n int, elongated bool) (id int32, emph bool) {
	word := w.buf[off : off+n]
	if n == 0 || n >= maxKey {
		return -1, false
	}
	if id, ok := l.wordT.get(word, fnvBytes(word)); ok {
		return id, false
	}
	var tmp [maxKey]byte
	if elongated {
		for _, keep := range [2]int{2, 1} {
			k := collapse(tmp[:0], word, keep)
			if id, ok := l.wordT.get(k, fnvBytes(k)); ok {
				return id, true
			}
		}
		word = collapse(tmp[:0], word, 1)
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
		var hs [maxKey + 1]uint32
		h := uint32(fnvOffset)
		top := min(n, l.maxStem)
		for k := 0; k < top; k++ {
			h = (h ^ uint32(word[k])) * fnvPrime
			hs[k+1] = h
		}
		for k := top; k >= l.minStem; k-- {
			b := hs[k] % stemBits
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
func (l *Lexicon) superlative(word []byte) (int32, bool) {
	n := len(word)
	for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
		if n < len(suf)+3 || string(word[n-len(suf):]) != suf {
			continue
		}
		base := word[:n-len(suf)]
		var b [maxKey]byte
		for _, end := range [...]byte{suf[4], 'e', 0} {
			k := append(b[:0], base...)
			if end != 0 {
				k = append(k, end)
			}
			if id, ok := l.wordT.get(k, fnvBytes(k)); ok {
				return id, true
			}
		}
	}
	return -1, false
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
		if c >= utf8.RuneSelf || c == ' ' || c == '\n' || c == '\t' || c == '\r' || isASCIIWord(c) {
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
			for j := w.clauseStart; j < w.nt; j++ {
				w.toks[j].flags |= fQuest
			}
		case '.', ',', ';':
			sentence = true
		}
	}
	key := strings.Trim(run, ".,!?\"'")
	if len(key) >= 2 && len(key) <= maxKey {
		var b [maxKey]byte
		k := b[:0]
		for i := 0; i < len(key); i++ {
			c := key[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			k = append(k, c)
		}
		if id, ok := l.wordT.get(k, fnvBytes(k)); ok {
			l.push(w, id, w.nb, 0, fSymbol)
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
// the first token takes the phrase's entry and the second is skipped.
func (l *Lexicon) phrases(w *window) {
	for i := 0; i+1 < w.nt; i++ {
		a, b := &w.toks[i], &w.toks[i+1]
		if a.e < 0 || !l.entries[a.e].phrase || a.flags&fSkip != 0 || b.flags&(fClause|fSymbol) != 0 || int(a.n)+int(b.n)+1 > maxKey {
			continue
		}
		var k [maxKey]byte
		key := append(append(append(k[:0], w.buf[a.off:int(a.off)+int(a.n)]...), ' '), w.buf[b.off:int(b.off)+int(b.n)]...)
		if id, ok := l.wordT.get(key, fnvBytes(key)); ok && l.entries[id].langs != 0 {
			a.e = id
			a.flags |= b.flags & (fCaps | fEmph)
			b.flags |= fSkip
		}
	}
}

// detect returns the language whose lexicon knows most tokens of w, or -1.
func (l *Lexicon) detect(w *window) int {
	var count [langAny]int
	for i := 0; i < w.nt; i++ {
		t := w.toks[i]
		if t.e < 0 || t.flags&fSkip != 0 {
			continue
		}
		langs := l.entries[t.e].langs
		for lang := range langAny {
			if langs&(1<<lang) != 0 {
				count[lang]++
			}
		}
	}
	best := -1
	for lang := range langAny {
		if count[lang] > 0 && (best < 0 || count[lang] > count[best]) {
			best = lang
		}
	}
	return best
}

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

// score applies the rules to the tokens of w and adds them to t.
func (l *Lexicon) score(w *window, lang int, t *totals) {
	var vals [maxToks]float64
	var ss [maxToks]sense
	mixed := w.caps > 0 && w.caps < w.word
	but := -1
	for i := 0; i < w.nt; i++ {
		if w.toks[i].flags&fSkip == 0 {
			ss[i] = l.senseOf(w.toks[i].e, lang)
			if ss[i].kind&kindBut != 0 {
				but = i
			}
		}
	}
	for i := 0; i < w.nt; i++ {
		tk := w.toks[i]
		if tk.flags&fSkip != 0 {
			continue
		}
		s := ss[i]
		v := float64(s.val)
		if v == 0 {
			continue
		}
		if tk.flags&fSymbol != 0 {
			vals[i] = v
			continue
		}
		if tk.flags&fQuest != 0 && math.Abs(v) <= questMild {
			continue
		}
		// An intensifier that is also a sentiment word ("super", "mega")
		// only intensifies a sentiment word right after it.
		if s.kind&kindBoost != 0 && i+1 < w.nt {
			nx := w.toks[i+1]
			if nx.flags&(fClause|fSymbol|fSkip) == 0 && ss[i+1].val != 0 {
				continue
			}
		}
		sign := 1.0
		if v < 0 {
			sign = -1
		}
		if tk.flags&fCaps != 0 && mixed {
			v += sign * cIncr
		}
		if tk.flags&fEmph != 0 {
			v += sign * bIncr
		}
		negated := false
		for d := 1; d <= 3 && i-d >= 0; d++ {
			if w.toks[i-d+1].flags&fClause != 0 {
				break
			}
			j := i - d
			if w.toks[j].flags&fSkip != 0 {
				j--
			}
			p, ps := w.toks[j], ss[j]
			if ps.val != 0 && ps.kind&kindBoost == 0 && p.flags&fSymbol == 0 {
				// Another sentiment word: a negator or intensifier before
				// it belongs to it ("sin reembolso y sin respuesta").
				break
			}
			if ps.kind&kindNeg != 0 {
				negated = true
			}
			if ps.kind&kindBoost != 0 {
				b := float64(ps.boost) * distance[d-1]
				if p.flags&fCaps != 0 && mixed {
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
		vals[i] = v
	}
	for i := 0; i < w.nt; i++ {
		v := vals[i]
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
			t.hits++
		case v < 0:
			t.neg += v - 1
			t.hits++
		default:
			if w.toks[i].flags&fSkip == 0 {
				t.neutral++
			}
		}
		t.sum += v
	}
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
		r.Score = math.Max(-1, math.Min(1, sum/math.Sqrt(sum*sum+alpha)))
		r.Label = label(r.Score)
	}
	if total := pos - neg + float64(t.neutral); total > 0 {
		r.Positive = pos / total
		r.Negative = -neg / total
		r.Neutral = float64(t.neutral) / total
	}
	return r
}

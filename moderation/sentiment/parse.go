package sentiment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of a lexicon term besides its valence (bit flags).
const (
	kindNeg   uint8 = 1 << iota // negator: flips and shrinks what follows (N_SCALAR)
	kindBut                     // contrast: what follows weighs more, what precedes less
	kindBoost                   // intensifier or diminisher (boost holds the amount)
	kindWord                    // a known word of the language, for detection only
)

// maxValence bounds a term's valence: the VADER scale runs from -4
// (extremely negative) to +4 (extremely positive).
const maxValence = 4

// term is one parsed line of a lexicon file.
type term struct {
	key   string  // folded; one word, two words joined by one space, or a symbol
	stem  bool    // key is a prefix: "swietn*" matches "swietny", "swietnie"
	val   float32 // valence in [-maxValence, maxValence]
	kind  uint8   // kind bits
	boost float32 // for kindBoost: bIncr, bDecr or the given amount
}

// parseLexicon reads a lexicon file. Each line is a term, a tab and its
// fields, separated by spaces:
//
//	# comment
//	good	1.9
//	swietn*	2.5
//	not	neg
//	very	boost
//	super	2 boost
//	kind of	damp
//	sin embargo	but
//	the	word
//
// A number is the valence (-4 to 4); "neg" marks a negator, "but" a
// contrast word, "boost" and "damp" an intensifier or diminisher of
// B_INCR (0.293) or, as "boost=0.5", of the amount given, and "word" a
// word of the language with no sentiment, which only helps to detect the
// language. A term is one or two words (a phrase), or a symbol such as an
// emoji or emoticon; a single word ending in "*" matches every word that
// begins with it ("*" after a symbol is part of it, as in ":*"). Blank lines and lines starting with "#" are skipped.
func parseLexicon(data string) ([]term, error) {
	var terms []term
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := strings.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = ""
		}
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := parseTerm(line)
		if err != nil {
			return nil, fmt.Errorf("sentiment: lexicon line %d: %w", n, err)
		}
		terms = append(terms, t)
	}
	return terms, nil
}

func parseTerm(line string) (term, error) {
	raw, fields, ok := strings.Cut(line, "\t")
	if !ok {
		return term{}, fmt.Errorf("%q has no tab between term and fields", line)
	}
	var t term
	if r, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(raw, "*")); strings.HasSuffix(raw, "*") && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		t.stem = true
		raw = raw[:len(raw)-1]
	}
	t.key = foldTerm(raw)
	switch words := strings.Count(t.key, " ") + 1; {
	case t.key == "":
		return term{}, fmt.Errorf("empty term")
	case words > 2:
		return term{}, fmt.Errorf("term %q has more than two words", raw)
	case t.stem && (words > 1 || len(t.key) < 3):
		return term{}, fmt.Errorf("stem %q must be one word of at least 3 bytes", raw)
	case len(t.key) > maxKey:
		return term{}, fmt.Errorf("term %q is longer than %d bytes", raw, maxKey)
	}
	if t.stem && strings.Contains(t.key, "*") || t.key[0] == '#' {
		return term{}, fmt.Errorf("term %q: a stem cannot contain '*', nor a term start with '#'", raw)
	}
	seen := false
	for _, f := range strings.Fields(fields) {
		seen = true
		switch {
		case f == "neg":
			t.kind |= kindNeg
		case f == "but":
			t.kind |= kindBut
		case f == "word":
			t.kind |= kindWord
		case f == "boost" || f == "damp" || strings.HasPrefix(f, "boost=") || strings.HasPrefix(f, "damp="):
			name, amount, given := strings.Cut(f, "=")
			b := float32(bIncr)
			if given {
				v, err := strconv.ParseFloat(amount, 32)
				if err != nil || math.IsNaN(v) || v <= 0 || v > 2 {
					return term{}, fmt.Errorf("term %q: %s amount %q is not a number in (0, 2]", raw, name, amount)
				}
				b = float32(v)
			}
			if name == "damp" {
				b = -b
			}
			t.kind |= kindBoost
			t.boost = b
		default:
			v, err := strconv.ParseFloat(f, 32)
			if err != nil || math.IsNaN(v) || math.Abs(v) > maxValence {
				return term{}, fmt.Errorf("term %q: field %q is neither a kind nor a valence in [-4, 4]", raw, f)
			}
			t.val = float32(v)
		}
	}
	if !seen {
		return term{}, fmt.Errorf("term %q has no fields", raw)
	}
	return t, nil
}

// format writes t back as a lexicon line (for tests).
func (t term) format() string {
	var b strings.Builder
	b.WriteString(t.key)
	if t.stem {
		b.WriteByte('*')
	}
	b.WriteByte('\t')
	var fields []string
	if t.val != 0 || t.kind == 0 {
		fields = append(fields, strconv.FormatFloat(float64(t.val), 'g', -1, 32))
	}
	if t.kind&kindNeg != 0 {
		fields = append(fields, "neg")
	}
	if t.kind&kindBut != 0 {
		fields = append(fields, "but")
	}
	if t.kind&kindWord != 0 {
		fields = append(fields, "word")
	}
	if t.kind&kindBoost != 0 {
		name, b := "boost", t.boost
		if b < 0 {
			name, b = "damp", -b
		}
		fields = append(fields, name+"="+strconv.FormatFloat(float64(b), 'g', -1, 32))
	}
	b.WriteString(strings.Join(fields, " "))
	return b.String()
}

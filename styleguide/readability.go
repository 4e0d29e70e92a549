package styleguide

import "github.com/cmkit/cmkit/styleguide/readability"

// formulaID is the readability formula of a rule; empty means the
// language's own (readability.FormulaFor).
type formulaID = readability.Formula

var formulas = []readability.Formula{readability.FleschReadingEase, readability.FernandezHuerta,
	readability.SzigrisztPazos, readability.Pisarek}

func formulaByName(name string) (readability.Formula, bool) {
	if name == "" {
		return "", true
	}
	for _, f := range formulas {
		if string(f) == name {
			return f, true
		}
	}
	return "", false
}

func formulaNames() []string {
	names := make([]string, len(formulas))
	for i, f := range formulas {
		names[i] = string(f)
	}
	return names
}

// readability scores the text with the rule's formula, or the language's,
// and alerts when the score is outside [MinScore, MaxScore]. The alert
// spans the whole text; its {use} is the score's band in the formula's own
// scale.
func (c *checker) readability(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	f := r.formula
	if f == "" {
		var ok bool
		if f, ok = readability.FormulaFor(c.lang); !ok {
			return dst
		}
	}
	if r.MinWords > 0 {
		// Count words as analyze does (an upper bound of readability's
		// count, which also skips numbers): too few, no need to score.
		c.analyze()
		n := 0
		for _, w := range c.sc.words {
			if w.flags&(wSkip|wLetter) == wLetter {
				n++
			}
		}
		if n < r.MinWords {
			return dst
		}
	}
	st := readability.Count(c.d.Text, c.lang)
	if st.Words < r.MinWords {
		return dst
	}
	score, ok := st.Score(f)
	if !ok {
		return dst
	}
	if r.MinScore != nil && score < *r.MinScore || r.MaxScore != nil && score > *r.MaxScore {
		limit := 0.0
		if r.MinScore != nil && score < *r.MinScore {
			limit = *r.MinScore
		} else {
			limit = *r.MaxScore
		}
		dst = c.add(dst, ri, string(r.Kind), 0, len(c.d.Text),
			&msgArgs{match: string(f), use: f.Band(score), score: score, hasScore: true, max: int(limit)}, nil)
	}
	return dst
}

package styleguide

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// smallWords stay in lower case inside an English title (unless first or
// last): articles, coordinating conjunctions and short prepositions.
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "but": true, "or": true, "nor": true, "for": true,
	"so": true, "yet": true, "as": true, "at": true, "by": true, "in": true, "of": true, "off": true,
	"on": true, "per": true, "to": true, "up": true, "via": true, "vs": true, "with": true, "from": true,
	"into": true, "over": true,
}

// headline checks Draft.Title against the rule's headline style. One alert
// covers the whole title, with the title recased as a suggestion: a
// capital may belong to a name the guide cannot know.
//
// Words with a digit, with a capital after their first letter ("iPhone",
// "NASA"), after "#" or "@", in the accept list or among the rule's terms
// are left as written. Title style capitalizes every other word but the
// small words (a, an, the, and, of, to...) that are neither first nor
// last; sentence style capitalizes the first word and writes the others in
// lower case, except after a full stop, question or exclamation mark.
func (c *checker) headline(dst []Alert, ri int32) []Alert {
	r := &c.g.rules[ri]
	title := c.d.Title
	if title == "" || r.Headline == "" {
		return dst
	}
	type tw struct {
		start, end int
		want       int8 // 1 capital, -1 lower case, 0 as written
	}
	var buf [32]tw
	words := buf[:0]
	afterStop := true
	for i := 0; i < len(title); {
		ch, size := utf8.DecodeRuneInString(title[i:])
		if !isLetter(ch) && !unicode.IsDigit(ch) {
			if ch == '.' || ch == '!' || ch == '?' || ch == ':' && r.Headline == HeadlineTitle {
				afterStop = true
			}
			i += size
			continue
		}
		w, end := readWord(title, i)
		prev, _ := utf8.DecodeLastRuneInString(title[:i])
		s := title[i:end]
		t := tw{start: i, end: end}
		first, fsize := utf8.DecodeRuneInString(s)
		restUpper := strings.IndexFunc(s[fsize:], unicode.IsUpper) >= 0
		switch {
		case w.flags&wDigit != 0 || restUpper || prev == '#' || prev == '@' || !unicode.IsLetter(first):
		case c.accepted(s) || containsFold(r.Terms, s):
		case r.Headline == HeadlineTitle:
			t.want = 1
			if len(words) > 0 && smallWords[strings.ToLower(s)] {
				t.want = -1
			}
		case afterStop:
			t.want = 1
		default:
			t.want = -1
		}
		afterStop = false
		if len(words) < cap(words) {
			words = append(words, t)
		}
		i = end
	}
	if r.Headline == HeadlineTitle && len(words) > 1 {
		if last := &words[len(words)-1]; last.want == -1 {
			last.want = 1
		}
	}
	var out []byte
	for _, t := range words {
		first, size := utf8.DecodeRuneInString(title[t.start:])
		var to rune
		switch {
		case t.want == 1 && unicode.IsLower(first):
			to = unicode.ToTitle(first)
		case t.want == -1 && unicode.IsUpper(first):
			to = unicode.ToLower(first)
		default:
			continue
		}
		if utf8.RuneLen(to) != size {
			continue
		}
		if out == nil {
			out = []byte(title)
		}
		utf8.EncodeRune(out[t.start:], to)
	}
	if out == nil {
		return dst
	}
	fixed := string(out)
	dst = c.add(dst, ri, "capitalization."+string(r.Headline), 0, len(title), &msgArgs{match: title, use: fixed},
		[]Fix{{Start: 0, End: len(title), Replacement: fixed}})
	dst[len(dst)-1].Field = FieldTitle
	return dst
}

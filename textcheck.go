package cmkit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
)

// Finding is one limit a text or post breaks: which, by how much and where
// the text would have to be cut. It is a value, not an error; Err turns it
// into one.
type Finding struct {
	// Rule names the broken limit as a Limits JSON name: "max_length",
	// "max_bytes", "max_hashtags", "max_mentions", "max_links" or
	// "max_media".
	Rule string `json:"rule"`
	// Limit is the limit, in the platform's units.
	Limit int `json:"limit"`
	// Got is what the text or post has, in the same units.
	Got int `json:"got"`
	// Cut is where the text would have to be cut to keep this limit: for
	// max_length and max_bytes the byte offset of the longest prefix that
	// fits, never inside a grapheme cluster, link, hashtag or mention; for
	// max_hashtags, max_mentions and max_links the byte offset of the first
	// entity over the limit; for max_media the index of the first media
	// item over the limit.
	Cut int `json:"cut"`
}

// Over returns by how much the limit is broken: Got - Limit.
func (f Finding) Over() int { return f.Got - f.Limit }

// Err returns f as a *ValidationError wrapping ErrInvalid, with field
// "post.text" (or "post.media" for max_media) and f.Rule as the rule.
func (f Finding) Err() error {
	field := "post.text"
	if f.Rule == "max_media" {
		field = "post.media"
	}
	return &ValidationError{Field: field, Rule: f.Rule,
		Detail: fmt.Sprintf("%d, limit %d, %d over; cut at %d", f.Got, f.Limit, f.Over(), f.Cut)}
}

// CheckText appends to dst a Finding for each limit text breaks (length,
// bytes, hashtags, mentions, links) and returns it. With room in dst it
// allocates nothing, so a calendar can check every variant before
// scheduling and again before sending.
func (l Limits) CheckText(dst []Finding, text string) []Finding {
	if l.MaxLength > 0 {
		if n := l.Count(text); n > l.MaxLength {
			dst = append(dst, Finding{Rule: "max_length", Limit: l.MaxLength, Got: n,
				Cut: l.fit(text, l.MaxLength, 0)})
		}
	}
	if l.MaxBytes > 0 && len(text) > l.MaxBytes {
		dst = append(dst, Finding{Rule: "max_bytes", Limit: l.MaxBytes, Got: len(text),
			Cut: l.fit(text, 0, l.MaxBytes)})
	}
	if l.MaxHashtags == 0 && l.MaxMentions == 0 && l.MaxLinks == 0 {
		return dst
	}
	var tags, mentions, links [2]int // count, cut
	for from := 0; ; {
		e, ok := entity.Next(text, from)
		if !ok {
			break
		}
		from = e.End
		switch e.Kind {
		case entity.Hashtag:
			tally(&tags, l.MaxHashtags, e.Start)
		case entity.Mention:
			tally(&mentions, l.MaxMentions, e.Start)
		case entity.URL:
			tally(&links, l.MaxLinks, e.Start)
		}
	}
	for _, c := range []struct {
		rule  string
		limit int
		got   [2]int
	}{{"max_hashtags", l.MaxHashtags, tags}, {"max_mentions", l.MaxMentions, mentions}, {"max_links", l.MaxLinks, links}} {
		if c.limit > 0 && c.got[0] > c.limit {
			dst = append(dst, Finding{Rule: c.rule, Limit: c.limit, Got: c.got[0], Cut: c.got[1]})
		}
	}
	return dst
}

// tally counts one entity at offset start and remembers where the first
// one over limit starts.
func tally(t *[2]int, limit, start int) {
	t[0]++
	if t[0] == limit+1 {
		t[1] = start
	}
}

// CheckPost is CheckText for p.Text plus the media limit.
func (l Limits) CheckPost(dst []Finding, p Post) []Finding {
	dst = l.CheckText(dst, p.Text)
	if l.MaxMedia > 0 && len(p.Media) > l.MaxMedia {
		dst = append(dst, Finding{Rule: "max_media", Limit: l.MaxMedia, Got: len(p.Media), Cut: l.MaxMedia})
	}
	return dst
}

// ValidateText returns nil when text keeps every limit, and otherwise the
// findings as *ValidationErrors (wrapping ErrInvalid) joined with
// errors.Join.
func (l Limits) ValidateText(text string) error {
	var buf [6]Finding
	return joinFindings(l.CheckText(buf[:0], text))
}

// ValidatePost is ValidateText for a post, media included.
func (l Limits) ValidatePost(p Post) error {
	var buf [6]Finding
	return joinFindings(l.CheckPost(buf[:0], p))
}

func joinFindings(fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = f.Err()
	}
	return errors.Join(errs...)
}

// fit returns the end of the longest prefix of text that counts at most
// maxLen and takes at most maxBytes (a zero means no limit), cut between
// grapheme clusters and never inside an entity.
func (l Limits) fit(text string, maxLen, maxBytes int) int {
	if maxBytes > 0 && maxBytes < len(text) && maxLen == 0 {
		// Bytes alone: the last cluster or entity boundary at or before maxBytes.
		return l.walk(text, func(end, _ int) bool { return end <= maxBytes })
	}
	if l.Counter != nil {
		return l.walk(text, func(end, _ int) bool {
			return (maxBytes == 0 || end <= maxBytes) && (maxLen == 0 || l.Counter.Count(text[:end]) <= maxLen)
		})
	}
	n := 0
	return l.walk(text, func(end, w int) bool {
		if maxBytes > 0 && end > maxBytes || maxLen > 0 && n+w > maxLen {
			return false
		}
		n += w
		return true
	})
}

// walk calls take with the end offset and the count of each unit of text
// (an entity, or a grapheme cluster outside entities) until take returns
// false, and returns the end of the last unit taken.
//
// It looks for entities a window at a time (to a space at least 4 KiB
// ahead; entities never contain one), so that fitting the first part of a
// long text does not scan all of it.
func (l Limits) walk(text string, take func(end, w int) bool) int {
	pos, from := 0, 0
	for {
		limit := len(text)
		if pos+4096 < len(text) {
			if sp := strings.IndexByte(text[pos+4096:], ' '); sp >= 0 {
				limit = pos + 4096 + sp
			}
		}
		e, ok := entity.Next(text[:limit], from)
		if !ok {
			e = entity.Entity{Start: limit, End: limit, LocalEnd: limit}
		}
		for pos < e.Start {
			k := grapheme.Next(text[pos:e.Start])
			if !take(pos+k, countPlain(l.Counting, text[pos:pos+k])) {
				return pos
			}
			pos += k
		}
		if !ok {
			if limit == len(text) {
				return pos
			}
			from = limit
			continue
		}
		w, special := l.entityWeight(text, e)
		if !special {
			w = countPlain(l.Counting, text[e.Start:e.End])
		}
		if !take(e.End, w) {
			return pos
		}
		pos, from = e.End, e.End
	}
}

// fits reports whether text keeps the length and byte limits.
func (l Limits) fits(text string) bool {
	return (l.MaxBytes == 0 || len(text) <= l.MaxBytes) && (l.MaxLength == 0 || l.Count(text) <= l.MaxLength)
}

// Truncate returns text when it keeps the length and byte limits, and
// otherwise its longest prefix that, followed by ellipsis, does: cut
// between grapheme clusters, never inside a link, hashtag or mention, with
// trailing white space removed. An ellipsis that does not fit by itself is
// dropped.
func (l Limits) Truncate(text, ellipsis string) string {
	if l.fits(text) {
		return text
	}
	if !l.fits(ellipsis) {
		ellipsis = ""
	}
	maxLen, maxBytes := l.MaxLength, l.MaxBytes
	if maxLen > 0 {
		maxLen -= l.Count(ellipsis)
	}
	if maxBytes > 0 {
		maxBytes -= len(ellipsis)
	}
	for {
		cut := 0
		if (l.MaxLength == 0 || maxLen > 0) && (l.MaxBytes == 0 || maxBytes > 0) {
			cut = l.fit(text, maxLen, maxBytes)
		}
		out := strings.TrimRightFunc(text[:cut], unicode.IsSpace) + ellipsis
		if l.fits(out) || cut == 0 {
			return out
		}
		// A custom Counter that does not add up: ask for one less.
		maxLen--
	}
}

// SplitThread splits text into the posts of a numbered thread, each of
// which keeps the length and byte limits with its " i/n" suffix. Parts break
// at white space, never inside a word, link, hashtag or mention; only a
// single word longer than a whole post is cut, between grapheme clusters.
// A text that fits is returned as is, unnumbered. Limits without MaxLength
// or MaxBytes never split.
//
// It fails with a *ValidationError (field "post.text", rule "max_length")
// when a link or other entity alone does not fit in a post, and reports
// the entity-count limits (hashtags, mentions, links) that a part still
// breaks.
func (l Limits) SplitThread(text string) ([]string, error) {
	text = strings.TrimSpace(text)
	if l.fits(text) {
		return []string{text}, nil
	}
	for digits := 1; digits < 7; digits++ {
		parts, err := l.split(text, digits)
		if err != nil {
			return nil, err
		}
		if len(strconv.Itoa(len(parts))) > digits {
			continue
		}
		var fs [6]Finding
		for i := range parts {
			parts[i] += " " + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(parts))
			if found := l.CheckText(fs[:0], parts[i]); len(found) > 0 {
				return nil, found[0].Err()
			}
		}
		return parts, nil
	}
	return nil, Invalid("post.text", "max_length", "a thread of a million posts or more")
}

// split packs text into parts that leave room for a suffix " n/n" of the
// given number of digits.
func (l Limits) split(text string, digits int) ([]string, error) {
	suffix := " " + strings.Repeat("9", digits) + "/" + strings.Repeat("9", digits)
	maxLen, maxBytes := l.MaxLength, l.MaxBytes
	if maxLen > 0 {
		maxLen -= l.Count(suffix)
		if maxLen <= 0 {
			return nil, Invalid("post.text", "max_length", "limit %d leaves no room for numbering", l.MaxLength)
		}
	}
	if maxBytes > 0 {
		maxBytes -= len(suffix)
		if maxBytes <= 0 {
			return nil, Invalid("post.text", "max_bytes", "limit %d leaves no room for numbering", l.MaxBytes)
		}
	}
	var parts []string
	for rest := text; rest != ""; {
		cut := l.fit(rest, maxLen, maxBytes)
		if cut < len(rest) {
			r, _ := utf8.DecodeRuneInString(rest[cut:])
			if !unicode.IsSpace(r) {
				if ws := strings.LastIndexFunc(rest[:cut], unicode.IsSpace); ws > 0 {
					cut = ws
				} else if cut == 0 {
					return nil, Invalid("post.text", "max_length",
						"%q does not fit in one post", firstWord(rest))
				}
			}
		}
		parts = append(parts, strings.TrimRightFunc(rest[:cut], unicode.IsSpace))
		rest = strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
	}
	return parts, nil
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

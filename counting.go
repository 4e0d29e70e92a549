package cmkit

import (
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
)

// Counter measures a text in a platform's own units. Set it in
// Limits.Counter for a platform whose rule is none of the Counting methods;
// it receives the whole text and must be safe for concurrent use. Truncate
// and SplitThread assume that a longer prefix never counts less.
type Counter interface {
	Count(text string) int
}

// CounterFunc adapts a function to the Counter interface.
type CounterFunc func(text string) int

// Count calls f(text).
func (f CounterFunc) Count(text string) int { return f(text) }

// Count returns the length of text as the platform measures it against
// MaxLength: with Counter when set, else with Counting (code points when
// empty), every link counting URLLength when that is set (only links with
// a scheme when LinksNeedScheme is set) and a fediverse mention counting
// its local part when MentionLocalPart is set. It does not allocate.
func (l Limits) Count(text string) int {
	if l.Counter != nil {
		return l.Counter.Count(text)
	}
	if l.URLLength == 0 && !l.MentionLocalPart {
		return countPlain(l.Counting, text)
	}
	n, pos := 0, 0
	rules := l.entities()
	for from := 0; ; {
		e, ok := rules.Next(text, from)
		if !ok {
			break
		}
		from = e.End
		if w, special := l.entityWeight(text, e); special {
			n += countPlain(l.Counting, text[pos:e.Start]) + w
			pos = e.End
		}
	}
	return n + countPlain(l.Counting, text[pos:])
}

// entities returns the rules that find the links, hashtags and mentions
// of a text on this platform: every function that counts, checks or cuts
// uses them, so that they agree on where entities are.
func (l Limits) entities() entity.Rules { return entity.Rules{SchemeOnly: l.LinksNeedScheme} }

// entityWeight returns what entity e counts when the limits count it
// specially (a link with URLLength, a remote mention with
// MentionLocalPart); special is false when it counts as written.
func (l Limits) entityWeight(text string, e entity.Entity) (w int, special bool) {
	switch {
	case e.Kind == entity.URL && l.URLLength > 0:
		return l.URLLength, true
	case e.Kind == entity.Mention && l.MentionLocalPart && e.LocalEnd < e.End:
		return countPlain(l.Counting, text[e.Start:e.LocalEnd]), true
	}
	return 0, false
}

// countPlain measures text with c, ignoring entities.
func countPlain(c Counting, text string) int {
	switch c {
	case CountGraphemes:
		return grapheme.Count(text)
	case CountWeighted, CountEmojiBytes:
		return countClusters(c, text)
	case CountUTF16:
		return countUTF16(text)
	case CountBytes:
		return len(text)
	}
	return utf8.RuneCountInString(text)
}

func countUTF16(text string) int {
	n := 0
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			k := grapheme.ASCIIRun(text[i:])
			i += k
			n += k
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// xWeight returns the weight of r in X's configuration (twitter-text v3):
// 1 for the ranges below, 2 for everything else (CJK among it).
func xWeight(r rune) int {
	if r <= 4351 || r >= 8192 && r <= 8205 || r >= 8208 && r <= 8223 || r >= 8242 && r <= 8247 {
		return 1
	}
	return 2
}

// countClusters counts with CountWeighted or CountEmojiBytes, one grapheme
// cluster at a time.
//
// CountWeighted counts as X does: an emoji cluster weighs 2, other
// characters weigh xWeight after NFC normalization, which weightNFC
// reproduces for each cluster.
//
// CountEmojiBytes counts code points, and each emoji cluster by its UTF-8
// length (Threads).
func countClusters(c Counting, text string) int {
	n := 0
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			// A run of ASCII counts one per byte, but for its last byte when
			// other bytes follow (it may carry a combining mark).
			k := 1
			if i+8 <= len(text) && grapheme.Load64(text, i)&0x8080808080808080 == 0 {
				k = grapheme.ASCIIRun(text[i:])
			}
			if i+k < len(text) && text[i+k] >= utf8.RuneSelf {
				k--
			}
			if k > 0 {
				n += k
				i += k
				continue
			}
		}
		k, emoji := grapheme.NextEmoji(text[i:])
		cluster := text[i : i+k]
		i += k
		switch {
		case emoji && c == CountWeighted:
			n += 2
		case emoji:
			n += k
		case c == CountWeighted:
			n += weightNFC(cluster)
		default:
			n += utf8.RuneCountInString(cluster)
		}
	}
	return n
}

// weightNFC weighs a grapheme cluster as X does after normalizing the text
// to NFC (twitter-text's parseTweet calls String.prototype.normalize()
// before weighing): "e" + U+0301 is "é", a Hangul L V T sequence one
// syllable, U+2126 OHM SIGN is U+03A9 (weight 1), and U+FB2C, excluded
// from composition, is three Hebrew code points of weight 1. A cluster of
// code points NFC leaves alone weighs its code points directly; a cluster
// too long to normalize (more than grapheme.MaxNFC code points once
// decomposed) weighs as written.
func weightNFC(cluster string) int {
	w := 0
	stable := true
	for _, r := range cluster {
		w += xWeight(r)
		stable = stable && grapheme.NFCStable(r)
	}
	if stable {
		return w
	}
	var buf [grapheme.MaxNFC]rune
	n, ok := grapheme.NFC(&buf, cluster)
	if !ok {
		return w
	}
	w = 0
	for _, r := range buf[:n] {
		w += xWeight(r)
	}
	return w
}

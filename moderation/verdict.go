package moderation

import (
	"strings"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// Verdict is what the engine decided about one mention: the actions to
// take, every rule that fired with the evidence that made it fire, and
// the language and sentiment it used. Engine.Evaluate fills a Verdict the
// caller owns and reuses, so that its slices keep their room from one
// mention to the next; a Verdict is used by one goroutine at a time.
type Verdict struct {
	// Hide, Delete and Hold are true when a rule that fired said so.
	Hide, Delete, Hold bool
	// Flags are the labels of the rules that fired, each once, in the
	// order the rules fired.
	Flags []string
	// Priority is the highest priority of the rules that fired (0 when
	// none set one).
	Priority int
	// Queue is the queue of the first rule that fired with one.
	Queue string
	// Support is true when a rule routed the mention to customer service.
	Support bool
	// Replies are the reply templates suggested, in the order the rules
	// fired; ReplyText fills one in.
	Replies []Reply
	// OpinionLeader is true when a rule marked the author as a possible
	// opinion leader.
	OpinionLeader bool
	// Crisis is true when a rule signaled a possible crisis.
	Crisis bool
	// Stopped names the rule that stopped the evaluation, if one did.
	Stopped string
	// Fired lists the rules whose condition held, in rule order.
	Fired []Fired
	// Hits are all the lexicon terms found in the text, in the lexicons
	// whose language applies, in the order they end; only filled when
	// the engine scanned the text (a rule, or the guard of a wave
	// condition, had a lexicon condition to evaluate).
	Hits []Hit
	// Language is the language the engine used: Mention.Language when
	// set, else the detector's guess; empty when unknown or not needed.
	Language string
	// Detected reports that Language came from the detector.
	Detected bool
	// SentimentKnown reports that Sentiment and SentimentLabel were
	// computed (a rule needed them, or WithAnnotations is on).
	SentimentKnown bool
	// Sentiment is the sentiment score, from -1 to 1.
	Sentiment float64
	// SentimentLabel is "negative", "neutral" or "positive".
	SentimentLabel string

	s scratch
}

// Fired is one rule whose condition held.
type Fired struct {
	// Rule is the rule's ID.
	Rule string
	// Index is the rule's position in the rule set.
	Index int
	// Hits are the lexicon terms and regex matches that made the
	// condition hold (none for conditions on the author, the kind, and
	// other properties that have no place in the text). They belong to
	// the Verdict and change with its next use.
	Hits []Hit
}

// Hit is one place in the text that a lexicon term or a regular
// expression matched.
type Hit struct {
	// Lexicon is the name of the lexicon; empty for a regex.
	Lexicon string
	// Term is the term as the lexicon writes it, or the regex.
	Term string
	// Start and End delimit the match in Mention.Text, in bytes; they
	// fall on character boundaries.
	Start, End int
}

// Reply is a reply template a rule suggests.
type Reply struct {
	// Rule is the ID of the rule that suggests it.
	Rule string
	// Lang is the key of the template in the rule's Reply map.
	Lang string
	// Template is the template, with its placeholders.
	Template string
}

// scratch is the per-mention working space of the engine, kept in the
// Verdict so that reusing a Verdict reuses it.
type scratch struct {
	buf                                                       textnorm.Buffer
	matches                                                   []match.Match
	groups                                                    []int32 // per lexicon group: hits
	hitGrp                                                    []int32 // per hit: its group
	hitTerm                                                   []int32 // per hit: its term's global index
	ev                                                        []Hit   // evidence of the fired rules
	evGrp                                                     []int32
	fired                                                     []int32  // per fired rule: where its evidence starts and ends in ev
	links                                                     []span   // hosts of the links
	hitGroups                                                 []int32  // the groups with hits, once each
	cand                                                      []uint64 // bit set of the rules that can fire, once scanned
	waveIn                                                    []bool   // per wave condition: its guard held, the mention is in its memory
	normed, scanned, langDone, statsDone, linksDone, candDone bool
	boundsDone                                                bool
	bounds                                                    textBounds
	letters, upper, runes, emoji                              int
	firstTime                                                 bool
	fp, author                                                uint64
}

type span struct{ start, end int }

// reset empties v for a new mention, keeping the room of its slices.
func (v *Verdict) reset() {
	s := &v.s
	s.matches, s.hitGrp, s.hitTerm, s.ev, s.evGrp, s.fired, s.links, s.hitGroups =
		s.matches[:0], s.hitGrp[:0], s.hitTerm[:0], s.ev[:0], s.evGrp[:0], s.fired[:0], s.links[:0], s.hitGroups[:0]
	s.normed, s.scanned, s.langDone, s.statsDone, s.linksDone, s.candDone = false, false, false, false, false, false
	s.boundsDone = false
	s.firstTime = false
	v.Hide, v.Delete, v.Hold = false, false, false
	v.Flags = v.Flags[:0]
	v.Priority = 0
	v.Queue = ""
	v.Support = false
	v.Replies = v.Replies[:0]
	v.OpinionLeader, v.Crisis = false, false
	v.Stopped = ""
	v.Fired = v.Fired[:0]
	v.Hits = v.Hits[:0]
	v.Language, v.Detected = "", false
	v.SentimentKnown, v.Sentiment, v.SentimentLabel = false, 0, ""
}

// Acted reports whether any rule fired.
func (v *Verdict) Acted() bool { return len(v.Fired) > 0 }

// Summary describes the verdict's actions in one line, in a fixed order
// ("hide flag=insult priority=3 queue=support"), for logs and dry-run
// reports; "none" when no rule fired.
func (v *Verdict) Summary() string {
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	if v.Hide {
		add("hide")
	}
	if v.Delete {
		add("delete")
	}
	if v.Hold {
		add("hold")
	}
	if len(v.Flags) > 0 {
		add("flag=" + strings.Join(v.Flags, ","))
	}
	if v.Priority != 0 {
		add("priority=" + itoa(v.Priority))
	}
	if v.Queue != "" {
		add("queue=" + v.Queue)
	}
	if v.Support {
		add("support")
	}
	for _, r := range v.Replies {
		add("reply=" + r.Rule + "/" + r.Lang)
	}
	if v.OpinionLeader {
		add("opinion-leader")
	}
	if v.Crisis {
		add("crisis")
	}
	if b.Len() == 0 {
		if len(v.Fired) > 0 {
			add("fired")
		} else {
			add("none")
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	var buf [20]byte
	i := len(buf)
	for n != 0 {
		d := n % 10
		if d < 0 {
			d = -d
		}
		i--
		buf[i] = byte('0' + d)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// ReplyText fills in the placeholders of r for m, the mention the verdict
// is about: {author} is "@" and the author's handle, {name} the display
// name (or the handle), and {LEXICON} the text of the first hit of that
// lexicon in m (empty when it has none). It allocates the result.
func (v *Verdict) ReplyText(r Reply, m cmkit.Mention) string {
	return placeholder.ReplaceAllStringFunc(r.Template, func(p string) string {
		name := p[1 : len(p)-1]
		switch name {
		case "author":
			if m.Author.Handle == "" {
				return m.Author.DisplayName
			}
			return "@" + m.Author.Handle
		case "name":
			if m.Author.DisplayName != "" {
				return m.Author.DisplayName
			}
			return m.Author.Handle
		}
		for _, h := range v.Hits {
			if h.Lexicon == name && h.End <= len(m.Text) {
				return m.Text[h.Start:h.End]
			}
		}
		return ""
	})
}

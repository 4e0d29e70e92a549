package inbox

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// maxEvidence is how many references to a person's latest messages an
// AuthorRecord keeps.
const maxEvidence = 5

// credit updates the record of msg's author for the brand of its channel,
// in the batch: for a new message, one more mention, its times and a
// reference; and in every case the message's share (reactions, sentiment,
// language, opinion-leader mark), taking back old's share first when msg
// is an edit of old. So a record always equals the sum over the person's
// stored messages. ref is a new message's reference for the Evidence,
// "<channel>/<platform ID>" (unused for an edit).
func (b *ingestBatch) credit(reg *registered, person string, msg, old *Message, ref string) error {
	k := authorKey{reg.info.Brand, person}
	i, ok := b.authorAt[k]
	if !ok {
		r, err := b.author(k)
		switch {
		case err == nil:
		case errors.Is(err, cmkit.ErrNotFound):
			r = AuthorRecord{Brand: k.brand, Person: person}
		default:
			return err
		}
		i = len(b.w.Authors)
		b.authorAt[k] = i
		b.w.Authors = append(b.w.Authors, r)
	}
	rec := &b.w.Authors[i]
	var steps *[]langStep // nil: rec's Languages change
	if _, ok := b.ib.store.(ingestStore); ok {
		steps = &b.steps
	}
	m := &msg.Mention
	if old != nil {
		share(rec, old, -1, steps, i)
	} else {
		rec.Mentions++
		at := mentionTime(m, b.now)
		if rec.FirstAt.IsZero() || at.Before(rec.FirstAt) {
			rec.FirstAt = at
		}
		if at.After(rec.LastAt) {
			rec.LastAt = at
		}
		// Not in place: the Evidence read may be the store's (see
		// ingestStore.authorShared), with no room to spare.
		ev := rec.Evidence
		if len(ev) >= maxEvidence {
			ev = ev[len(ev)-maxEvidence+1:]
		}
		rec.Evidence = append(make([]string, 0, len(ev)+1), ev...)
		rec.Evidence = append(rec.Evidence, ref)
	}
	share(rec, msg, 1, steps, i)
	rec.Author, rec.Channel, rec.Platform = m.Author, m.ChannelID, reg.info.Platform
	return nil
}

// author reads the record of k.person for k.brand.
func (b *ingestBatch) author(k authorKey) (AuthorRecord, error) {
	if s, ok := b.ib.store.(ingestStore); ok {
		return s.authorShared(b.ctx, k)
	}
	return b.ib.store.Author(b.ctx, k.brand, k.person)
}

// share adds (sign 1) or takes back (-1) what one message counts for in
// its author's record, w.Authors[i]; steps, when not nil, takes the
// change of Languages instead of rec (see langStep).
func share(rec *AuthorRecord, msg *Message, sign int, steps *[]langStep, i int) {
	t := &msg.Triage
	rec.Reactions += int64(sign) * msg.Mention.Reactions
	if t.SentimentKnown {
		rec.Sentiment += float64(sign) * t.Sentiment
		rec.Scored += sign
	}
	if lang := messageLanguage(msg); lang != "" {
		if steps != nil {
			*steps = append(*steps, langStep{i, lang, sign})
		} else {
			countLanguage(&rec.Languages, lang, sign)
		}
	}
	if t.OpinionLeader {
		rec.Marked += sign
	}
}

// countLanguage adds sign to the count of lang, dropping a count that
// falls to 0.
func countLanguage(m *map[string]int, lang string, sign int) {
	if *m == nil {
		*m = map[string]int{}
	}
	if (*m)[lang] += sign; (*m)[lang] <= 0 {
		delete(*m, lang)
	}
}

// langStep is one change of the Languages of an author record of a
// Write, which MemoryStore applies to the record it keeps rather than
// have ingest copy the map at each message (see ingestStore).
type langStep struct {
	author int // index in Write.Authors
	lang   string
	sign   int
}

// messageLanguage is the language a message counts in: the engine's, else
// the platform's.
func messageLanguage(m *Message) string {
	if m.Triage.Language != "" {
		return m.Triage.Language
	}
	return m.Mention.Language
}

// LeaderQuery asks Leaders for the opinion leaders of one brand.
type LeaderQuery struct {
	// Brand is the brand (required).
	Brand string
	// Language keeps only people who wrote in this language ("es" covers
	// "es-MX"); empty keeps everyone.
	Language string
	// Since keeps only people whose last message is at or after it; zero
	// keeps everyone.
	Since time.Time
	// Limit is how many leaders to return: 0 means 20; at most 1,000.
	Limit int
	// HalfLife is how long it takes for a person's silence to halve
	// their score; 0 means 30 days.
	HalfLife time.Duration
}

// Leader is one person ranked by Leaders: the score, its factors, and the
// evidence they rest on.
type Leader struct {
	// Person identifies the person (see Conversation.Person).
	Person string `json:"person"`
	// Author is their account as last seen, Channel where, and Platform
	// that channel's platform.
	Author   cmkit.Author   `json:"author"`
	Channel  string         `json:"channel"`
	Platform cmkit.Platform `json:"platform"`
	// Score is Reach × Engagement × Recency × Mark.
	Score float64 `json:"score"`
	// Reach is 1 + log10(1 + followers).
	Reach float64 `json:"reach"`
	// Engagement is mentions + 2 × log10(1 + reactions).
	Engagement float64 `json:"engagement"`
	// Recency is 2^(−age / half-life), age being the time since their
	// last message.
	Recency float64 `json:"recency"`
	// Mark is 1 + marked / mentions: up to 2 when the rules marked every
	// message of theirs as an opinion leader's.
	Mark float64 `json:"mark"`
	// Mentions, Reactions and Marked are the counts behind the score.
	Mentions  int   `json:"mentions"`
	Reactions int64 `json:"reactions"`
	Marked    int   `json:"marked"`
	// Sentiment is the mean sentiment of their scored messages towards
	// the brand, from -1 to 1; Scored counts them (0: unknown).
	Sentiment float64 `json:"sentiment"`
	Scored    int     `json:"scored"`
	// Languages counts their messages per language.
	Languages map[string]int `json:"languages,omitempty"`
	// FirstAt and LastAt are their first and last message times.
	FirstAt time.Time `json:"first_at"`
	LastAt  time.Time `json:"last_at"`
	// Evidence references their latest messages, "<channel>/<platform
	// ID>", oldest first.
	Evidence []string `json:"evidence,omitempty"`
}

// Leaders ranks the people who talk to a brand by how far and how much
// their voice carries, from the author records in the store, for the
// acting member of ctx: a person is listed only when the member holds
// roles.ReadInbox on the channel they were last seen on. The score is
//
//	(1 + log10(1 + followers))                   reach
//	× (mentions + 2 × log10(1 + reactions))       engagement with the brand
//	× 2^(−age / half-life)                        recency (age: since the last message)
//	× (1 + marked / mentions)                     the rules' opinion-leader mark
//
// where followers are the account's as last seen, reactions sum those of
// their messages when read, and marked counts their messages on which a
// rule set the opinion_leader action. Reactions are damped by the
// logarithm so that one viral post does not outweigh a regular voice.
// The mean sentiment is shown, not scored: a critic with reach matters as
// much as a fan. Ties go to more mentions, then to the person's ID, so the
// order is deterministic.
//
// A query without Brand, with a negative Limit or HalfLife, or a Limit
// over 1,000 is cmkit.ErrInvalid.
func (ib *Inbox) Leaders(ctx context.Context, q LeaderQuery) ([]Leader, error) {
	switch {
	case q.Brand == "":
		return nil, cmkit.Invalid("LeaderQuery.Brand", "required", "leaders are ranked per brand")
	case q.Limit < 0 || q.Limit > 1000:
		return nil, cmkit.Invalid("LeaderQuery.Limit", "range", "%d is not within [0, 1000]", q.Limit)
	case q.HalfLife < 0:
		return nil, cmkit.Invalid("LeaderQuery.HalfLife", "range", "%s is negative", q.HalfLife)
	}
	if q.Limit == 0 {
		q.Limit = 20
	}
	if q.HalfLife == 0 {
		q.HalfLife = 30 * 24 * time.Hour
	}
	may, err := ib.reader(ctx)
	if err != nil {
		return nil, err
	}
	now := ib.now()
	var out []Leader
	for rec, err := range ib.store.Authors(ctx, q.Brand) {
		if err != nil {
			return nil, fmt.Errorf("inbox: leaders: %w", err)
		}
		if rec.Mentions <= 0 || !q.Since.IsZero() && rec.LastAt.Before(q.Since) || !speaks(&rec, q.Language) {
			continue
		}
		res := roles.Resource{Brand: rec.Brand, Channel: rec.Channel}
		if reg, ok := ib.channel(rec.Channel); ok {
			res = roles.ResourceOf(reg.info)
		}
		if ok, err := may(res); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		out = append(out, leaderOf(&rec, now, q.HalfLife))
	}
	slices.SortFunc(out, func(a, b Leader) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Mentions != b.Mentions:
			return b.Mentions - a.Mentions
		}
		return strings.Compare(a.Person, b.Person)
	})
	if len(out) > q.Limit {
		out = out[:q.Limit:q.Limit]
	}
	return out, nil
}

// leaderOf scores one record (see Leaders).
func leaderOf(rec *AuthorRecord, now time.Time, halfLife time.Duration) Leader {
	l := Leader{Person: rec.Person, Author: rec.Author, Channel: rec.Channel, Platform: rec.Platform,
		Mentions: rec.Mentions, Reactions: rec.Reactions, Marked: rec.Marked, Scored: rec.Scored,
		Languages: rec.Languages, FirstAt: rec.FirstAt, LastAt: rec.LastAt, Evidence: rec.Evidence}
	l.Reach = 1 + math.Log10(1+float64(max(rec.Author.Followers, 0)))
	l.Engagement = float64(rec.Mentions) + 2*math.Log10(1+float64(max(rec.Reactions, 0)))
	age := max(now.Sub(rec.LastAt), 0)
	l.Recency = math.Exp2(-age.Seconds() / halfLife.Seconds())
	l.Mark = 1 + float64(min(max(rec.Marked, 0), rec.Mentions))/float64(rec.Mentions)
	l.Score = l.Reach * l.Engagement * l.Recency * l.Mark
	if rec.Scored > 0 {
		l.Sentiment = rec.Sentiment / float64(rec.Scored)
	}
	return l
}

// speaks reports whether the person wrote in lang ("" for any); a primary
// tag covers its regional variants.
func speaks(rec *AuthorRecord, lang string) bool {
	if lang == "" {
		return true
	}
	for got, n := range rec.Languages {
		if n > 0 && (strings.EqualFold(got, lang) ||
			len(got) > len(lang) && strings.EqualFold(got[:len(lang)], lang) && (got[len(lang)] == '-' || got[len(lang)] == '_')) {
			return true
		}
	}
	return false
}

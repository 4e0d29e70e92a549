package promotion_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/require"
)

// benchMentions makes n entries to giveaway() as a busy giveaway gets
// them: most valid, with 3 to 30 words of their own, some without the
// hashtag or the tag, some repeat entrants, and one in twenty from a bot
// farm posting variants of a few texts.
func benchMentions(n int) []cmkit.Mention {
	r := rand.New(rand.NewPCG(17, 42))
	words := strings.Fields("quiero ganar este premio me encanta la marca sorteo viaje para mi madre amiga " +
		"hermano chcę wygrać nagrodę kocham tę markę wakacje dla mamy i love this brand please pick me " +
		"que suerte ojalá me toque gracias por el concurso jestem fanem od lat siempre compro sus productos")
	farm := []string{
		"Me encanta esta marca y quiero ganar el premio para mi familia",
		"Kocham tę markę i bardzo chcę wygrać tę nagrodę dla mojej rodziny",
		"I love this brand so much and I really want to win this prize",
	}
	start := time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC)
	ms := make([]cmkit.Mention, n)
	for i := range ms {
		var b strings.Builder
		if i%20 == 19 {
			b.WriteString(farm[r.IntN(len(farm))])
			b.WriteString([]string{"!", "!!", " 🙏", ""}[r.IntN(4)])
		} else {
			for range 3 + r.IntN(28) {
				b.WriteString(words[r.IntN(len(words))])
				b.WriteByte(' ')
			}
		}
		if r.IntN(10) > 0 {
			b.WriteString(" #Sorteo")
		}
		fmt.Fprintf(&b, " @friend%d", r.IntN(1000))
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, " @friend%d https://t.co/x%d", r.IntN(1000), i)
		}
		author := fmt.Sprintf("user%d", r.IntN(n*4/5+1))
		ms[i] = cmkit.Mention{
			ID: fmt.Sprintf("1%017d", i), ChannelID: "acme-x", Kind: cmkit.KindComment, InReplyTo: "P1",
			Author:    cmkit.Author{ID: "id-" + author, Handle: author, CreatedAt: start.AddDate(-1, 0, -r.IntN(1000))},
			Text:      b.String(),
			CreatedAt: start.Add(time.Duration(r.IntN(48*3600)) * time.Second),
		}
	}
	return ms
}

var (
	poolOnce sync.Once
	pooled   []cmkit.Mention
)

// benchPool makes benchMentions(n) once per process, so that a profile of
// the benchmark shows Add, not the set-up.
func benchPool(n int) []cmkit.Mention {
	poolOnce.Do(func() { pooled = benchMentions(n) })
	return pooled
}

// BenchmarkCollect measures Entries.Add per mention, over a pool of
// 100,000 distinct mentions checked by a fresh Entries each time round.
func BenchmarkCollect(b *testing.B) {
	const pool = 100_000
	ms := benchPool(pool)
	p := giveaway()
	p.BotChecks.NearDuplicateAccounts = 3
	ctx := context.Background()
	var e *promotion.Entries
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%pool == 0 {
			b.StopTimer()
			e, _ = promotion.NewEntries(p, nil)
			b.StartTimer()
		}
		if _, err := e.Add(ctx, ms[i%pool]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCollectDecisions checks BenchmarkCollect's first 20,000 mentions and
// compares every decision (mention ID and reason, in order) with those of
// the version before the near-duplicate index and the text scan were
// rewritten for speed: the counts per reason and a SHA-256 of the list.
func TestCollectDecisions(t *testing.T) {
	p := giveaway()
	p.BotChecks.NearDuplicateAccounts = 3
	e, err := promotion.NewEntries(p, nil)
	require.NoError(t, err)
	require.NoError(t, e.AddBatch(context.Background(), benchMentions(20_000)))
	h := sha256.New()
	counts := map[promotion.Reason]int{}
	for s := range e.All() {
		fmt.Fprintf(h, "%s %s\n", s.MentionID, s.Reason)
		counts[s.Reason]++
	}
	require.Equal(t, map[promotion.Reason]int{"": 10507, promotion.ReasonNearDuplicate: 570, promotion.ReasonDuplicate: 6916, promotion.ReasonMissingHashtag: 2007}, counts)
	require.Equal(t, "b45cfd638b39ccaf21da530bffdc809e25787568a8b67915df86124975d2a00d", fmt.Sprintf("%x", h.Sum(nil)))
}

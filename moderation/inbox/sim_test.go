package inbox_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/inbox"
)

// igTexts are what the simulated people say: mostly harmless, some
// insults, spam and complaints.
var igTexts = []string{"love it", "where can I buy it?", "great colours", "does it ship to Poland?", "nice", "hola",
	"cześć, super", "you idiots", "click here for free followers", "terrible service, I want a refund", "thanks!", "ok"}

// igStream makes n mentions for a channel: comments on the brand's posts,
// replies to earlier and later items (so some arrive before their
// parent), direct messages, mentions and replies naming their thread.
func igStream(rng *rand.Rand, ch string, n int) []cmkit.Mention {
	out := make([]cmkit.Mention, n)
	for i := range out {
		author := fmt.Sprint("u", rng.IntN(200))
		m := igMention(ch, fmt.Sprint("m", i), cmkit.KindComment, author, igTexts[rng.IntN(len(igTexts))])
		m.Author.Followers = int64(rng.IntN(20000))
		m.Reactions = int64(rng.IntN(50))
		m.CreatedAt = ingestT0.Add(time.Duration(i) * time.Second)
		switch r := rng.IntN(100); {
		case r < 40:
			m.InReplyTo = fmt.Sprint("post", rng.IntN(10))
		case r < 70:
			m.Kind, m.InReplyTo = cmkit.KindReply, fmt.Sprint("m", rng.IntN(n))
		case r < 85:
			m.Kind = cmkit.KindDirectMessage
		case r < 95:
			m.Kind = cmkit.KindMention
		default:
			j := rng.IntN(i + 1)
			m.Kind, m.InReplyTo, m.ThreadID = cmkit.KindReply, fmt.Sprint("m", j), fmt.Sprint("m", rng.IntN(j+1))
		}
		out[i] = m
	}
	return out
}

// TestIngestTenThousandMentionsExactlyOnce is the acceptance test of
// ingest: the fake platform feeds 10,000 mentions on two channels; reads
// fail at random, some answer with a page delivered before (the same
// again, or an older one: pages out of order); a third of the mentions
// also come by webhook, shuffled, in batches; commits crash at random,
// before they apply or after (the answer lost), and every crash restarts
// the inbox over the same store. Every item ends up stored exactly once,
// none lost, and every hide and delete the rules asked for is done.
func TestIngestTenThousandMentionsExactlyOnce(t *testing.T) {
	const perChannel = 5000
	rng := rand.New(rand.NewPCG(2025, 14))
	env := newIngestEnv(t, inbox.WithPageSize(50))
	cs := &crashStore{Store: env.mem, rng: rand.New(rand.NewPCG(7, 7)), before: 0.04, after: 0.04}
	env.store = cs
	want := map[string]cmkit.Mention{}
	var all []cmkit.Mention
	for i, id := range []string{igES, igPL} {
		ms := igStream(rng, id, perChannel)
		_, err := env.fakes[id].Feed(ms...)
		require.NoError(t, err)
		env.chans[i] = &faultyReader{FakeChannel: env.fakes[id], rng: rand.New(rand.NewPCG(uint64(i), 3)), failRate: 0.2, replay: 0.15}
		for _, m := range ms {
			want[id+"/"+m.ID] = m
		}
		all = append(all, ms...)
	}
	env.restart()
	var hooks []cmkit.Mention
	for _, m := range all {
		if rng.IntN(3) == 0 {
			hooks = append(hooks, m)
		}
	}
	rng.Shuffle(len(hooks), func(i, j int) { hooks[i], hooks[j] = hooks[j], hooks[i] })

	restarts, readFailures := 0, 0
	done := func() bool {
		for _, id := range []string{igES, igPL} {
			cp, err := env.mem.Checkpoint(env.ctx, "mentions/"+id)
			require.NoError(t, err)
			if cp.Cursor != cmkit.Cursor(fmt.Sprint("m", perChannel)) {
				return false
			}
		}
		return len(hooks) == 0
	}
	for step := 0; !done(); step++ {
		require.Less(t, step, 100000, "no progress")
		var err error
		switch r := rng.IntN(10); {
		case r < 3 && len(hooks) > 0:
			k := min(len(hooks), 1+rng.IntN(20))
			if err = env.ib.Push(env.ctx, hooks[:k]...); err == nil {
				hooks = hooks[k:]
			} // else the webhook delivers the batch again later
		case r < 9:
			_, err = env.ib.Pull(env.ctx, []string{igES, igPL}[rng.IntN(2)])
		default:
			env.clock.Advance(time.Minute)
			_, err = env.ib.Moderate(env.ctx)
		}
		switch {
		case errors.Is(err, errCrash):
			restarts++
			env.restart()
		case err != nil:
			require.True(t, errors.Is(err, cmkit.ErrTransient) || errors.Is(err, cmkit.ErrAmbiguous), "unexpected error: %v", err)
			readFailures++
		}
	}
	cs.disarm()
	env.restart()
	for {
		env.clock.Advance(time.Hour)
		n, err := env.ib.Moderate(env.ctx)
		require.NoError(t, err)
		if n == 0 {
			break
		}
	}
	items := igCheckStore(t, env.mem, igPerson)
	require.Len(t, items, len(want), "every item once")
	for k, m := range want {
		got, ok := items[k]
		require.True(t, ok, "item %s lost", k)
		require.Equal(t, m.Text, got.Mention.Text)
		if got.Triage.Hide || got.Triage.Delete {
			require.Equal(t, inbox.DeliverySent, got.Action.Delivery, "item %s: %+v", k, got.Action)
		}
	}
	for _, id := range []string{igES, igPL} {
		f := env.chans[slices.IndexFunc(env.chans, func(c cmkit.Channel) bool { return c.Info().ID == id })].(*faultyReader)
		assert.Positive(t, f.fails, "reads failed on %s", id)
	}
	assert.Positive(t, restarts, "the inbox crashed and restarted")
	assert.Positive(t, readFailures)
	assert.Positive(t, cs.crashes)
	t.Logf("%d restarts after %d crashes, %d read failures", restarts, cs.crashes, readFailures)
}

// TestSimulatedIngest is the seeded simulation of ingest: pulls (with
// faulty reads), webhook pushes out of order and twice, edits (later,
// older and equal versions, some turning text into abuse), member hides
// and deletes, moderation steps, crashes of the store and restarts, and
// time passing. After every step the stored inbox keeps its invariants
// (see igCheckStore), every item acknowledged is stored once with its
// latest version, and no item is stored that was never delivered.
func TestSimulatedIngest(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 5
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { igSimulate(t, uint64(seed), 150) })
	}
}

func igSimulate(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	env := newIngestEnv(t, inbox.WithPageSize(1+rng.IntN(8)))
	cs := &crashStore{Store: env.mem, rng: rand.New(rand.NewPCG(seed, 1)), before: 0.05, after: 0.05}
	env.store = cs
	for i, id := range []string{igES, igPL} {
		env.chans[i] = &faultyReader{FakeChannel: env.fakes[id], rng: rand.New(rand.NewPCG(seed, uint64(i))), failRate: 0.2, replay: 0.1}
	}
	env.restart()
	type item struct {
		latest  cmkit.Mention // the latest version delivered
		stored  bool          // some version was acknowledged (a Push returned nil, or a pull stored it)
		current bool          // the latest version was acknowledged
		fed     bool          // on the platform, for pulls
	}
	items := map[string]*item{}
	var keys []string
	next := 0
	newMention := func() cmkit.Mention {
		ch := []string{igES, igPL}[rng.IntN(2)]
		ms := igStream(rng, ch, 1)
		m := ms[0]
		m.ID = fmt.Sprint("s", next)
		if len(keys) > 0 && m.InReplyTo != "" && m.Kind != cmkit.KindComment {
			m.InReplyTo = items[keys[rng.IntN(len(keys))]].latest.ID // may be another channel's: never seen
		}
		if m.Kind == cmkit.KindReply && rng.IntN(4) == 0 {
			m.InReplyTo = fmt.Sprint("s", next+1+rng.IntN(3)) // a parent still to come
		}
		next++
		m.CreatedAt = env.clock.Now()
		return m
	}
	track := func(m cmkit.Mention) {
		k := m.ChannelID + "/" + m.ID
		it := items[k]
		if it == nil {
			items[k] = &item{latest: m}
			keys = append(keys, k)
			return
		}
		if m.EditedAt.After(it.latest.EditedAt) {
			it.latest, it.current = m, false
		}
	}
	check := func(step int, what string) {
		t.Helper()
		stored := igCheckStore(t, env.mem, igPerson)
		for k, m := range stored {
			it := items[k]
			require.NotNil(t, it, "step %d (%s): item %s stored, never delivered", step, what, k)
			if it.current {
				require.Equal(t, it.latest.Text, m.Mention.Text, "step %d (%s): item %s is not at its latest version", step, what, k)
			}
		}
		for k, it := range items {
			if it.stored {
				_, ok := stored[k]
				require.True(t, ok, "step %d (%s): acknowledged item %s lost", step, what, k)
			}
		}
	}
	ack := func(ms ...cmkit.Mention) {
		for _, m := range ms {
			it := items[m.ChannelID+"/"+m.ID]
			it.stored = true
			if !m.EditedAt.Before(it.latest.EditedAt) {
				it.current = true
			}
		}
	}
	for step := range steps {
		var err error
		what := ""
		switch r := rng.IntN(100); {
		case r < 25: // new mentions by webhook, maybe twice, maybe shuffled with old ones
			what = "push"
			var batch []cmkit.Mention
			for range 1 + rng.IntN(4) {
				m := newMention()
				track(m)
				batch = append(batch, m)
			}
			if len(keys) > 0 && rng.IntN(2) == 0 {
				batch = append(batch, items[keys[rng.IntN(len(keys))]].latest)
			}
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			if err = env.ib.Push(env.ctx, batch...); err == nil {
				ack(batch...)
			}
		case r < 40: // new mentions on the platform
			what = "feed"
			for range 1 + rng.IntN(4) {
				m := newMention()
				track(m)
				_, ferr := env.fakes[m.ChannelID].Feed(m)
				require.NoError(t, ferr)
				items[m.ChannelID+"/"+m.ID].fed = true
			}
		case r < 60: // pull
			what = "pull"
			_, err = env.ib.Pull(env.ctx, []string{igES, igPL}[rng.IntN(2)])
		case r < 75 && len(keys) > 0: // an edit by webhook: later, equal or older
			what = "edit"
			it := items[keys[rng.IntN(len(keys))]]
			m := it.latest
			switch rng.IntN(4) {
			case 0:
				m.EditedAt = m.EditedAt.Add(-time.Second) // older (or zero): a duplicate
			case 1: // the same version again
			default:
				env.clock.Advance(time.Second)
				m.EditedAt = env.clock.Now()
				m.Text = igTexts[rng.IntN(len(igTexts))] + " (edited)"
				m.Reactions = int64(rng.IntN(50))
			}
			if m.EditedAt.Before(m.CreatedAt) {
				m.EditedAt = time.Time{}
			}
			track(m)
			if err = env.ib.Push(env.ctx, m); err == nil {
				ack(m)
			}
		case r < 82 && len(keys) > 0: // a member hides or deletes
			what = "member"
			k := keys[rng.IntN(len(keys))]
			ref, lerr := env.mem.Lookup(env.ctx, "item/"+k)
			if lerr != nil {
				continue
			}
			if rng.IntN(3) == 0 {
				_, err = env.ib.Delete(env.as("sam"), ref.Message)
			} else {
				_, err = env.ib.Hide(env.as("sam"), ref.Message, rng.IntN(3) > 0)
			}
			if errors.Is(err, cmkit.ErrConflict) || errors.Is(err, cmkit.ErrNotFound) {
				err = nil // deleted already; or the platform never had it (pushed only)
			}
			if errors.Is(err, cmkit.ErrPermanent) {
				err = nil
			}
		case r < 90:
			what = "moderate"
			env.clock.Advance(time.Duration(rng.IntN(120)) * time.Second)
			_, err = env.ib.Moderate(env.ctx)
		default:
			what = "restart"
			env.restart()
		}
		switch {
		case errors.Is(err, errCrash):
			env.restart()
		case err != nil:
			require.True(t, errors.Is(err, cmkit.ErrTransient) || errors.Is(err, cmkit.ErrAmbiguous),
				"step %d (%s): unexpected error: %v", step, what, err)
		}
		// What a pull stored is acknowledged by the store itself.
		for k, it := range items {
			if it.fed && !it.stored {
				if _, lerr := env.mem.Lookup(env.ctx, "item/"+k); lerr == nil {
					it.stored, it.current = true, it.latest.EditedAt.IsZero()
				}
			}
		}
		check(step, what)
	}
	// In the end, with the faults gone, everything arrives: what the
	// platform has by pulling, the rest (and the latest versions) by
	// webhook.
	cs.disarm()
	fed := map[string]int{}
	for _, it := range items {
		if it.fed {
			fed[it.latest.ChannelID]++
		}
	}
	for _, ch := range env.chans {
		ch.(*faultyReader).failRate = 0
	}
	env.clock.Advance(time.Hour)
	env.restart()
	for _, id := range []string{igES, igPL} {
		for i := 0; ; i++ {
			require.Less(t, i, 1000, "no progress")
			cp, err := env.mem.Checkpoint(env.ctx, "mentions/"+id)
			require.NoError(t, err)
			if cp.Cursor == cmkit.Cursor(fmt.Sprint("m", fed[id])) {
				break
			}
			_, err = env.ib.Pull(env.ctx, id)
			require.NoError(t, err)
		}
	}
	for k, it := range items {
		if it.fed {
			_, lerr := env.mem.Lookup(env.ctx, "item/"+k)
			require.NoError(t, lerr, "item %s on the platform was not pulled", k)
			it.stored = true
		}
	}
	var latest []cmkit.Mention
	for _, k := range keys {
		latest = append(latest, items[k].latest)
		items[k].stored, items[k].current = true, true
	}
	for len(latest) > 0 {
		k := min(len(latest), 5)
		require.NoError(t, env.ib.Push(env.ctx, latest[:k]...))
		latest = latest[k:]
	}
	check(steps, "final")
	assert.Len(t, igCheckStore(t, env.mem, igPerson), len(items))
}

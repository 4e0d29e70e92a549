package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation/inbox"
)

func TestPushStoresEachItemOnceAndCountsDuplicates(t *testing.T) {
	env := newIngestEnv(t)
	ms := []cmkit.Mention{
		igMention(igES, "1", cmkit.KindComment, "ann", "Love the new colours"),
		igMention(igES, "2", cmkit.KindComment, "bob", "Where can I buy it?"),
	}
	env.push(ms...)
	env.push(ms...)
	env.push(ms[1], ms[0], ms[1])
	items := igCheckStore(t, env.mem, igPerson)
	assert.Len(t, items, 2)
	assert.Equal(t, inbox.IngestCounts{Ingested: 2, Duplicates: 5}, env.ib.IngestCounts())
	assert.Equal(t, []inbox.InboxEventKind{inbox.EventIngested, inbox.EventIngested}, env.eventKinds(),
		"a duplicate is counted, not reported")
}

func TestPushRefusesBadInputAndWritesNothing(t *testing.T) {
	good := igMention(igES, "1", cmkit.KindComment, "ann", "hello")
	for _, tc := range []struct {
		name  string
		bad   func(m *cmkit.Mention)
		field string
		rule  string
	}{
		{"no channel", func(m *cmkit.Mention) { m.ChannelID = "" }, "mentions[1].channel_id", "required"},
		{"unknown channel", func(m *cmkit.Mention) { m.ChannelID = "acme-de-x" }, "mentions[1].channel_id", "unknown"},
		{"no ID", func(m *cmkit.Mention) { m.ID = "" }, "mentions[1].id", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newIngestEnv(t)
			bad := igMention(igES, "2", cmkit.KindComment, "bob", "hi")
			tc.bad(&bad)
			err := env.ib.Push(env.ctx, good, bad)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
			assert.Empty(t, env.convs(), "nothing is written when one item is bad")
			assert.Empty(t, env.eventKinds())
		})
	}
}

func TestPullStoresPagesWithTheirCheckpoint(t *testing.T) {
	env := newIngestEnv(t, inbox.WithPageSize(100))
	var feed []cmkit.Mention
	for i := range 250 {
		feed = append(feed, igMention(igES, fmt.Sprint("m", i), cmkit.KindComment, fmt.Sprint("u", i%7), "nice"))
	}
	_, err := env.fakes[igES].Feed(feed...)
	require.NoError(t, err)
	for i, want := range []int{100, 100, 50, 0, 0} {
		n, err := env.ib.Pull(env.ctx, igES)
		require.NoError(t, err)
		assert.Equal(t, want, n, "pull %d", i)
	}
	cp, err := env.mem.Checkpoint(env.ctx, "mentions/"+igES)
	require.NoError(t, err)
	assert.Equal(t, cmkit.Cursor("m250"), cp.Cursor)
	assert.Equal(t, uint64(3), cp.Version, "one checkpoint per page that moved it")
	assert.Equal(t, ingestT0, cp.At)
	assert.Len(t, igCheckStore(t, env.mem, igPerson), 250)
}

func TestPullRefusesUnknownAndUnreadableChannels(t *testing.T) {
	env := newIngestEnv(t)
	_, err := env.ib.Pull(env.ctx, "acme-de-x")
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "channelID", ve.Field)

	env.chans = append(env.chans, igPublishOnly{env.fakes[igES], "acme-es-blog"})
	env.restart()
	_, err = env.ib.Pull(env.ctx, "acme-es-blog")
	require.ErrorIs(t, err, cmkit.ErrUnsupported)
	n, err := env.ib.PullAll(env.ctx)
	require.NoError(t, err, "PullAll passes over channels that cannot read")
	assert.Zero(t, n)
}

// igPublishOnly is a channel with no optional capability.
type igPublishOnly struct {
	f  cmkit.Channel
	id string
}

func (c igPublishOnly) Info() cmkit.ChannelInfo {
	info := c.f.Info()
	info.ID = c.id
	return info
}

func (c igPublishOnly) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	return c.f.Publish(ctx, p)
}

// igScriptedReader answers reads with the errors given, then reads the
// fake.
type igScriptedReader struct {
	*faultyReader
	errs []error
}

func (r *igScriptedReader) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	if len(r.errs) > 0 {
		err := r.errs[0]
		r.errs = r.errs[1:]
		return cmkit.MentionPage{}, err
	}
	return r.FakeChannel.ReadMentions(ctx, after, limit)
}

func TestPullReadFailureMovesNothing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		class error
	}{
		{"transient", fmt.Errorf("503: %w", cmkit.ErrTransient), cmkit.ErrTransient},
		{"rate limit", &cmkit.RateLimitError{RetryAfter: 90 * time.Second}, cmkit.ErrRateLimited},
		{"timeout", fmt.Errorf("%w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded), context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newIngestEnv(t)
			_, err := env.fakes[igES].Feed(igMention(igES, "1", cmkit.KindComment, "ann", "hi"))
			require.NoError(t, err)
			r := &igScriptedReader{faultyReader: &faultyReader{FakeChannel: env.fakes[igES]}, errs: []error{tc.err}}
			env.chans[0] = r
			env.restart()
			n, err := env.ib.Pull(env.ctx, igES)
			require.ErrorIs(t, err, tc.class)
			assert.Zero(t, n)
			cp, cerr := env.mem.Checkpoint(env.ctx, "mentions/"+igES)
			require.NoError(t, cerr)
			assert.Zero(t, cp.Version, "the checkpoint did not move")
			assert.Empty(t, env.convs())
			var rl *cmkit.RateLimitError
			if errors.As(tc.err, &rl) {
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, 90*time.Second, rl.RetryAfter)
			}
			n, err = env.ib.Pull(env.ctx, igES)
			require.NoError(t, err)
			assert.Equal(t, 1, n, "the next pull reads the page")
		})
	}
}

func TestPullAllWaitsOutARateLimit(t *testing.T) {
	env := newIngestEnv(t)
	for _, id := range []string{igES, igPL} {
		_, err := env.fakes[id].Feed(igMention(id, "1", cmkit.KindComment, "ann", "hi"))
		require.NoError(t, err)
	}
	r := &igScriptedReader{faultyReader: &faultyReader{FakeChannel: env.fakes[igES]},
		errs: []error{&cmkit.RateLimitError{RetryAfter: time.Minute}}}
	env.chans[0] = r
	env.restart()
	n, err := env.ib.PullAll(env.ctx)
	require.ErrorIs(t, err, cmkit.ErrRateLimited)
	assert.Equal(t, 1, n, "the other channel is pulled")
	r.errs = []error{fmt.Errorf("would fail: %w", cmkit.ErrTransient)}
	n, err = env.ib.PullAll(env.ctx)
	require.NoError(t, err, "the rate-limited channel is not read before its wait is over")
	assert.Zero(t, n)
	env.clock.Advance(time.Minute)
	n, err = env.ib.PullAll(env.ctx)
	require.ErrorIs(t, err, cmkit.ErrTransient, "read once the wait is over")
	assert.Zero(t, n)
	n, err = env.ib.PullAll(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestPullDropsItemsWithoutAnIDAndSetsTheChannel(t *testing.T) {
	env := newIngestEnv(t)
	r := &igPageReader{FakeChannel: env.fakes[igES], page: cmkit.MentionPage{Next: "c1", Mentions: []cmkit.Mention{
		{ID: "a", ChannelID: "elsewhere", Kind: cmkit.KindComment, Text: "one"},
		{ID: "", Kind: cmkit.KindComment, Text: "no ID"},
		{ID: "b", Kind: cmkit.KindComment, Text: "two"},
	}}}
	env.chans[0] = r
	env.restart()
	n, err := env.ib.Pull(env.ctx, igES)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, uint64(1), env.ib.IngestCounts().Skipped)
	m, _ := env.item(igES, "a")
	assert.Equal(t, igES, m.Mention.ChannelID)
	assert.Equal(t, "elsewhere", r.page.Mentions[0].ChannelID, "the reader's page is not changed")
}

// igPageReader answers every read with one page.
type igPageReader struct {
	*cmkittest.FakeChannel
	page cmkit.MentionPage
}

func (r *igPageReader) ReadMentions(context.Context, cmkit.Cursor, int) (cmkit.MentionPage, error) {
	return r.page, nil
}

func TestIngestOnePageTouchingOneConversationManyTimes(t *testing.T) {
	env := newIngestEnv(t)
	root := igMention(igES, "r", cmkit.KindComment, "ann", "Does it come in red?")
	a := igReply(igES, "a", "r", "bob", "I want red too")
	b := igReply(igES, "b", "a", "ann", "Great!")
	edited := b
	edited.Text, edited.EditedAt = "Great, thanks!", ingestT0.Add(time.Minute)
	env.push(a, root, b, a, edited, root)
	items := igCheckStore(t, env.mem, igPerson)
	require.Len(t, items, 3)
	cs := env.convs()
	require.Len(t, cs, 1, "reply before parent, parent, reply: one conversation")
	assert.Equal(t, 3, cs[0].Messages)
	mb, _ := env.item(igES, "b")
	assert.Equal(t, "Great, thanks!", mb.Mention.Text)
	require.Len(t, mb.Edits, 1)
	assert.Equal(t, "Great!", mb.Edits[0].Text)
	assert.Equal(t, inbox.IngestCounts{Ingested: 3, Edited: 1, Duplicates: 2}, env.ib.IngestCounts())
}

// igConflictStore makes the first commits conflict, as if another writer
// got there first.
type igConflictStore struct {
	inbox.Store
	mu        sync.Mutex
	conflicts int
	before    func() // runs before a conflict is returned
}

func (s *igConflictStore) Commit(ctx context.Context, w inbox.Write) error {
	s.mu.Lock()
	c := s.conflicts
	if c > 0 {
		s.conflicts--
	}
	s.mu.Unlock()
	if c > 0 {
		if s.before != nil {
			s.before()
		}
		return fmt.Errorf("test: %w", cmkit.ErrConflict)
	}
	return s.Store.Commit(ctx, w)
}

func TestIngestRetriesAConflictWithoutJudgingTwice(t *testing.T) {
	env := newIngestEnv(t)
	cs := &igConflictStore{Store: env.mem, conflicts: 3}
	env.store = cs
	env.restart()
	env.push(igMention(igES, "1", cmkit.KindComment, "ann", "you idiot"))
	items := igCheckStore(t, env.mem, igPerson)
	require.Len(t, items, 1)
	assert.Len(t, env.eventKinds(), 2, "one ingested and one hidden event, however many attempts")
	assert.Equal(t, uint64(1), env.ib.IngestCounts().Ingested)

	cs.mu.Lock()
	cs.conflicts = 1000
	cs.mu.Unlock()
	err := env.ib.Push(env.ctx, igMention(igES, "2", cmkit.KindComment, "ann", "hi"))
	require.ErrorIs(t, err, cmkit.ErrConflict, "a write that keeps conflicting gives up")
}

func TestPullStopsWhenAnotherPullerMovedTheCheckpoint(t *testing.T) {
	env := newIngestEnv(t)
	_, err := env.fakes[igES].Feed(igMention(igES, "1", cmkit.KindComment, "ann", "hi"),
		igMention(igES, "2", cmkit.KindComment, "bob", "hey"))
	require.NoError(t, err)
	other, err := inbox.New(env.mem, inbox.WithTeam(env.dir), inbox.WithEngine(env.engine), inbox.WithClock(env.clock),
		inbox.WithChannels(env.chans...))
	require.NoError(t, err)
	cs := &igConflictStore{Store: env.mem, conflicts: 1, before: func() {
		// Another process pulls the same page first.
		n, err := other.Pull(env.ctx, igES)
		require.NoError(t, err)
		require.Equal(t, 2, n)
	}}
	env.store = cs
	env.restart()
	n, err := env.ib.Pull(env.ctx, igES)
	require.NoError(t, err)
	assert.Zero(t, n, "the other puller stored the page")
	assert.Len(t, igCheckStore(t, env.mem, igPerson), 2)
}

func TestConcurrentPullersAndPushersStoreEachItemOnce(t *testing.T) {
	env := newIngestEnv(t, inbox.WithPageSize(7))
	var feed []cmkit.Mention
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		m := igMention(igES, fmt.Sprint(i), cmkit.KindComment, fmt.Sprint("u", rng.IntN(20)), "hello")
		if i > 0 && rng.IntN(3) == 0 {
			m = igReply(igES, fmt.Sprint(i), fmt.Sprint(rng.IntN(i)), m.Author.ID, "+1")
		}
		feed = append(feed, m)
	}
	_, err := env.fakes[igES].Feed(feed...)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ib, err := inbox.New(env.mem, inbox.WithTeam(env.dir), inbox.WithEngine(env.engine), inbox.WithClock(env.clock),
				inbox.WithChannels(env.chans...), inbox.WithPageSize(7))
			if !assert.NoError(t, err) {
				return
			}
			if g%2 == 0 {
				for range 100 {
					_, err := ib.PullAll(env.ctx)
					assert.NoError(t, err)
				}
				return
			}
			order := slices.Clone(feed)
			r := rand.New(rand.NewPCG(uint64(g), 9))
			r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for len(order) > 0 {
				k := min(len(order), 1+r.IntN(10))
				assert.NoError(t, ib.Push(env.ctx, order[:k]...))
				order = order[k:]
			}
		}()
	}
	wg.Wait()
	items := igCheckStore(t, env.mem, igPerson)
	assert.Len(t, items, len(feed))
}

func TestPullAllReadsAtMostAHundredPagesPerChannel(t *testing.T) {
	env := newIngestEnv(t, inbox.WithPageSize(1))
	var feed []cmkit.Mention
	for i := range 150 {
		feed = append(feed, igMention(igES, fmt.Sprint(i), cmkit.KindComment, "ann", "hi"))
	}
	_, err := env.fakes[igES].Feed(feed...)
	require.NoError(t, err)
	n, err := env.ib.PullAll(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 100, n)
	n, err = env.ib.PullAll(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 50, n, "the next call goes on")
}

func TestWithPageSizeRefusesSizesOutOfRange(t *testing.T) {
	for _, n := range []int{0, -1, 1001} {
		_, err := inbox.New(inbox.NewMemoryStore(), inbox.WithPageSize(n))
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, "%d", n)
		assert.Equal(t, "WithPageSize", ve.Field)
	}
}

// The activity of a new conversation names the kind of its first item and
// its author: by handle, else display name, else ID.
func TestIngestActivityNamesTheAuthor(t *testing.T) {
	e := newIngestEnv(t)
	authors := []cmkit.Author{{ID: "u1", Handle: "ana", DisplayName: "Ana"}, {ID: "u2", DisplayName: "Bea"}, {ID: "u3"}}
	want := []string{"comment from @ana", "comment from Bea", "comment from u3"}
	for i, a := range authors {
		id := fmt.Sprint("act", i)
		e.push(cmkit.Mention{ID: id, ChannelID: igES, Kind: cmkit.KindComment, Author: a, Text: "hola", CreatedAt: ingestT0})
		_, c := e.item(igES, id)
		var got []string
		for _, a := range e.acts(c.ID) {
			if a.Kind == inbox.ActivityIngested {
				got = append(got, a.Text)
			}
		}
		require.Equal(t, []string{want[i]}, got)
	}
}

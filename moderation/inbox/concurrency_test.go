package inbox_test

import (
	"errors"
	"fmt"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Eight members assign, label, reply and note on the same two
// conversations at once (run it with -race). Each retries on ErrConflict
// by reading again, as a person would. No update is lost: every label is
// there, every reply reached the platform and is recorded exactly once,
// and the activities match the changes that succeeded.
func TestConcurrentWorkLosesNoUpdate(t *testing.T) {
	const workers, rounds = 8, 6
	e := newWorkEnv(t)
	for i := range workers {
		m := fmt.Sprintf("g%d", i)
		_, err := e.dir.PutMember(e.as("sam"), roles.Member{ID: m})
		require.NoError(t, err)
		_, err = e.dir.Grant(e.as("sam"), roles.Grant{Member: m, Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}})
		require.NoError(t, err)
	}
	convs := []uuid.UUID{e.newConv(e.es, "uno").ID, e.newConv(e.es, "dos").ID}
	var assigns, labels, replies, notes atomic.Int64
	var replyConflicts atomic.Int64

	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := fmt.Sprintf("g%d", i)
			ctx := e.as(me)
			for k := range rounds {
				id := convs[(i+k)%len(convs)]
				read := func() Conversation {
					c, err := e.store.Conversation(ctx, id)
					assert.NoError(t, err)
					return c
				}
				retryConcurrently(t, func() error {
					c := read()
					got, err := e.ib.Assign(ctx, id, c.Version, me)
					if err == nil && got.Version != c.Version {
						assigns.Add(1)
					}
					return err
				})
				retryConcurrently(t, func() error {
					c := read()
					_, err := e.ib.Label(ctx, id, c.Version, []string{fmt.Sprintf("%s-%d", me, k)}, nil)
					if err == nil {
						labels.Add(1)
					}
					return err
				})
				retryConcurrently(t, func() error {
					c := read()
					_, err := e.ib.Reply(ctx, id, c.Version, ReplyRequest{Text: fmt.Sprintf("%s r%d", me, k)})
					if err == nil {
						replies.Add(1)
					}
					var rc *ReplyConflict
					if errors.As(err, &rc) {
						replyConflicts.Add(1)
					}
					return err
				})
				_, err := e.ib.AddNote(ctx, id, fmt.Sprintf("%s note %d", me, k))
				assert.NoError(t, err)
				notes.Add(1)
			}
		}()
	}
	wg.Wait()

	require.Equal(t, int64(workers*rounds), labels.Load())
	require.Equal(t, int64(workers*rounds), replies.Load())
	posts := map[string]int{}
	for _, p := range e.es.Posts() {
		posts[p.Post.Text]++
	}
	kinds := map[ActivityKind]int{}
	for _, id := range convs {
		c := e.get(id)
		msgs := e.messages(id)
		assert.Equal(t, len(msgs), c.Messages)
		for _, m := range msgs[1:] {
			assert.Equal(t, DeliverySent, m.Delivery)
		}
		for _, a := range e.activities(id) {
			kinds[a.Kind]++
		}
	}
	for i := range workers {
		me := fmt.Sprintf("g%d", i)
		for k := range rounds {
			id := convs[(i+k)%len(convs)]
			assert.True(t, slices.Contains(e.get(id).Labels, fmt.Sprintf("%s-%d", me, k)), "label %s-%d", me, k)
			text := fmt.Sprintf("%s r%d", me, k)
			assert.Equal(t, 1, posts[text], "reply %q on the platform", text)
			n := 0
			for _, m := range e.messages(id) {
				if m.Direction == Outbound && m.Mention.Text == text {
					n++
				}
			}
			assert.Equal(t, 1, n, "reply %q recorded", text)
		}
	}
	assert.Len(t, e.es.Posts(), workers*rounds)
	assert.Equal(t, map[ActivityKind]int{
		ActivityAssigned: int(assigns.Load()),
		ActivityLabels:   int(labels.Load()),
		ActivityReplied:  2 * int(replies.Load()), // the fence and the outcome
		ActivityNote:     int(notes.Load()),
	}, kinds)
	t.Logf("%d assignments, %d reply collisions retried", assigns.Load(), replyConflicts.Load())
}

// retryConcurrently is retry for a goroutine other than the test's: it
// reports a failure without stopping the goroutine.
func retryConcurrently(t *testing.T, op func() error) {
	for range 10000 {
		err := op()
		if !errors.Is(err, cmkit.ErrConflict) {
			assert.NoError(t, err)
			return
		}
	}
	t.Error("still conflicting after 10000 attempts")
}

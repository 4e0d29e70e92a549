package inbox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	. "github.com/cmkit/cmkit/moderation/inbox"
)

// TestTwoInboxesStepTogether: two processes over one store, each running
// Step at the same moments, pull every mention once, send each SLA
// breach once, and leave one ticket per routed conversation.
func TestTwoInboxesStepTogether(t *testing.T) {
	policy := SLAPolicy{Name: "fast", FirstResponse: time.Hour}
	e := newWorkEnv(t, WithSLA(nil, policy))
	var second eventLog
	other, err := New(e.store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock),
		WithChannels(e.es, e.pl), WithHandoff(e.help), WithHook(second.add), WithSLA(nil, policy))
	require.NoError(t, err)

	for i := range 30 {
		text := "hola"
		if i%3 == 0 {
			text = "mi pedido no funciona, quiero un reembolso" // routed by the complaint rule
		}
		_, err := e.es.Feed(cmkit.Mention{Author: cmkit.Author{ID: "u" + string(rune('a'+i))}, Text: text})
		require.NoError(t, err)
	}
	for range 3 {
		var wg sync.WaitGroup
		for _, ib := range []*Inbox{e.ib, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = ib.Step(e.ctx) // a lost race on the checkpoint is an error; the next step goes on
			}()
		}
		wg.Wait()
		e.clock.Advance(45 * time.Minute)
	}

	convs := collect(t, e.store.Conversations(e.ctx, Filter{}))
	require.Len(t, convs, 30, "every mention once")
	breaches := len(e.events.of(EventSLABreached)) + len(second.of(EventSLABreached))
	assert.Equal(t, 30, breaches, "one breach per conversation, whichever process sent it")
	assert.Len(t, e.help.Keys(), 10, "one ticket per routed conversation")
	for _, c := range convs {
		if c.Handoff.Status != "" {
			assert.Equal(t, HandoffDone, c.Handoff.Status)
		}
	}
}

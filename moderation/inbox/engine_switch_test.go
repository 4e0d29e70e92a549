package inbox_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// TestSetEngineSwitchesTheRules: a crisis plan switches the inbox to a
// stricter rule set; messages from then on are judged by it, and
// switching back restores the usual rules. A nil engine is refused.
func TestSetEngineSwitchesTheRules(t *testing.T) {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC))
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	require.NoError(t, team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}}))
	compile := func(js string) *moderation.Engine {
		rs, err := moderation.ParseRules([]byte(js))
		require.NoError(t, err)
		e, err := moderation.Compile(rs, moderation.WithClock(clock))
		require.NoError(t, err)
		return e
	}
	usual := compile(`{"builtin":["insults"],"rules":[{"id":"insults","when":{"lexicon":"insults"},"then":{"hide":true}}]}`)
	strict := compile(`{"builtin":["insults","complaints"],"rules":[
		{"id":"insults","when":{"lexicon":"insults"},"then":{"hide":true}},
		{"id":"hold-complaints","when":{"lexicon":"complaints"},"then":{"hide":true}}]}`)
	page, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-es-fb", Platform: cmkit.Facebook, Brand: "acme", Country: "ES"}})
	require.NoError(t, err)
	var mu sync.Mutex
	hidden := map[string]bool{}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(team), inbox.WithEngine(usual), inbox.WithClock(clock),
		inbox.WithChannels(page), inbox.WithHook(func(e inbox.InboxEvent) {
			mu.Lock()
			defer mu.Unlock()
			if e.Kind == inbox.EventHidden {
				hidden[e.Message.Mention.ID] = true
			}
		}))
	require.NoError(t, err)
	push := func(id string) {
		ms, err := page.Feed(cmkit.Mention{ID: id, Kind: cmkit.KindComment, Author: cmkit.Author{ID: "u" + id, Handle: "u" + id},
			Text: "My order never arrived, I want a refund", InReplyTo: "post1"})
		require.NoError(t, err)
		require.NoError(t, ib.Push(ctx, ms...))
	}
	push("before")
	prev, err := ib.SetEngine(strict)
	require.NoError(t, err)
	assert.Same(t, usual, prev)
	push("during")
	prev, err = ib.SetEngine(usual)
	require.NoError(t, err)
	assert.Same(t, strict, prev)
	push("after")
	_, err = ib.SetEngine(nil)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]bool{"during": true}, hidden)
}

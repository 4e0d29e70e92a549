package moderation

import (
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type countingHistory struct{ calls int }

func (h *countingHistory) Seen(string, string) bool { h.calls++; return false }

func TestDryRun(t *testing.T) {
	set := RuleSet{Builtin: []string{"insults"}, Rules: []ModRule{
		rule("insults", Cond{Lexicon: "insults"}, Actions{Hide: true, Flag: []string{"insult"}, Crisis: true}),
		rule("wave", Cond{Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2}}, Actions{Delete: true}),
		rule("new", Cond{FirstTime: ptr(true)}, Actions{Priority: 1}),
	}}
	text := "Follow my page for daily crypto signals and easy profit"
	past := []cmkit.Mention{
		{ID: "1", Text: text, Author: cmkit.Author{ID: "a"}, CreatedAt: t0},
		{ID: "2", Text: text, Author: cmkit.Author{ID: "b"}, CreatedAt: t0.Add(30 * time.Minute)},
		{ID: "3", Text: text, Author: cmkit.Author{ID: "c"}, CreatedAt: t0.Add(5 * time.Hour)}, // the window has passed
		{ID: "4", Text: "eres idiota", Author: cmkit.Author{ID: "a"}, CreatedAt: t0.Add(6 * time.Hour)},
	}
	signaled := 0
	live := &countingHistory{}
	r, err := DryRun(set, slices.Values(past), WithCrisis(signalFunc(func(CrisisSignal) { signaled++ })), WithAuthorHistory(live))
	require.NoError(t, err)
	assert.Equal(t, 4, r.Mentions)
	assert.Equal(t, []RuleCount{
		{Rule: "insults", Fired: 1, Examples: []string{"4"}},
		{Rule: "wave", Fired: 1, Examples: []string{"2"}},
		{Rule: "new", Fired: 3, Examples: []string{"1", "2", "3"}},
	}, r.Rules)
	assert.Equal(t, map[string]int{"hide": 1, "flag:insult": 1, "crisis": 1, "delete": 1, "priority:1": 3}, r.Actions)
	assert.Zero(t, signaled, "a dry run signals nothing")
	assert.Zero(t, live.calls, "a dry run leaves the live history alone")
}

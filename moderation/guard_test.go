package moderation

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests of this file pin the memory of each wave condition: it holds
// the mentions that passed the wave's guard (the other tests of its Cond)
// and nothing else.

const (
	guardSpam  = "Get 10k real followers today at https://bit.ly/f0ll0w, limited offer, act now"
	guardSpam2 = "Follow my page for daily crypto signals and easy profit every single day"
)

// ordinary returns the i-th of many distinct everyday mentions of several
// words and no link.
func ordinary(i int) string {
	return fmt.Sprintf("order %d arrived on day %d, thanks for the package number %d", i, i*7, i*13)
}

// firedRules returns the IDs of the rules that fired.
func firedRules(v *Verdict) []string {
	var ids []string
	for _, f := range v.Fired {
		ids = append(ids, f.Rule)
	}
	return ids
}

func TestWaveGatedByLinksIsNotEvictedByOrdinaryTraffic(t *testing.T) {
	const memory = 16
	wave := &WaveCond{Within: Duration(time.Hour), MinCount: 3, MinAuthors: 3}
	for _, c := range []struct {
		name  string
		cond  Cond
		fires bool
	}{
		// The guard keeps ordinary mentions out: the two earlier copies
		// are still remembered after 10×memory ordinary mentions.
		{"gated", Cond{Links: &Range{Min: ptr(1.0)}, Wave: wave}, true},
		// Without a guard every mention takes room, and the copies are
		// forgotten.
		{"ungated", Cond{Wave: wave}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := &fixedClock{t: t0}
			e := mustCompile(t, RuleSet{Rules: []ModRule{rule("wave", c.cond, Actions{Delete: true})}},
				WithClock(clock), WithWaveMemory(memory))
			var v Verdict
			for i, a := range []string{"bot1", "bot2"} {
				e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: a}, Text: guardSpam})
				require.False(t, v.Delete, i)
				for k := 0; k < 5*memory; k++ {
					clock.advance(time.Second)
					e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: fmt.Sprint("u", k)}, Text: ordinary(100*i + k)})
					require.False(t, v.Delete)
				}
			}
			store := e.waves[0].store
			if c.fires {
				assert.Equal(t, 2, store.size(), "only the mentions with a link are remembered")
			} else {
				assert.Equal(t, memory, store.size())
			}
			e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "bot3"}, Text: guardSpam})
			assert.Equal(t, c.fires, v.Delete)
		})
	}
}

func TestWaveGuardUnderAnyIsRecordedWhateverTheAnyDecides(t *testing.T) {
	// The wave is a member of an any whose other member, cheaper, holds
	// for reviews: on a review the wave test is never reached, yet the
	// review passed the wave's guard (a link) and is remembered. A
	// sibling in the any is no part of the guard.
	set := RuleSet{Rules: []ModRule{rule("r", Cond{Any: []Cond{
		{Kinds: []cmkit.MentionKind{cmkit.KindReview}},
		{Links: &Range{Min: ptr(1.0)}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 3, MinAuthors: 3}},
	}}, Actions{Hold: true})}}
	clock := &fixedClock{t: t0}
	e := mustCompile(t, set, WithClock(clock))
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "a"}, Text: guardSpam})
	assert.True(t, v.Hold, "the review holds by its kind")
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "b"}, Text: guardSpam})
	assert.True(t, v.Hold)
	assert.Equal(t, 2, e.waves[0].store.size(), "both reviews passed the guard")
	// A comment without the link fails the guard: not remembered, and
	// its wave test is false although two near-duplicates are in memory.
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "c"}, Text: "Get 10k real followers today at bit, limited offer, act now"})
	assert.False(t, v.Hold)
	assert.Equal(t, 2, e.waves[0].store.size())
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "d"}, Text: guardSpam})
	assert.True(t, v.Hold, "the third copy, from a third author, is a wave")
	assert.Equal(t, 3, e.waves[0].store.size())
}

func TestWaveGuardIsEvaluatedAfterAStopRule(t *testing.T) {
	set := RuleSet{
		AuthorLists: []AuthorList{{Name: "blocked", Authors: []string{"bad"}}},
		Rules: []ModRule{
			rule("block", Cond{AuthorList: "blocked"}, Actions{Delete: true, Stop: true}),
			rule("wave", Cond{Links: &Range{Min: ptr(1.0)}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2}},
				Actions{Hide: true}),
		},
	}
	e := mustCompile(t, set, WithClock(&fixedClock{t: t0}))
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "bad"}, Text: guardSpam})
	assert.Equal(t, "block", v.Stopped)
	assert.Equal(t, []string{"block"}, firedRules(&v))
	assert.Equal(t, 1, e.waves[0].store.size(), "stopped before the wave's rule, and remembered")
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "good"}, Text: guardSpam})
	assert.Equal(t, []string{"wave"}, firedRules(&v))
}

func TestWaveGuardIsOnlyTheWavesOwnCond(t *testing.T) {
	// The kind test is in the Cond above the wave's, so the wave has no
	// guard: it remembers every mention of three words or more, and
	// counts them whatever the kind test says.
	set := RuleSet{Rules: []ModRule{rule("r", Cond{Kinds: []cmkit.MentionKind{cmkit.KindReview},
		All: []Cond{{Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2}}}}, Actions{Hide: true})}}
	e := mustCompile(t, set, WithClock(&fixedClock{t: t0}))
	require.Len(t, e.waves, 1)
	assert.Nil(t, e.waves[0].guard)
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "a"}, Text: guardSpam2})
	assert.False(t, v.Hide)
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "b"}, Text: "thanks!"})
	assert.Equal(t, 1, e.waves[0].store.size(), "two words are too few")
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "b"}, Text: guardSpam2})
	assert.True(t, v.Hide, "the comment counts in the wave")

	// The guard of a wave holds the members of its Cond's all list, and
	// the waves inside them, which are recorded first.
	set = RuleSet{Rules: []ModRule{rule("r", Cond{
		All:  []Cond{{Kinds: []cmkit.MentionKind{cmkit.KindComment}}, {Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}}},
		Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2},
	}, Actions{Hide: true})}}
	e = mustCompile(t, set, WithClock(&fixedClock{t: t0}))
	require.Len(t, e.waves, 2)
	for i, want := range []bool{false, false, true} {
		e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "a"}, Text: guardSpam2})
		assert.Equal(t, want, v.Hide, i)
	}
	// The inner wave saw three comments; the outer one only the two that
	// passed its guard, the inner wave included (the first was alone).
	assert.Equal(t, 3, e.waves[0].store.size())
	assert.Equal(t, 2, e.waves[1].store.size())
}

func TestTwoWavesDoNotSeeEachOthersMentions(t *testing.T) {
	wave := func() *WaveCond { return &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2} }
	set := RuleSet{Rules: []ModRule{
		rule("comments", Cond{Kinds: []cmkit.MentionKind{cmkit.KindComment}, Wave: wave()}, Actions{Flag: []string{"comments"}}),
		rule("reviews", Cond{Kinds: []cmkit.MentionKind{cmkit.KindReview}, Wave: wave()}, Actions{Flag: []string{"reviews"}}),
	}}
	e := mustCompile(t, set, WithClock(&fixedClock{t: t0}))
	var v Verdict
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "a"}, Text: guardSpam})
	assert.Empty(t, v.Flags)
	// The same text as a review by another author: with one shared memory
	// the comment would make it a wave; the reviews' memory holds only
	// this review.
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "b"}, Text: guardSpam})
	assert.Empty(t, v.Flags)
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "c"}, Text: guardSpam})
	assert.Equal(t, []string{"reviews"}, v.Flags)
	assert.Equal(t, 1, e.waves[0].store.size())
	assert.Equal(t, 2, e.waves[1].store.size())
}

func TestWaveGuardLeavesNoEvidence(t *testing.T) {
	// The guard's lexicon test runs for every mention, before the rules;
	// the evidence of the rule that fires is its own, once.
	set := RuleSet{Builtin: []string{"spam"}, Rules: []ModRule{
		rule("wave", Cond{Lexicon: "spam", Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2}}, Actions{Hide: true}),
		rule("other", Cond{Kinds: []cmkit.MentionKind{cmkit.KindReview}}, Actions{Hold: true}),
	}}
	e := mustCompile(t, set, WithClock(&fixedClock{t: t0}))
	var v Verdict
	text := "free followers for everyone who clicks, free followers today"
	e.Evaluate(&v, cmkit.Mention{Kind: cmkit.KindReview, Author: cmkit.Author{ID: "a"}, Text: text})
	require.Len(t, v.Fired, 1)
	assert.Equal(t, "other", v.Fired[0].Rule)
	assert.Empty(t, v.Fired[0].Hits, "the guard's hits are no rule's evidence")
	assert.NotEmpty(t, v.Hits, "the scan the guard needed is the verdict's")
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "b"}, Text: text})
	require.Len(t, v.Fired, 1)
	assert.Equal(t, "wave", v.Fired[0].Rule)
	assert.Equal(t, v.Hits, v.Fired[0].Hits, "each spam hit once")
}

func TestCompareWithPerWaveMemories(t *testing.T) {
	// Before: an ungated wave in a small memory, which ordinary traffic
	// fills. After: the same wave gated by links, which keeps the copies.
	wave := &WaveCond{Within: Duration(time.Hour), MinCount: 2, MinAuthors: 2}
	before := RuleSet{Rules: []ModRule{rule("wave", Cond{Wave: wave}, Actions{Delete: true})}}
	after := RuleSet{Rules: []ModRule{rule("wave", Cond{Links: &Range{Min: ptr(1.0)}, Wave: wave}, Actions{Delete: true})}}
	var past []cmkit.Mention
	at := t0
	add := func(id, author, text string) {
		at = at.Add(time.Second)
		past = append(past, cmkit.Mention{ID: id, Author: cmkit.Author{ID: author}, Text: text, CreatedAt: at})
	}
	add("spam1", "bot1", guardSpam)
	for i := 0; i < 40; i++ {
		add(fmt.Sprint("o", i), fmt.Sprint("u", i), ordinary(i))
	}
	add("spam2", "bot2", guardSpam)
	for round := 0; round < 2; round++ { // each run compiles its own engines: memories start empty
		c, err := Compare(before, after, slices.Values(past), WithWaveMemory(8))
		require.NoError(t, err)
		assert.Equal(t, []RuleCount{{Rule: "wave", Fired: 0}}, c.Before.Rules)
		assert.Equal(t, []RuleCount{{Rule: "wave", Fired: 1, Examples: []string{"spam2"}}}, c.After.Rules)
		assert.Equal(t, []OutcomeChange{{Mention: "spam2", Before: "none", After: "delete", AfterRules: []string{"wave"}}}, c.Changed)

		r, err := DryRun(after, slices.Values(past), WithWaveMemory(8))
		require.NoError(t, err)
		assert.Equal(t, c.After, r)
	}
}

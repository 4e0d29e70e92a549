package kpi_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

var postDay = time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)

func post(id string, hoursAfter int, eng, imp int64) kpi.PostRecord {
	return kpi.PostRecord{Channel: "acme-x", Platform: cmkit.X, PlatformID: id, PublishedAt: postDay.Add(time.Duration(hoursAfter) * time.Hour),
		Segment: kpi.SegmentOf(acmeX), Engagements: eng, Impressions: imp}
}

func rankedIDs(ps []kpi.RankedPost) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.PlatformID)
	}
	return out
}

func TestPostKeeperRefusesBadRecords(t *testing.T) {
	k := kpi.NewPostKeeper(0, 0)
	for field, r := range map[string]kpi.PostRecord{
		"post.channel":      {PlatformID: "p", PublishedAt: postDay},
		"post.platform_id":  {Channel: "c", PublishedAt: postDay},
		"post.published_at": {Channel: "c", PlatformID: "p"},
		"post.engagements":  {Channel: "c", PlatformID: "p", PublishedAt: postDay, Impressions: -1},
	} {
		err := k.Keep(r)
		require.ErrorIs(t, err, cmkit.ErrInvalid, field)
		assert.Contains(t, err.Error(), field)
	}
	assert.Zero(t, k.Len())
}

func TestPostKeeperKeepsLatestNumbersAndDescription(t *testing.T) {
	k := kpi.NewPostKeeper(0, 0)
	first := post("p", 0, 5, 100)
	first.URL, first.Excerpt = "https://x.com/acme/p", strings.Repeat("é", 200)
	require.NoError(t, k.Keep(first))
	require.NoError(t, k.Keep(post("p", 0, 30, 600)))
	top, bottom := k.Rank(kpi.Segment{}, postDay, postDay.Add(time.Hour), 3, kpi.ByEngagements)
	require.Len(t, top, 1)
	assert.Empty(t, bottom)
	assert.Equal(t, int64(30), top[0].Engagements)
	assert.Equal(t, kpi.FigureOf(0.05), top[0].EngagementRate)
	assert.Equal(t, "https://x.com/acme/p", top[0].URL)
	assert.Equal(t, strings.Repeat("é", kpi.MaxExcerptRunes), top[0].Excerpt)
}

func TestPostKeeperRanksBySegmentPeriodAndOrder(t *testing.T) {
	k := kpi.NewPostKeeper(0, 0)
	other := post("ig", 1, 1000, 1000)
	other.Channel, other.Segment = "acme-ig", kpi.SegmentOf(acmeIG)
	for _, r := range []kpi.PostRecord{
		post("a", 0, 10, 100),  // rate 0.10
		post("b", 1, 40, 1000), // rate 0.04
		post("c", 2, 20, 0),    // no rate
		post("d", 3, 10, 50),   // rate 0.20; ties with a on engagements, later
		post("late", 48, 500, 500),
		other,
	} {
		require.NoError(t, k.Keep(r))
	}
	from, to := postDay, postDay.Add(24*time.Hour)
	top, bottom := k.Rank(kpi.SegmentOf(acmeX), from, to, 2, kpi.ByEngagements)
	assert.Equal(t, []string{"b", "c"}, rankedIDs(top))
	assert.Equal(t, []string{"d", "a"}, rankedIDs(bottom), "weakest first; a post is in one list only")
	top, bottom = k.Rank(kpi.SegmentOf(acmeX), from, to, 2, kpi.ByEngagementRate)
	assert.Equal(t, []string{"d", "a"}, rankedIDs(top))
	assert.Equal(t, []string{"b"}, rankedIDs(bottom), "c has no impressions")
	top, _ = k.Rank(kpi.Segment{Brand: "acme"}, from, to, 1, kpi.ByEngagements)
	assert.Equal(t, []string{"ig"}, rankedIDs(top))
	top, bottom = k.Rank(kpi.Segment{}, from, to, 0, kpi.ByEngagements)
	assert.Empty(t, top)
	assert.Empty(t, bottom)
}

func TestPostKeeperIsBounded(t *testing.T) {
	k := kpi.NewPostKeeper(3, 48*time.Hour)
	assert.Equal(t, 3, k.MaxPosts())
	for i, id := range []string{"b", "c", "d"} {
		require.NoError(t, k.Keep(post(id, i+1, 1, 1)))
	}
	require.NoError(t, k.Keep(post("a", 0, 1, 1)), "earlier than every kept post: dropped")
	require.NoError(t, k.Keep(post("e", 4, 1, 1)), "drops b, the earliest")
	require.NoError(t, k.Keep(post("c", 2, 9, 9)), "an update never drops")
	assert.Equal(t, 3, k.Len())
	top, bottom := k.Rank(kpi.Segment{}, postDay, postDay.Add(time.Hour*24), 2, kpi.ByEngagements)
	assert.Equal(t, []string{"c", "d"}, rankedIDs(top))
	assert.Equal(t, []string{"e"}, rankedIDs(bottom))
	assert.Equal(t, 2, k.Prune(postDay.Add(51*time.Hour+30*time.Minute)), "c and d were published more than 48 h before")
	assert.Equal(t, 1, k.Len())
}

func TestPostKeeperIsSafeForConcurrentUse(t *testing.T) {
	k := kpi.NewPostKeeper(50, 0)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				require.NoError(t, k.Keep(post(string(rune('a'+g))+strings.Repeat("x", i%60), i%60, int64(i), 10)))
				k.Rank(kpi.Segment{}, postDay, postDay.Add(100*time.Hour), 3, kpi.ByEngagementRate)
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, k.Len(), 50)
}

package inbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/inbox"
)

// igVoice makes a comment by author with followers and reactions, at
// ingestT0 less ago.
func igVoice(ch, id, author, lang string, followers, reactions int64, ago time.Duration) cmkit.Mention {
	m := igMention(ch, id, cmkit.KindComment, author, "I love it, a great product")
	m.Language, m.Author.Followers, m.Reactions, m.CreatedAt = lang, followers, reactions, ingestT0.Add(-ago)
	return m
}

// igLeadersEnv: scores worked out by hand from the formula of Leaders.
//
//	ann  reach 1+log10(1000)=4    engagement 2+2·log10(1+99)=6  recency 1    mark 1         24
//	cy   reach 1+log10(100000)=6  engagement 1+2·log10(1+9)=3   recency 0.5  mark 1+1/1=2   18 (30 days ago; the rules mark 10,000+ followers)
//	dan  reach 1+log10(10)=2      engagement 1                  recency 1    mark 1          2
//	bob  reach 2                  engagement 1                  recency 1    mark 1          2 (a tie with dan: same mentions, then by person)
//	eve  reach 1                  engagement 1                  recency 1    mark 1          1
func igLeadersEnv(t *testing.T) *ingestEnv {
	env := newIngestEnv(t)
	env.push(igVoice(igES, "a1", "ann", "en", 999, 40, 0), igVoice(igES, "a2", "ann", "en", 999, 59, 0),
		igVoice(igES, "c1", "cy", "es-MX", 99999, 9, 30*24*time.Hour),
		igVoice(igPL, "b1", "bob", "pl", 9, 0, 0), igVoice(igES, "d1", "dan", "en", 9, 0, 0),
		igVoice(igES, "e1", "eve", "en", 0, 0, 0))
	return env
}

func igScores(ls []inbox.Leader) []string {
	var out []string
	for _, l := range ls {
		out = append(out, fmt.Sprintf("%s %.4g", l.Author.ID, l.Score))
	}
	return out
}

func TestLeadersRankByReachEngagementAndRecency(t *testing.T) {
	env := igLeadersEnv(t)
	ls, err := env.ib.Leaders(env.as("sam"), inbox.LeaderQuery{Brand: "acme"})
	require.NoError(t, err)
	assert.Equal(t, []string{"ann 24", "cy 18", "dan 2", "bob 2", "eve 1"}, igScores(ls))

	ann := ls[0]
	assert.Equal(t, igES+"/ann", ann.Person)
	assert.InDelta(t, 4, ann.Reach, 1e-12)
	assert.InDelta(t, 6, ann.Engagement, 1e-12)
	assert.InDelta(t, 1, ann.Recency, 1e-12)
	assert.InDelta(t, 1, ann.Mark, 1e-12)
	assert.Equal(t, 2, ann.Mentions)
	assert.Equal(t, int64(99), ann.Reactions)
	assert.Equal(t, []string{igES + "/a1", igES + "/a2"}, ann.Evidence)
	assert.Equal(t, map[string]int{"en": 2}, ann.Languages)
	assert.Equal(t, ingestT0, ann.LastAt)
	rec, err := env.mem.Author(env.ctx, "acme", igES+"/ann")
	require.NoError(t, err)
	require.Equal(t, 2, rec.Scored)
	assert.Equal(t, rec.Scored, ann.Scored)
	assert.InDelta(t, rec.Sentiment/2, ann.Sentiment, 1e-12, "the mean sentiment")
	assert.Greater(t, ann.Sentiment, 0.0, "she likes it")

	cy := ls[1]
	assert.Equal(t, 1, cy.Marked)
	assert.InDelta(t, 2, cy.Mark, 1e-12)
	assert.InDelta(t, 0.5, cy.Recency, 1e-12)

	for _, tc := range []struct {
		name   string
		member string
		q      inbox.LeaderQuery
		want   []string
	}{
		{"a regional tag counts for its language", "sam", inbox.LeaderQuery{Brand: "acme", Language: "es"}, []string{"cy 18"}},
		{"a language", "sam", inbox.LeaderQuery{Brand: "acme", Language: "PL"}, []string{"bob 2"}},
		{"since", "sam", inbox.LeaderQuery{Brand: "acme", Since: ingestT0.Add(-24 * time.Hour)}, []string{"ann 24", "dan 2", "bob 2", "eve 1"}},
		{"limit", "sam", inbox.LeaderQuery{Brand: "acme", Limit: 2}, []string{"ann 24", "cy 18"}},
		{"half-life", "sam", inbox.LeaderQuery{Brand: "acme", HalfLife: 15 * 24 * time.Hour, Limit: 2}, []string{"ann 24", "cy 9"}},
		{"another brand", "sam", inbox.LeaderQuery{Brand: "rival"}, nil},
		{"what the member may read", "ana", inbox.LeaderQuery{Brand: "acme"}, []string{"ann 24", "cy 18", "dan 2", "eve 1"}},
		{"nothing to read", "pat", inbox.LeaderQuery{Brand: "acme"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls, err := env.ib.Leaders(env.as(tc.member), tc.q)
			require.NoError(t, err)
			assert.Equal(t, tc.want, igScores(ls))
		})
	}

	env.clock.Advance(30 * 24 * time.Hour)
	ls, err = env.ib.Leaders(env.as("sam"), inbox.LeaderQuery{Brand: "acme", Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"ann 12", "cy 9"}, igScores(ls), "a month later everyone has halved")
}

func TestLeadersRefuseBadQueries(t *testing.T) {
	env := igLeadersEnv(t)
	for _, tc := range []struct {
		q     inbox.LeaderQuery
		field string
	}{
		{inbox.LeaderQuery{}, "LeaderQuery.Brand"},
		{inbox.LeaderQuery{Brand: "acme", Limit: -1}, "LeaderQuery.Limit"},
		{inbox.LeaderQuery{Brand: "acme", Limit: 1001}, "LeaderQuery.Limit"},
		{inbox.LeaderQuery{Brand: "acme", HalfLife: -time.Hour}, "LeaderQuery.HalfLife"},
	} {
		_, err := env.ib.Leaders(env.as("sam"), tc.q)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tc.field, ve.Field)
	}
	_, err := env.ib.Leaders(env.ctx, inbox.LeaderQuery{Brand: "acme"})
	require.ErrorIs(t, err, cmkit.ErrForbidden)
}

func TestAuthorRecordsKeepTheLatestEvidence(t *testing.T) {
	env := newIngestEnv(t)
	for i := range 7 {
		env.clock.Advance(time.Minute)
		m := igVoice(igES, fmt.Sprint("m", i), "ann", "en", 10, 1, 0)
		m.CreatedAt = env.clock.Now()
		env.push(m)
	}
	rec, err := env.mem.Author(env.ctx, "acme", igES+"/ann")
	require.NoError(t, err)
	assert.Equal(t, 7, rec.Mentions)
	assert.Equal(t, int64(7), rec.Reactions)
	assert.Equal(t, []string{igES + "/m2", igES + "/m3", igES + "/m4", igES + "/m5", igES + "/m6"}, rec.Evidence)
	assert.Equal(t, ingestT0.Add(time.Minute), rec.FirstAt)
	assert.Equal(t, ingestT0.Add(7*time.Minute), rec.LastAt)
	assert.Equal(t, igES, rec.Channel)
	assert.Equal(t, cmkit.Facebook, rec.Platform)
	igCheckStore(t, env.mem, igPerson)
}

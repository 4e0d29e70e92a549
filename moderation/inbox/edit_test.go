package inbox_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/inbox"
)

// igEdited returns m as edited at ingestT0+after, saying text.
func igEdited(m cmkit.Mention, text string, after time.Duration) cmkit.Mention {
	m.Text, m.EditedAt = text, ingestT0.Add(after)
	return m
}

func TestAnEditThatTurnsCleanTextIntoAbuseIsHidden(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "troll", "Great product, love it")
	orig.Reactions = 3
	_, err := env.fakes[igES].Feed(orig)
	require.NoError(t, err)
	_, err = env.ib.Pull(env.ctx, igES)
	require.NoError(t, err)
	m, c := env.item(igES, "1")
	require.False(t, m.Triage.Hide)
	assert.Equal(t, inbox.StatusNew, c.Status)
	assert.Equal(t, []inbox.InboxEventKind{inbox.EventIngested}, env.eventKinds())

	env.clock.Advance(time.Minute)
	edited := igEdited(orig, "you idiots", time.Minute)
	edited.Reactions = 5
	env.push(edited)
	m, c = env.item(igES, "1")
	assert.Equal(t, "you idiots", m.Mention.Text)
	assert.True(t, m.Triage.Hide)
	require.Len(t, m.Edits, 1)
	assert.Equal(t, "Great product, love it", m.Edits[0].Text)
	assert.True(t, m.Edits[0].EditedAt.IsZero(), "the original has no edit time")
	assert.False(t, m.Edits[0].Triage.Hide, "the old version keeps its own triage")
	assert.Equal(t, inbox.ModAction{Do: "hide", Delivery: inbox.DeliverySent, Attempts: 1}, m.Action)
	assert.True(t, env.fakes[igES].Hidden("1"), "hidden on the platform")
	assert.Equal(t, inbox.StatusHidden, c.Status, "its only message is abuse now")
	assert.Equal(t, []string{"insult"}, c.Labels)
	assert.Equal(t, 1, c.Messages, "an edit is not a new message")
	assert.Equal(t, []inbox.InboxEventKind{inbox.EventEdited, inbox.EventHidden}, env.eventKinds())
	var kinds []inbox.ActivityKind
	for _, a := range env.acts(c.ID) {
		kinds = append(kinds, a.Kind)
	}
	assert.Equal(t, []inbox.ActivityKind{inbox.ActivityIngested, inbox.ActivityStatus, inbox.ActivityModerate,
		inbox.ActivityEdited, inbox.ActivityModerate}, kinds)
	assert.Equal(t, inbox.IngestCounts{Ingested: 1, Edited: 1, ActionsSent: 1}, env.ib.IngestCounts())
	rec, err := env.mem.Author(env.ctx, "acme", igES+"/troll")
	require.NoError(t, err)
	assert.Equal(t, 1, rec.Mentions)
	assert.Equal(t, int64(5), rec.Reactions, "the edit's reactions replace the old ones")
	igCheckStore(t, env.mem, igPerson)
}

func TestAnEditInALongerConversationKeepsItsStatus(t *testing.T) {
	env := newIngestEnv(t)
	first := igMention(igES, "1", cmkit.KindDirectMessage, "ann", "hello")
	second := igMention(igES, "2", cmkit.KindDirectMessage, "ann", "are you there?")
	env.push(first, second)
	env.push(igEdited(first, "hello, idiots", time.Minute))
	m, c := env.item(igES, "1")
	assert.True(t, m.Triage.Hide)
	assert.Equal(t, inbox.StatusNew, c.Status)
	assert.False(t, c.Triage.Hide, "the conversation's triage is its latest message's")
	assert.Equal(t, "hide", m.Action.Do)
}

func TestOlderAndEqualVersionsAreDuplicates(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "ann", "first words")
	v2 := igEdited(orig, "second words", 2*time.Minute)
	env.push(orig, v2)
	m1, c1 := env.item(igES, "1")
	for _, late := range []cmkit.Mention{orig, v2, igEdited(orig, "stale words", time.Minute), igEdited(orig, "same time", 2*time.Minute)} {
		env.push(late)
	}
	m2, c2 := env.item(igES, "1")
	assert.Equal(t, m1, m2, "nothing changed")
	assert.Equal(t, c1.Version, c2.Version)
	assert.Equal(t, "second words", m2.Mention.Text)
	assert.Equal(t, inbox.IngestCounts{Ingested: 1, Edited: 1, Duplicates: 4}, env.ib.IngestCounts())
}

func TestEditsKeepEveryVersionInOrder(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "ann", "v1")
	env.push(orig, igEdited(orig, "v2", time.Minute))
	env.push(igEdited(orig, "v4", 3*time.Minute), igEdited(orig, "v3", 2*time.Minute))
	m, _ := env.item(igES, "1")
	assert.Equal(t, "v4", m.Mention.Text)
	require.Len(t, m.Edits, 2, "v3 came after v4 and changed nothing")
	assert.Equal(t, "v1", m.Edits[0].Text)
	assert.Equal(t, "v2", m.Edits[1].Text)
	assert.Equal(t, ingestT0.Add(time.Minute), m.Edits[1].EditedAt)
}

func TestAnEditIntoAComplaintIsRouted(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "ann", "ok")
	env.push(orig)
	env.push(igEdited(orig, "terrible, I want a refund", time.Minute))
	_, c := env.item(igES, "1")
	assert.Equal(t, inbox.StatusEscalated, c.Status)
	assert.Equal(t, inbox.HandoffPending, c.Handoff.Status)
	assert.Equal(t, 2, c.Priority)
	assert.Equal(t, "care", c.Queue)
}

func TestAnEditOfAHiddenMessageActsOnce(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "troll", "idiots")
	_, err := env.fakes[igES].Feed(orig)
	require.NoError(t, err)
	_, err = env.ib.Pull(env.ctx, igES)
	require.NoError(t, err)
	env.push(igEdited(orig, "morons and idiots", time.Minute))
	m, _ := env.item(igES, "1")
	assert.Equal(t, inbox.DeliverySent, m.Action.Delivery)
	assert.Equal(t, 1, m.Action.Attempts)
	assert.Equal(t, uint64(1), env.ib.IngestCounts().ActionsSent)
}

// Regression (found by FuzzIngest): a delivery of a known item with a
// later EditedAt and another author moved the message to the other
// author without moving its count, and the author records no longer
// matched the messages.
func TestRegressionAnEditKeepsTheAuthor(t *testing.T) {
	env := newIngestEnv(t)
	orig := igMention(igES, "1", cmkit.KindComment, "ann", "hello")
	forged := igEdited(orig, "I hate you all, idiots", time.Minute)
	forged.Author = cmkit.Author{ID: "bob", Handle: "bob"}
	env.push(orig, forged)
	m, c := env.item(igES, "1")
	assert.Equal(t, "ann", m.Mention.Author.ID)
	assert.Equal(t, "I hate you all, idiots", m.Mention.Text)
	assert.Equal(t, igES+"/ann", c.Person)
	_, err := env.mem.Author(env.ctx, "acme", igES+"/bob")
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	igCheckStore(t, env.mem, igPerson)
}

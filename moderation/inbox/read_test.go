package inbox_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// igReadEnv has a Spanish DM conversation of two messages, a Polish
// comment and a Spanish comment, all by people linked as "person:ann",
// and a Polish one by bob.
func igReadEnv(t *testing.T) *ingestEnv {
	env := newIngestEnv(t, inbox.WithIdentity(func(channel, author string) string {
		if author == "ann" {
			return "person:ann"
		}
		return ""
	}))
	env.push(igMention(igES, "d1", cmkit.KindDirectMessage, "ann", "hola"))
	env.push(igMention(igPL, "c1", cmkit.KindComment, "ann", "cześć"))
	env.push(igMention(igES, "d2", cmkit.KindDirectMessage, "ann", "¿hay alguien?"))
	env.push(igMention(igPL, "c2", cmkit.KindComment, "bob", "hej"))
	env.push(igMention(igES, "c3", cmkit.KindComment, "ann", "otra cosa"))
	return env
}

func TestReadingAConversationIsAuthorized(t *testing.T) {
	env := igReadEnv(t)
	_, es := env.item(igES, "d1")
	c, err := env.ib.Conversation(env.as("ana"), es.ID)
	require.NoError(t, err)
	assert.Equal(t, es, c)

	var texts []string
	for m, err := range env.ib.Messages(env.as("ana"), es.ID) {
		require.NoError(t, err)
		texts = append(texts, m.Mention.Text)
	}
	assert.Equal(t, []string{"hola", "¿hay alguien?"}, texts)
	var acts []inbox.ActivityKind
	for a, err := range env.ib.Activities(env.as("sam"), es.ID) {
		require.NoError(t, err)
		assert.Equal(t, es.ID, a.Conversation)
		acts = append(acts, a.Kind)
	}
	assert.Equal(t, []inbox.ActivityKind{inbox.ActivityIngested}, acts, "the conversation started; its second message is a message")

	for _, tc := range []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"another country", env.as("ola"), "ola may not inbox.read on brand=acme channel=acme-es-fb country=ES"},
		{"no grants", env.as("pat"), "pat may not inbox.read"},
		{"no acting member", env.ctx, "no acting member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.ib.Conversation(tc.ctx, es.ID)
			require.ErrorIs(t, err, cmkit.ErrForbidden)
			assert.Contains(t, err.Error(), tc.want)
			for _, err := range env.ib.Messages(tc.ctx, es.ID) {
				require.ErrorIs(t, err, cmkit.ErrForbidden)
			}
			for _, err := range env.ib.Activities(tc.ctx, es.ID) {
				require.ErrorIs(t, err, cmkit.ErrForbidden)
			}
		})
	}
	audited := func() int {
		n := 0
		for _, err := range env.dir.AuditLog().Records(env.ctx, roles.AuditFilter{}) {
			require.NoError(t, err)
			n++
		}
		return n
	}
	before := audited()
	for _, err := range env.ib.Conversations(env.as("ana"), inbox.Filter{}) {
		require.NoError(t, err)
	}
	assert.Equal(t, before, audited(), "a listing's checks are not audited one by one")
	_, err = env.ib.Conversation(env.as("ana"), es.ID)
	require.NoError(t, err)
	assert.Equal(t, before+1, audited(), "opening one is")

	var fe *roles.ForbiddenError
	_, err = env.ib.Conversation(env.as("ola"), es.ID)
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, roles.ReadInbox, fe.Decision.Permission)

	_, err = env.ib.Conversation(env.as("sam"), uuid.Must(uuid.NewV7()))
	require.ErrorIs(t, err, cmkit.ErrNotFound)
}

// igList collects a listing's conversations by their first item.
func igList(t *testing.T, env *ingestEnv, seq func(yield func(inbox.Conversation, error) bool)) []string {
	t.Helper()
	var out []string
	for c, err := range seq {
		require.NoError(t, err)
		ms := env.msgs(c.ID)
		out = append(out, ms[0].Mention.ChannelID+"/"+ms[0].Mention.ID)
	}
	return out
}

func TestConversationsListsWhatTheMemberMayRead(t *testing.T) {
	env := igReadEnv(t)
	all := []string{igES + "/d1", igPL + "/c1", igPL + "/c2", igES + "/c3"}
	assert.Equal(t, all, igList(t, env, env.ib.Conversations(env.as("sam"), inbox.Filter{})), "oldest first")
	assert.Equal(t, []string{igES + "/d1", igES + "/c3"}, igList(t, env, env.ib.Conversations(env.as("ana"), inbox.Filter{})))
	assert.Equal(t, []string{igPL + "/c1", igPL + "/c2"}, igList(t, env, env.ib.Conversations(env.as("ola"), inbox.Filter{})))
	assert.Empty(t, igList(t, env, env.ib.Conversations(env.as("pat"), inbox.Filter{})))
	assert.Equal(t, []string{igPL + "/c2"}, igList(t, env, env.ib.Conversations(env.as("sam"),
		inbox.Filter{Channel: igPL, Person: igPL + "/bob"})))

	n := 0
	for range env.ib.Conversations(env.as("sam"), inbox.Filter{}) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n, "stopping early is allowed")

	for _, tc := range []struct {
		name  string
		ctx   context.Context
		f     inbox.Filter
		class error
	}{
		{"no acting member", env.ctx, inbox.Filter{}, cmkit.ErrForbidden},
		{"unknown status", env.as("sam"), inbox.Filter{Statuses: []inbox.Status{inbox.StatusOpen, "closed"}}, cmkit.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []error
			for c, err := range env.ib.Conversations(tc.ctx, tc.f) {
				assert.Zero(t, c)
				errs = append(errs, err)
			}
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], tc.class)
		})
	}
	var ve *cmkit.ValidationError
	for _, err := range env.ib.Conversations(env.as("sam"), inbox.Filter{Statuses: []inbox.Status{inbox.StatusOpen, "closed"}}) {
		require.True(t, errors.As(err, &ve))
	}
	assert.Equal(t, "Filter.Statuses[1]", ve.Field)
}

func TestHistoryFollowsAPersonAcrossChannels(t *testing.T) {
	env := igReadEnv(t)
	assert.Equal(t, []string{igES + "/d1", igPL + "/c1", igES + "/c3"}, igList(t, env, env.ib.History(env.as("sam"), "person:ann")))
	assert.Equal(t, []string{igES + "/d1", igES + "/c3"}, igList(t, env, env.ib.History(env.as("ana"), "person:ann")),
		"what the member may not read is left out")
	assert.Empty(t, igList(t, env, env.ib.History(env.as("sam"), "person:nobody")))
	for _, err := range env.ib.History(env.as("sam"), "") {
		require.ErrorIs(t, err, cmkit.ErrInvalid)
	}
}

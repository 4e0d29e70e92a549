package inbox_test

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// igPartition returns the items of each conversation ("<channel>/<ID>",
// sorted), the conversations sorted by their first item.
func igPartition(env *ingestEnv) [][]string {
	var out [][]string
	for _, c := range env.convs() {
		var ids []string
		for _, m := range env.msgs(c.ID) {
			if m.Direction == inbox.Inbound {
				ids = append(ids, strings.TrimPrefix(m.Mention.ChannelID+"/"+m.Mention.ID, igES+"/"))
			}
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}

func igWith(m cmkit.Mention, f func(m *cmkit.Mention)) cmkit.Mention {
	f(&m)
	return m
}

func TestGrouping(t *testing.T) {
	comment := func(id, author, inReplyTo, thread string) cmkit.Mention {
		return igWith(igMention(igES, id, cmkit.KindComment, author, "nice"), func(m *cmkit.Mention) {
			m.InReplyTo, m.ThreadID = inReplyTo, thread
		})
	}
	reply := func(id, parent, thread string) cmkit.Mention {
		return igWith(igReply(igES, id, parent, "bob", "indeed"), func(m *cmkit.Mention) { m.ThreadID = thread })
	}
	dm := func(ch, id, author string) cmkit.Mention {
		return igMention(ch, id, cmkit.KindDirectMessage, author, "hello")
	}
	for _, tc := range []struct {
		name   string
		pushes [][]cmkit.Mention // each one Push
		want   [][]string
	}{
		{"replies join their parent, in order",
			[][]cmkit.Mention{{comment("r", "ann", "post", "")}, {reply("a", "r", "")}, {reply("b", "a", "")}},
			[][]string{{"a", "b", "r"}}},
		{"one push holding a thread in order",
			[][]cmkit.Mention{{comment("r", "ann", "post", ""), reply("a", "r", ""), reply("b", "a", "")}},
			[][]string{{"a", "b", "r"}}},
		{"a reply before its parent binds the parent",
			[][]cmkit.Mention{{reply("a", "r", "")}, {comment("r", "ann", "post", "")}},
			[][]string{{"a", "r"}}},
		{"siblings before their parent",
			[][]cmkit.Mention{{reply("a", "r", "")}, {reply("b", "r", "")}, {comment("r", "ann", "post", "")}},
			[][]string{{"a", "b", "r"}}},
		{"a parent that came late takes its later replies that name it as thread",
			[][]cmkit.Mention{{reply("a", "r", "")}, {comment("r", "ann", "post", "")}, {reply("c", "x", "r")}},
			[][]string{{"a", "c", "r"}}},
		{"the thread ID groups a chain delivered bottom-up",
			[][]cmkit.Mention{{reply("b", "a", "r")}, {reply("a", "r", "r")}, {comment("r", "ann", "post", "")}},
			[][]string{{"a", "b", "r"}}},
		{"a mention answering a mention not seen yet",
			[][]cmkit.Mention{{igWith(igMention(igES, "m2", cmkit.KindMention, "bob", "@acme yes"), func(m *cmkit.Mention) { m.InReplyTo = "m1" })},
				{igMention(igES, "m1", cmkit.KindMention, "ann", "@acme hi")}},
			[][]string{{"m1", "m2"}}},
		{"comments on one post stay apart",
			[][]cmkit.Mention{{comment("c1", "ann", "post", ""), comment("c2", "bob", "post", "")}, {comment("c3", "cy", "post", "")}},
			[][]string{{"c1"}, {"c2"}, {"c3"}}},
		{"comments whose thread is the post stay apart",
			[][]cmkit.Mention{{comment("c1", "ann", "post", "post"), comment("c2", "bob", "post", "post")}},
			[][]string{{"c1"}, {"c2"}}},
		{"a comment before a comment on the same post binds nothing",
			[][]cmkit.Mention{{comment("c2", "bob", "c1", "")}, {comment("c1", "ann", "post", "")}},
			[][]string{{"c1"}, {"c2"}}},
		{"a nested comment joins its top comment",
			[][]cmkit.Mention{{comment("c1", "ann", "post", "")}, {comment("c2", "bob", "c1", "c1")}, {comment("c3", "cy", "c2", "c1")}},
			[][]string{{"c1", "c2", "c3"}}},
		{"direct messages by author",
			[][]cmkit.Mention{{dm(igES, "d1", "ann"), dm(igES, "d2", "bob")}, {dm(igES, "d3", "ann")}},
			[][]string{{"d1", "d3"}, {"d2"}}},
		{"direct messages by channel",
			[][]cmkit.Mention{{dm(igES, "d1", "ann"), dm(igPL, "d2", "ann")}},
			[][]string{{"acme-pl-ig/d2"}, {"d1"}}},
		{"a direct message does not join a thread",
			[][]cmkit.Mention{{comment("r", "ann", "post", ""), igWith(dm(igES, "d", "ann"), func(m *cmkit.Mention) { m.InReplyTo = "r" })}},
			[][]string{{"d"}, {"r"}}},
		{"one ID on two channels is two items",
			[][]cmkit.Mention{{comment("r", "ann", "post", ""), igMention(igPL, "r", cmkit.KindComment, "ann", "hi")}},
			[][]string{{"acme-pl-ig/r"}, {"r"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newIngestEnv(t)
			for _, p := range tc.pushes {
				env.push(p...)
			}
			assert.Equal(t, tc.want, igPartition(env))
			igCheckStore(t, env.mem, igPerson)
		})
	}
}

func TestGroupingKindsAndKeys(t *testing.T) {
	env := newIngestEnv(t)
	env.push(igMention(igES, "d1", cmkit.KindDirectMessage, "ann", "hello"),
		igMention(igES, "r", cmkit.KindComment, "bob", "hi"),
		igWith(igReply(igES, "a", "r", "cy", "yo"), func(m *cmkit.Mention) { m.ThreadID = "t9" }))
	_, dmc := env.item(igES, "d1")
	assert.Equal(t, inbox.KindDirect, dmc.Kind)
	assert.Equal(t, "dm/"+igES+"/ann", dmc.Key)
	_, th := env.item(igES, "r")
	assert.Equal(t, inbox.KindThread, th.Kind)
	assert.Equal(t, "thread/"+igES+"/r", th.Key)
	for _, key := range []string{"dm/" + igES + "/ann", "thread/" + igES + "/r", "thread/" + igES + "/t9"} {
		ref, err := env.mem.Lookup(env.ctx, key)
		require.NoError(t, err, key)
		assert.Equal(t, uuid.Nil, ref.Message, "%s binds a conversation, not a message", key)
	}
	ref, err := env.mem.Lookup(env.ctx, "thread/"+igES+"/t9")
	require.NoError(t, err)
	assert.Equal(t, th.ID, ref.Conversation, "a reply's thread joins the conversation it joined")
	_, err = env.mem.Lookup(env.ctx, "parent/"+igES+"/r")
	assert.ErrorIs(t, err, cmkit.ErrNotFound, "a reply to a stored item binds no parent")
}

func TestAReplyToTheBrandsAnswerJoinsItsConversation(t *testing.T) {
	env := newIngestEnv(t)
	env.push(igMention(igES, "q", cmkit.KindComment, "ann", "Is it waterproof?"))
	_, c := env.item(igES, "q")
	// The team's answer, as the reply code stores it: an outbound message
	// bound by its own item key.
	id := uuid.Must(uuid.NewV7())
	c.Messages++
	ans := inbox.Message{ID: id, Conversation: c.ID, Seq: c.Messages, Direction: inbox.Outbound, By: "bea",
		Mention: cmkit.Mention{ID: "ans1", ChannelID: igES, Text: "Yes, to 30 m."}, Delivery: inbox.DeliverySent, ReceivedAt: ingestT0}
	require.NoError(t, env.mem.Commit(env.ctx, inbox.Write{Conversations: []inbox.Conversation{c}, Messages: []inbox.Message{ans},
		Keys: []inbox.Key{{Name: "item/" + igES + "/ans1", Ref: inbox.Ref{Conversation: c.ID, Message: id}}}}))
	env.setStatus(c.ID, inbox.StatusReplied)

	env.push(igReply(igES, "r", "ans1", "ann", "Thanks!"))
	m, c2 := env.item(igES, "r")
	assert.Equal(t, c.ID, c2.ID)
	assert.Equal(t, 3, m.Seq)
	assert.Equal(t, inbox.StatusOpen, c2.Status, "the customer wrote again")

	// The platform delivering the brand's own answer is a duplicate, even
	// with an EditedAt.
	env.push(igWith(igMention(igES, "ans1", cmkit.KindReply, "acme", "edited?"), func(m *cmkit.Mention) { m.EditedAt = ingestT0.Add(time.Hour) }))
	assert.Equal(t, uint64(1), env.ib.IngestCounts().Duplicates)
	got, err := env.mem.Message(env.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Yes, to 30 m.", got.Mention.Text)
}

func TestNewMessagesReopen(t *testing.T) {
	for _, tc := range []struct {
		from inbox.Status
		text string
		want inbox.Status
	}{
		{inbox.StatusResolved, "one more question", inbox.StatusOpen},
		{inbox.StatusWaiting, "here is my order number", inbox.StatusOpen},
		{inbox.StatusReplied, "thanks, but", inbox.StatusOpen},
		{inbox.StatusHidden, "sorry about that", inbox.StatusOpen},
		{inbox.StatusHidden, "you idiot", inbox.StatusHidden},
		{inbox.StatusNew, "hello again", inbox.StatusNew},
		{inbox.StatusOpen, "hello again", inbox.StatusOpen},
		{inbox.StatusEscalated, "any news?", inbox.StatusEscalated},
		{inbox.StatusResolved, "terrible, I want a refund", inbox.StatusEscalated},
	} {
		t.Run(string(tc.from)+"/"+tc.text, func(t *testing.T) {
			env := newIngestEnv(t)
			env.push(igMention(igES, "d1", cmkit.KindDirectMessage, "ann", "hello"))
			_, c := env.item(igES, "d1")
			env.setStatus(c.ID, tc.from)
			resolvedAt := env.clock.Now()
			if tc.from == inbox.StatusResolved {
				c, _ := env.mem.Conversation(env.ctx, c.ID)
				c.ResolvedAt = resolvedAt
				require.NoError(t, env.mem.Commit(env.ctx, inbox.Write{Conversations: []inbox.Conversation{c}}))
			}
			env.clock.Advance(time.Hour)
			env.push(igMention(igES, "d2", cmkit.KindDirectMessage, "ann", tc.text))
			_, c = env.item(igES, "d2")
			assert.Equal(t, tc.want, c.Status)
			if tc.want == inbox.StatusOpen && tc.from != tc.want {
				assert.True(t, c.ResolvedAt.IsZero())
				acts := env.acts(c.ID)
				last := acts[len(acts)-1]
				assert.Equal(t, inbox.ActivityStatus, last.Kind)
				assert.Equal(t, string(tc.from)+" → open", last.Text)
			}
		})
	}
}

func TestConversationFieldsFollowTheRules(t *testing.T) {
	env := newIngestEnv(t)
	env.push(igWith(igMention(igES, "1", cmkit.KindDirectMessage, "ann", "hello there"), func(m *cmkit.Mention) {
		m.CreatedAt = ingestT0.Add(-time.Hour)
	}))
	_, c := env.item(igES, "1")
	assert.Equal(t, inbox.StatusNew, c.Status)
	assert.Equal(t, igES+"/ann", c.Person)
	assert.Equal(t, roles.Resource{Brand: "acme", Channel: igES, Country: "ES"}, c.Resource)
	assert.Equal(t, ingestT0.Add(-time.Hour), c.AwaitingSince)
	assert.Equal(t, ingestT0.Add(-time.Hour), c.FirstInboundAt)
	assert.Equal(t, "en", c.Language)
	assert.Zero(t, c.Priority)
	assert.Empty(t, c.Labels)
	assert.Zero(t, c.Handoff)

	env.clock.Advance(time.Minute)
	env.push(igMention(igES, "2", cmkit.KindDirectMessage, "ann", "terrible service, you idiots, I want a refund"))
	_, c = env.item(igES, "2")
	assert.Equal(t, 2, c.Priority)
	assert.Equal(t, "care", c.Queue)
	assert.Equal(t, []string{"complaint", "insult"}, c.Labels, "sorted, each once")
	assert.Equal(t, inbox.StatusEscalated, c.Status)
	assert.Equal(t, inbox.HandoffState{Status: inbox.HandoffPending, Key: "conversation/" + c.ID.String(), NextAt: env.clock.Now(),
		Reason: "routed to customer service by rule insults, complaint"}, c.Handoff, "the ticket says which rules routed it")
	assert.Equal(t, ingestT0.Add(-time.Hour), c.AwaitingSince, "the oldest message owed")
	assert.True(t, c.Triage.Support)
	assert.Equal(t, []string{"insult", "complaint"}, c.Triage.Flags, "the latest triage, as the rules fired")

	// A later, calmer message keeps priority, queue and labels.
	env.push(igWith(igMention(igES, "3", cmkit.KindDirectMessage, "ann", "hola, ¿alguna novedad?"), func(m *cmkit.Mention) {
		m.Language = "es"
		m.CreatedAt = ingestT0.Add(48 * time.Hour) // in the future: clamped
	}))
	_, c = env.item(igES, "3")
	assert.Equal(t, 2, c.Priority)
	assert.Equal(t, "care", c.Queue)
	assert.Equal(t, []string{"complaint", "insult"}, c.Labels)
	assert.Equal(t, "es", c.Language)
	assert.False(t, c.Triage.Support)

	// Handed off and done: a new message updates the ticket.
	c.Handoff.Status, c.Handoff.Ref = inbox.HandoffDone, "T-1"
	require.NoError(t, env.mem.Commit(env.ctx, inbox.Write{Conversations: []inbox.Conversation{c}}))
	env.clock.Advance(time.Minute)
	env.push(igMention(igES, "4", cmkit.KindDirectMessage, "ann", "still waiting"))
	_, c = env.item(igES, "4")
	assert.Equal(t, inbox.HandoffPending, c.Handoff.Status)
	assert.Equal(t, "T-1", c.Handoff.Ref)
	assert.Equal(t, env.clock.Now(), c.Handoff.NextAt)

	// A new conversation: its clamped time is now, and a zero time too.
	env.push(igWith(igMention(igES, "5", cmkit.KindComment, "bob", "hi"), func(m *cmkit.Mention) { m.CreatedAt = time.Time{} }),
		igWith(igMention(igES, "6", cmkit.KindComment, "cy", "hi"), func(m *cmkit.Mention) { m.CreatedAt = ingestT0.Add(time.Hour * 99) }))
	for _, id := range []string{"5", "6"} {
		_, c := env.item(igES, id)
		assert.Equal(t, env.clock.Now(), c.AwaitingSince, id)
		assert.Equal(t, env.clock.Now(), c.FirstInboundAt, id)
	}
}

func TestANewConversationTheRulesHideIsHidden(t *testing.T) {
	env := newIngestEnv(t)
	env.push(igMention(igES, "1", cmkit.KindComment, "troll", "you idiots"),
		igMention(igES, "2", cmkit.KindComment, "bot", "click here for free followers"),
		igMention(igES, "3", cmkit.KindComment, "ann", "this is terrible, idiots"))
	for _, id := range []string{"1", "2"} {
		_, c := env.item(igES, id)
		assert.Equal(t, inbox.StatusHidden, c.Status, id)
	}
	_, c := env.item(igES, "3")
	assert.Equal(t, inbox.StatusHidden, c.Status, "hidden wins over escalated")
	assert.Equal(t, inbox.HandoffPending, c.Handoff.Status, "the complaint still goes to customer service")
}

func TestIdentityLinksPeopleAcrossChannels(t *testing.T) {
	env := newIngestEnv(t, inbox.WithIdentity(func(channel, author string) string {
		if author == "ann" || author == "ann_pl" {
			return "person:ann"
		}
		return "" // unknown: the default
	}))
	env.push(igMention(igES, "1", cmkit.KindComment, "ann", "hi"), igMention(igPL, "1", cmkit.KindComment, "ann_pl", "cześć"),
		igMention(igPL, "2", cmkit.KindComment, "bob", "hej"))
	_, c1 := env.item(igES, "1")
	_, c2 := env.item(igPL, "1")
	_, c3 := env.item(igPL, "2")
	assert.Equal(t, "person:ann", c1.Person)
	assert.Equal(t, "person:ann", c2.Person)
	assert.Equal(t, igPL+"/bob", c3.Person, "an identity function that does not know falls back")
	rec, err := env.mem.Author(env.ctx, "acme", "person:ann")
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Mentions)
}

// Regression: a reply that joined its conversation by its thread bound
// the key of its parent (not seen yet) although a sibling had bound it to
// another conversation, and every write of the page conflicted forever.
func TestRegressionAParentKeyBoundElsewhereIsLeftAlone(t *testing.T) {
	env := newIngestEnv(t)
	c := igWith(igReply(igES, "c", "x", "cy", "first"), func(m *cmkit.Mention) { m.ThreadID = "t" })
	a := igReply(igES, "a", "p", "ann", "second")
	b := igWith(igReply(igES, "b", "p", "bob", "third"), func(m *cmkit.Mention) { m.ThreadID = "t" })
	env.push(c)
	env.push(a)
	env.push(b)
	assert.Equal(t, [][]string{{"a"}, {"b", "c"}}, igPartition(env))
	env.push(igMention(igES, "p", cmkit.KindComment, "dan", "the parent"))
	assert.Equal(t, [][]string{{"a", "p"}, {"b", "c"}}, igPartition(env), "the parent joins the reply that bound it")
	igCheckStore(t, env.mem, igPerson)
}

// FuzzIngest pushes mentions made from the input (a few IDs, kinds,
// parents, threads, channels, edit times and texts, in batches) and checks
// that the stored inbox keeps its invariants and holds each item once, at
// its latest version.
func FuzzIngest(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte{7, 7, 7, 7, 255, 0, 3, 129, 64, 32, 16, 8, 4, 2, 1, 0, 99, 42})
	f.Add([]byte("reply before parent, siblings, comments, DMs and edits"))
	env := newIngestEnv(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 600 {
			return
		}
		store := inbox.NewMemoryStore()
		ib, err := inbox.New(store, inbox.WithTeam(env.dir), inbox.WithEngine(env.engine), inbox.WithClock(env.clock),
			inbox.WithChannels(env.chans...), inbox.WithLogger(slog.New(slog.DiscardHandler)))
		require.NoError(t, err)
		kinds := []cmkit.MentionKind{cmkit.KindComment, cmkit.KindReply, cmkit.KindMention, cmkit.KindDirectMessage, cmkit.KindReview}
		ids := []string{"a", "b", "c", "d", "e", "f", "g", "post"}
		latest := map[string]cmkit.Mention{}
		var batch []cmkit.Mention
		for i := 0; i+4 <= len(data); i += 4 {
			x, y, z, w := data[i], data[i+1], data[i+2], data[i+3]
			ch := []string{igES, igPL}[x>>7]
			m := igMention(ch, ids[x&7], kinds[int(x>>3&7)%len(kinds)], fmt.Sprint("u", y&3), igTexts[int(w)%len(igTexts)])
			if y&4 != 0 {
				m.InReplyTo = ids[y>>3&7]
			}
			if y&64 != 0 {
				m.ThreadID = ids[z&7]
			}
			if z&8 != 0 {
				m.EditedAt = ingestT0.Add(time.Duration(z>>4) * time.Minute)
			}
			m.Reactions = int64(w & 15)
			batch = append(batch, m)
			k := ch + "/" + m.ID
			if old, ok := latest[k]; !ok || m.EditedAt.After(old.EditedAt) {
				latest[k] = m
			}
			if z&128 != 0 || i+8 > len(data) {
				require.NoError(t, ib.Push(env.ctx, batch...))
				batch = batch[:0]
			}
		}
		stored := igCheckStore(t, store, igPerson)
		require.Len(t, stored, len(latest))
		for k, m := range latest {
			require.Equal(t, m.Text, stored[k].Mention.Text, "item %s", k)
			require.True(t, m.EditedAt.Equal(stored[k].Mention.EditedAt), "item %s", k)
		}
	})
}

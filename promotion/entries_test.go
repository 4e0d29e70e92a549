package promotion_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linker links accounts, by platform and handle, to people.
type linker map[string]string

func (l linker) Person(_ context.Context, p cmkit.Platform, a cmkit.Author) (string, error) {
	if a.Handle == "broken" {
		return "", errors.New("crm down")
	}
	return l[string(p)+":"+a.Handle], nil
}

// authors knows countries and creation times by handle.
type authors map[string]promotion.AuthorFacts

func (l authors) LookupAuthor(_ context.Context, _ cmkit.Platform, a cmkit.Author) (promotion.AuthorFacts, error) {
	return l[a.Handle], nil
}

// TestEachReason: one mention per reason, each failing only its check.
func TestEachReason(t *testing.T) {
	noon := at(12, 0)
	p := giveaway()
	p.Mechanics.Keywords = []string{"quiero", "chcę"}
	p.Mechanics.MentionAccounts = 2
	p.Eligibility.MinAccountAgeDays = 30
	p.Eligibility.ExcludedAccounts = []string{"ana_acme", "instagram:agency", "person:P-staff"}
	p.Eligibility.RequireKnownCountry = true
	p.BotChecks.NewAccountDays = 60
	look := authors{
		"fr": {Country: "FR"}, "nocountry": {}, "young": {Country: "PL", CreatedAt: noon.AddDate(0, 0, -10)},
		"fresh": {Country: "PL", CreatedAt: noon.AddDate(0, 0, -40)}, "noage": {Country: "PL"},
	}
	for _, h := range []string{"ok", "ana_acme", "agency", "staff", "dup", "multi"} {
		look[h] = promotion.AuthorFacts{Country: "ES"}
	}
	e := newEntries(t, p, &promotion.EntryOptions{Identities: linker{"x:staff": "P-staff"}, Authors: look})
	good := "Quiero ganar! #Sorteo @amiga @amigo"
	m := func(h, text string, change ...func(*cmkit.Mention)) cmkit.Mention {
		m := mention(h, text, noon)
		for _, c := range change {
			c(&m)
		}
		return m
	}
	dup := m("dup", good)
	for _, tc := range []struct {
		name   string
		m      cmkit.Mention
		reason promotion.Reason
	}{
		{"accepted", m("ok", good), ""},
		{"accepted with the other keyword, accents folded", m("ok2", "CHCE wygrać #sorteo @a @b", func(m *cmkit.Mention) { m.Author.Handle = "multi" }), ""},
		{"before the window", m("ok", good, func(m *cmkit.Mention) { m.CreatedAt = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC) }), promotion.ReasonOutsideWindow},
		{"edited after the close", m("ok", good, func(m *cmkit.Mention) { m.EditedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }), promotion.ReasonOutsideWindow},
		{"comment on another post", m("ok", good, func(m *cmkit.Mention) { m.InReplyTo = "P2" }), promotion.ReasonNotOnPost},
		{"a mention elsewhere, not on the post", m("ok", good, func(m *cmkit.Mention) { m.Kind = cmkit.KindMention; m.InReplyTo = "" }), promotion.ReasonNotOnPost},
		{"missing hashtag", m("ok", "Quiero ganar #sorteos @amiga @amigo"), promotion.ReasonMissingHashtag},
		{"missing keyword", m("ok", "Me gusta #sorteo @amiga @amigo"), promotion.ReasonMissingKeyword},
		{"keyword only inside a word", m("ok", "Quieroo #sorteo @amiga @amigo"), promotion.ReasonMissingKeyword},
		{"one friend and the brand", m("ok", "Quiero #sorteo @amiga @ACME"), promotion.ReasonMissingMentions},
		{"the same friend twice and oneself", m("ok", "Quiero #sorteo @amiga @Amiga @ok"), promotion.ReasonMissingMentions},
		{"excluded handle on any platform", m("ana_acme", good), promotion.ReasonExcluded},
		{"excluded person", m("staff", good), promotion.ReasonExcluded},
		{"unknown country", m("nocountry", good), promotion.ReasonUnknownCountry},
		{"ineligible country", m("fr", good), promotion.ReasonIneligibleCountry},
		{"unknown account age", m("noage", good, func(m *cmkit.Mention) { m.Author.CreatedAt = time.Time{} }), promotion.ReasonUnknownAccountAge},
		{"account too new", m("young", good), promotion.ReasonAccountTooNew},
		{"brand-new account", m("fresh", good), promotion.ReasonBotNewAccount},
		{"first entry of dup", dup, ""},
		{"the same item again", dup, promotion.ReasonDuplicate},
		{"a second entry by the same person", m("dup", good), promotion.ReasonDuplicate},
	} {
		s := add(t, e, tc.m)
		assert.Equal(t, tc.reason, s.Reason, "%s: %s", tc.name, s.Detail)
		assert.Equal(t, tc.reason == "", s.Accepted, tc.name)
		assert.Equal(t, tc.reason != "", s.Detail != "", tc.name)
	}
	// Excluded on one platform only: the agency may enter on X.
	look["agency"] = promotion.AuthorFacts{Country: "ES"}
	s := add(t, e, m("agency", good))
	assert.True(t, s.Accepted, s.Detail)
	ig := m("agency", good, func(m *cmkit.Mention) { m.ChannelID = "acme-ig"; m.InReplyTo = "" })
	s = add(t, e, ig)
	assert.Equal(t, promotion.ReasonExcluded, s.Reason)

	assert.Equal(t, 4, e.Accepted())
	assert.Equal(t, 23, e.Len())
}

func TestOverLimit(t *testing.T) {
	p := giveaway()
	p.Eligibility.EntriesPerPerson = 2
	e := newEntries(t, p, nil)
	for i, want := range []promotion.Reason{"", "", promotion.ReasonOverLimit} {
		s := add(t, e, mention("ana", fmt.Sprintf("#sorteo @friend%d", i), at(12, i)))
		assert.Equal(t, want, s.Reason, s.Detail)
	}
}

// TestNotEntries: mentions that are not entries are answered, not kept.
func TestNotEntries(t *testing.T) {
	e := newEntries(t, giveaway(), nil)
	m := mention("ana", "#sorteo @friend", at(12, 0))
	m.ChannelID = "other"
	s := add(t, e, m)
	assert.Equal(t, promotion.ReasonNotEntry, s.Reason)
	m = mention("ana", "#sorteo @friend", at(12, 0))
	m.Kind = cmkit.KindDirectMessage
	s = add(t, e, m)
	assert.Equal(t, promotion.ReasonNotEntry, s.Reason)
	assert.Zero(t, e.Len())
}

// TestBadInputChangesNothing: an invalid mention, a canceled context and a
// failing lookup return errors and keep nothing.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEntries(t, giveaway(), &promotion.EntryOptions{Identities: linker{}})
	ctx := context.Background()
	for field, change := range map[string]func(*cmkit.Mention){
		"mention.id":         func(m *cmkit.Mention) { m.ID = "" },
		"mention.author.id":  func(m *cmkit.Mention) { m.Author.ID = "" },
		"mention.created_at": func(m *cmkit.Mention) { m.CreatedAt = time.Time{} },
	} {
		m := mention("ana", "#sorteo @friend", at(12, 0))
		change(&m)
		_, err := e.Add(ctx, m)
		requireInvalid(t, err, field, "required")
	}
	_, err := e.Add(ctx, mention("broken", "#sorteo @friend", at(12, 0)))
	assert.EqualError(t, err, "crm down")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.Add(canceled, mention("ana", "#sorteo @friend", at(12, 0)))
	assert.ErrorIs(t, err, context.Canceled)
	err = e.AddBatch(ctx, []cmkit.Mention{mention("ana", "#sorteo @friend", at(12, 0)), mention("broken", "#sorteo @f", at(12, 0))})
	assert.ErrorContains(t, err, "mention 1")
	assert.Equal(t, 1, e.Len(), "the mention before the failing one stays")
}

// TestLinkedIdentitiesAcrossChannels: one person entering on X and on
// Instagram counts once when the product links the two accounts, and
// twice when it does not.
func TestLinkedIdentitiesAcrossChannels(t *testing.T) {
	onIG := func(m cmkit.Mention) cmkit.Mention {
		m.ChannelID, m.InReplyTo = "acme-ig", ""
		m.ID = "ig-" + m.ID
		return m
	}
	x := mention("ana_x", "#sorteo @friend", at(12, 0))
	ig := onIG(mention("ana.ig", "#sorteo @friend", at(12, 5)))
	ig.Author.ID = "ig-77"

	linked := newEntries(t, giveaway(), &promotion.EntryOptions{Identities: linker{"x:ana_x": "P-ana", "instagram:ana.ig": "P-ana"}})
	assert.True(t, add(t, linked, x).Accepted)
	s := add(t, linked, ig)
	assert.Equal(t, promotion.ReasonDuplicate, s.Reason, s.Detail)
	assert.Equal(t, "P-ana", s.Person)
	assert.Equal(t, []string{"x:ana_x:" + x.ID}, linked.Keys())

	unlinked := newEntries(t, giveaway(), nil)
	assert.True(t, add(t, unlinked, x).Accepted)
	assert.True(t, add(t, unlinked, ig).Accepted)
	assert.Equal(t, 2, unlinked.Accepted())
}

// TestNearDuplicateBots: five accounts posting the same long text with
// small changes are all rejected, the earlier acceptances too, and the
// places they held are freed; short common texts and different texts stay.
func TestNearDuplicateBots(t *testing.T) {
	p := giveaway()
	p.BotChecks.NearDuplicateAccounts = 3
	e := newEntries(t, p, nil)
	bot := []string{
		"Me encanta esta marca y quiero ganar el premio para mi madre #sorteo @a",
		"me encanta esta marca y quiero ganar el premio para mi madre!! #sorteo @b",
		"Me encanta esta marca, quiero ganar el premio para mi mamá 🙏 #sorteo @c",
		"Me encanta esta marca y quiero ganar el premio para mi madre #sorteo @d",
	}
	var got []promotion.Reason
	s := add(t, e, mention("bot0", bot[0], at(12, 0)))
	got = append(got, s.Reason)
	add(t, e, mention("real1", "Ojalá me toque, sigo a la marca desde hace años y me encantan sus viajes #sorteo @hermana", at(12, 1)))
	add(t, e, mention("real2", "Yo quiero! #sorteo @amigo", at(12, 2)))
	add(t, e, mention("real3", "Yo quiero! #sorteo @amiga", at(12, 3)))
	add(t, e, mention("real4", "Yo quiero! #sorteo @primo", at(12, 4)))
	for i, text := range bot[1:] {
		s := add(t, e, mention(fmt.Sprintf("bot%d", i+1), text, at(12, 10+i)))
		got = append(got, s.Reason)
	}
	assert.Equal(t, []promotion.Reason{"", "", promotion.ReasonNearDuplicate, promotion.ReasonNearDuplicate}, got,
		"the third account flags the group")
	var rejected []string
	for s := range e.All() {
		if !s.Accepted {
			rejected = append(rejected, s.AuthorHandle)
			assert.Equal(t, promotion.ReasonNearDuplicate, s.Reason)
		}
	}
	assert.Equal(t, []string{"bot0", "bot1", "bot2", "bot3"}, rejected, "earlier acceptances are revoked")
	assert.Equal(t, 4, e.Accepted())

	// The place bot0 held is free again.
	s = add(t, e, mention("bot0", "Un texto completamente distinto sobre mis vacaciones en la playa #sorteo @x", at(13, 0)))
	assert.True(t, s.Accepted, s.Detail)
}

// TestNearDuplicateOneWriter: one person's own near duplicates never flag.
func TestNearDuplicateOneWriter(t *testing.T) {
	p := giveaway()
	p.BotChecks.NearDuplicateAccounts = 2
	p.Eligibility.EntriesPerPerson = 5
	e := newEntries(t, p, nil)
	for i := range 3 {
		s := add(t, e, mention("ana", fmt.Sprintf("Me encanta esta marca y quiero ganar el premio %d #sorteo @f", i), at(12, i)))
		assert.True(t, s.Accepted, s.Detail)
	}
	p.BotChecks.Off = true
	e = newEntries(t, p, nil)
	for i := range 3 {
		s := add(t, e, mention(fmt.Sprintf("bot%d", i), "Me encanta esta marca y quiero ganar el premio #sorteo @f", at(12, i)))
		assert.True(t, s.Accepted, "bot checks are off: %s", s.Detail)
	}
}

// TestEditedEntry: an edit of a rejected entry is judged again; an edit of
// an accepted one is a duplicate and leaves the acceptance alone.
func TestEditedEntry(t *testing.T) {
	e := newEntries(t, giveaway(), nil)
	m := mention("ana", "me!", at(12, 0))
	assert.Equal(t, promotion.ReasonMissingHashtag, add(t, e, m).Reason)
	m.Text, m.EditedAt = "me! #sorteo @friend", at(12, 5)
	s := add(t, e, m)
	assert.True(t, s.Accepted, s.Detail)
	assert.Equal(t, at(12, 5), s.At)
	m.Text, m.EditedAt = "edited again", at(12, 9)
	assert.Equal(t, promotion.ReasonDuplicate, add(t, e, m).Reason)
	assert.Equal(t, 1, e.Accepted())
}

// reader serves pages of two mentions.
type reader struct{ ms []cmkit.Mention }

func (r *reader) ReadMentions(_ context.Context, after cmkit.Cursor, _ int) (cmkit.MentionPage, error) {
	i := 0
	if after != "" {
		fmt.Sscan(string(after), &i)
	}
	j := min(i+2, len(r.ms))
	return cmkit.MentionPage{Mentions: r.ms[i:j], Next: cmkit.Cursor(fmt.Sprint(j))}, nil
}

func TestReadFrom(t *testing.T) {
	r := &reader{}
	for i := range 5 {
		r.ms = append(r.ms, mention(fmt.Sprint("u", i), "#sorteo @friend", at(12, i)))
	}
	e := newEntries(t, giveaway(), nil)
	next, err := e.ReadFrom(context.Background(), r, "")
	require.NoError(t, err)
	assert.Equal(t, cmkit.Cursor("5"), next)
	assert.Equal(t, 5, e.Accepted())
	next, err = e.ReadFrom(context.Background(), r, next)
	require.NoError(t, err)
	assert.Equal(t, cmkit.Cursor("5"), next)
	assert.Equal(t, 5, e.Len())
}

func TestKey(t *testing.T) {
	s := promotion.Submission{Platform: cmkit.Mastodon, AuthorID: "9", AuthorHandle: "ana@social.example", MentionID: "a:b%c\td\n"}
	assert.Equal(t, "mastodon:ana@social.example:a%3Ab%25c%09d%0A", s.Key())
	s.AuthorHandle = ""
	assert.Equal(t, "mastodon:9:a%3Ab%25c%09d%0A", s.Key(), "the author's ID stands in for a missing handle")

	e := newEntries(t, giveaway(), nil)
	a := mention("zed", "#sorteo @f", at(12, 0))
	b := mention("amy", "#sorteo @f", at(12, 1))
	add(t, e, a)
	add(t, e, mention("amy", "no hashtag @f", at(12, 1)))
	add(t, e, b)
	keys := e.Keys()
	assert.Equal(t, []string{"x:zed:" + a.ID, "x:amy:" + b.ID}, keys, "accepted only, in arrival order")
	assert.False(t, slices.IsSorted(keys), "the draw sorts them")
}

// TestConcurrentAdd: Entries is safe for concurrent use (run with -race).
func TestConcurrentAdd(t *testing.T) {
	e := newEntries(t, giveaway(), nil)
	ms := make([]cmkit.Mention, 200)
	for i := range ms {
		ms[i] = mention(fmt.Sprint("u", i%150), "#sorteo @friend", at(12, 0))
	}
	done := make(chan error)
	for w := range 4 {
		go func() { done <- e.AddBatch(context.Background(), ms[w*50:(w+1)*50]) }()
	}
	for range 4 {
		require.NoError(t, <-done)
	}
	assert.Equal(t, 200, e.Len())
	assert.Equal(t, 150, e.Accepted())
	assert.Len(t, e.Keys(), 150)
}

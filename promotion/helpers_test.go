package promotion_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the tests use Europe/Warsaw wherever they run

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/require"
)

// giveaway is a valid promotion that the tests change: a giveaway on X
// (answer the post "P1" with #sorteo and tag one friend) and Instagram,
// in Warsaw time, across the end of summer time on 2026-10-25.
func giveaway() promotion.Promotion {
	return promotion.Promotion{
		ID:    "acme-autumn-26",
		Kind:  promotion.KindGiveaway,
		Brand: "acme",
		Channels: []promotion.ChannelRef{
			{ID: "acme-x", Platform: cmkit.X, Post: "P1"},
			{ID: "acme-ig", Platform: cmkit.Instagram},
		},
		Zone:      "Europe/Warsaw",
		Start:     "2026-10-24T12:00",
		End:       "2026-10-26T12:00",
		Prizes:    []promotion.Prize{{Name: "Weekend for two", Quantity: 1}},
		TermsURL:  "https://acme.example/terms",
		Countries: []string{"PL", "ES"},
		Mechanics: promotion.Mechanics{Hashtags: []string{"#sorteo"}, MentionAccounts: 1, OwnHandles: []string{"acme"}},
	}
}

// at is a UTC instant on 2026-10-25 (the night summer time ends in Warsaw).
func at(hour, min int) time.Time { return time.Date(2026, 10, 25, hour, min, 0, 0, time.UTC) }

var seq int

// mention returns a valid entry to giveaway() on X by author, made at t.
func mention(author, text string, t time.Time) cmkit.Mention {
	seq++
	return cmkit.Mention{
		ID: fmt.Sprintf("m%d", seq), ChannelID: "acme-x", Kind: cmkit.KindComment,
		Author: cmkit.Author{ID: "id-" + author, Handle: author, CreatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		Text:   text, InReplyTo: "P1", CreatedAt: t,
	}
}

func newEntries(t *testing.T, p promotion.Promotion, opts *promotion.EntryOptions) *promotion.Entries {
	t.Helper()
	e, err := promotion.NewEntries(p, opts)
	require.NoError(t, err)
	return e
}

func add(t *testing.T, e *promotion.Entries, m cmkit.Mention) promotion.Submission {
	t.Helper()
	s, err := e.Add(context.Background(), m)
	require.NoError(t, err)
	return s
}

// requireInvalid checks that err wraps cmkit.ErrInvalid with field and rule.
func requireInvalid(t *testing.T, err error, field, rule string) {
	t.Helper()
	require.Error(t, err)
	require.True(t, errors.Is(err, cmkit.ErrInvalid), "%v", err)
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, field, ve.Field, "%v", err)
	require.Equal(t, rule, ve.Rule, "%v", err)
}

// requireInvalidRule checks that err wraps cmkit.ErrInvalid with rule.
func requireInvalidRule(t *testing.T, err error, rule string) {
	t.Helper()
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	require.Equal(t, rule, ve.Rule, "%v", err)
}

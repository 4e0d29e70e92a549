package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPromotionExample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "warning (not legal advice): PL: chance_permit")
	assert.Regexp(t, `Compromiso del sorteo: [0-9a-f]{64} \(drand quicknet, ronda 26000000\)`, s)
	// Before the restart: one person on two platforms, an employee, a
	// brand-new account, a country outside the promotion, no hashtag.
	assert.Regexp(t, `instagram:lucia\.moreno:acme-ig-m1 duplicate`, s)
	assert.Contains(t, s, "x:marta_acme:acme-x-m3     excluded_account")
	assert.Contains(t, s, "x:nuevo_2026:acme-x-m4     account_too_new")
	assert.Contains(t, s, "x:hans:acme-x-m6           ineligible_country")
	assert.Contains(t, s, "=> accepted 4, account_too_new 1, duplicate 1, excluded_account 1, ineligible_country 1, missing_hashtag 1")
	// After it: the copied text by five accounts, lucia again (known from
	// before the restart), a comment after the close.
	assert.Contains(t, s, "== restarted with 9 submissions stored")
	assert.Contains(t, s, "x:lucia_m:acme-x-m13       duplicate")
	assert.Contains(t, s, "=> accepted 1, bot_near_duplicate 5, duplicate 1, outside_window 1")
	assert.Contains(t, s, "== jon closes: jon may not promotion.manage on brand=acme")
	assert.Contains(t, s, "== closed by carlos: 5 entries frozen")
	assert.Regexp(t, `== drawn by sara: winners \[\S+ \S+ \S+\], alternates \[\S+ \S+\] \(seed still secret: true\)`, s)
	assert.Contains(t, s, "== promotion.Verify: OK")
	assert.Contains(t, s, "without the first winner's entry: cmkit: invalid entries_hash: mismatch")
	// The winners: one DM each, in the entry's language; the third winner
	// does not answer and the first alternate takes the prize.
	assert.Regexp(t, `DM to @\S+ on acme-x \(pl\): Gratulacje`, s)
	assert.Regexp(t, `DM to @\S+ on acme-\S+ \(es\): ¡Enhorabuena`, s)
	assert.Regexp(t, `== two days later, @\S+ has not answered; the first alternate is notified\n  DM to @`, s)
	assert.Regexp(t, `(?m)^  2 Lote de productos: accepted \S+$`, s)
	assert.Regexp(t, `posted acme-x-2 on X: Ganadores de la promoción de acme: @`, s)
	assert.Regexp(t, `#7 +jon +promotion\.close +DENIED`, s)
	assert.Regexp(t, `promotion\.winner\.expired +ok +slot 2: expired`, s)
	assert.Regexp(t, `promotion\.winner\.announced +ok +announced \(es\)`, s)
	assert.Contains(t, s, "== audit chain verifies: 28 records")
}

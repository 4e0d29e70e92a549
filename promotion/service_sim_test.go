package promotion_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

// simStore injects store faults, drawn from the simulation's random
// stream: an update refused before it is applied (an error, or a spurious
// conflict), or applied and then answered with an error (the answer was
// lost). It counts the updates applied with submissions, and the lost
// answers among them.
type simStore struct {
	promotion.Store
	mu                   sync.Mutex
	r                    *rand.Rand
	faults               bool
	appliedSubs, lostSub int
}

var errSimDown = errors.New("sim: store down")

func (s *simStore) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	s.mu.Lock()
	x := 1.0
	if s.faults {
		x = s.r.Float64()
	}
	s.mu.Unlock()
	switch {
	case x < 0.08:
		return errSimDown
	case x < 0.14:
		return fmt.Errorf("sim: spurious: %w", cmkit.ErrConflict)
	}
	if err := s.Store.Update(ctx, rec, subs...); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(subs) > 0 {
		s.appliedSubs++
	}
	if x < 0.19 {
		if len(subs) > 0 {
			s.lostSub++
		}
		return fmt.Errorf("sim: answer lost: %w", errSimDown)
	}
	return nil
}

// simLookup answers a country and an account age per handle; what it
// answers changes with epoch, as a CRM's data does, so that a replay that
// asked again would decide differently.
type simLookup struct{ epoch *int }

func (l simLookup) LookupAuthor(_ context.Context, _ cmkit.Platform, a cmkit.Author) (promotion.AuthorFacts, error) {
	h := len(a.Handle) + *l.epoch
	country := []string{"PL", "ES", "FR", ""}[h%4]
	created := time.Date(2026, 10, 24, 11-h%3, 0, 0, 0, time.UTC) // now and then after the start: a new account
	return promotion.AuthorFacts{Country: country, CreatedAt: created}, nil
}

// factsOf is an AuthorLookup for the oracle: it answers what *cur says.
type factsOf struct{ cur *promotion.AuthorFacts }

func (f factsOf) LookupAuthor(context.Context, cmkit.Platform, cmkit.Author) (promotion.AuthorFacts, error) {
	return *f.cur, nil
}

// simMention draws a mention: one of 60 mention IDs (so the same item
// comes again, sometimes edited), one of 25 authors, on X or Instagram,
// mostly inside the window, with a valid entry, a text without the
// hashtag, or one of the copied texts that bots post.
func simMention(r *rand.Rand) cmkit.Mention {
	n := r.IntN(60)
	author := fmt.Sprint("user", r.IntN(25))
	m := cmkit.Mention{ID: fmt.Sprint("m", n), ChannelID: "acme-x", Kind: cmkit.KindComment, InReplyTo: "P1",
		Author:    cmkit.Author{ID: "id-" + author, Handle: author},
		CreatedAt: time.Date(2026, 10, 24, 10+r.IntN(52), r.IntN(60), 0, 0, time.UTC)}
	if r.IntN(3) == 0 {
		m.ChannelID, m.InReplyTo = "acme-ig", ""
	}
	switch r.IntN(6) {
	case 0:
		m.Text = "no tag here @pal"
	case 1:
		m.Text = fmt.Sprintf("#sorteo @pal%d this brand is the best brand in the whole wide world", r.IntN(9))
	default:
		m.Text = fmt.Sprintf("#sorteo @friend%d", r.IntN(100))
	}
	if r.IntN(10) == 0 {
		m.EditedAt = m.CreatedAt.Add(time.Minute)
	}
	return m
}

// TestServiceSimulation runs seeded scenarios of two or three services
// over one store: batches of mentions on a random service, restarts,
// store faults before and after the write, a CRM whose answers change,
// and at the end a close raced by every service. After every step it
// checks that the stored submissions are numbered without gaps, that each
// was decided with every submission before it in view (an oracle Entries
// fed the stored mentions in order, with the stored answers, decides
// each exactly as stored), that a call that succeeded returned what was
// stored, and that every stored batch whose answer was not lost is in
// the audit log once. A failing seed replays exactly.
func TestServiceSimulation(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { simulate(t, uint64(seed)) })
	}
}

func simulate(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x51d))
	env := newEnv(t)
	st := &simStore{Store: env.store, r: rand.New(rand.NewPCG(seed, 0xfa17))}
	epoch := 0
	newSvc := func() *promotion.Service {
		return env.serviceOn(t, st, promotion.WithEntryOptions(promotion.EntryOptions{Authors: simLookup{&epoch}}))
	}
	svcs := make([]*promotion.Service, 2+r.IntN(2))
	for i := range svcs {
		svcs[i] = newSvc()
	}
	id := "acme-autumn-26"
	p := svcGiveaway()
	p.Eligibility.RequireKnownCountry = r.IntN(2) == 0
	p.BotChecks.NearDuplicateAccounts = 3
	_, _, err := svcs[0].Create(as("sam"), p)
	require.NoError(t, err)
	_, err = svcs[0].Open(as("sam"), id, nil)
	require.NoError(t, err)
	st.faults = true

	for step := range 40 {
		switch x := r.IntN(10); {
		case x == 0:
			i := r.IntN(len(svcs))
			svcs[i] = newSvc()
			epoch++ // the CRM's data changed while the service was down
		default:
			batch := make([]cmkit.Mention, 1+r.IntN(5))
			for i := range batch {
				batch[i] = simMention(r)
			}
			before, _ := env.store.Get(context.Background(), id)
			subs, err := svcs[r.IntN(len(svcs))].AddEntries(as("sam"), id, batch...)
			after, _ := env.store.Get(context.Background(), id)
			if err == nil {
				simCheckReturned(t, env, id, before.Submissions, subs, step)
			} else if !errors.Is(err, errSimDown) && !errors.Is(err, cmkit.ErrConflict) {
				t.Fatalf("step %d: %v", step, err)
			} else if after.Submissions != before.Submissions && !strings.Contains(err.Error(), "answer lost") {
				t.Fatalf("step %d: a failed call stored %d submissions: %v", step, after.Submissions-before.Submissions, err)
			}
		}
		simCheckStore(t, env, st, p, id, step)
	}

	// Every service races to close; exactly one wins, and the frozen list
	// is the oracle's.
	st.mu.Lock()
	st.faults = false
	st.mu.Unlock()
	errs := make([]error, len(svcs))
	var wg sync.WaitGroup
	for i, s := range svcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Close(as("sam"), id)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			require.ErrorIs(t, err, cmkit.ErrConflict)
		}
	}
	require.Equal(t, 1, won, "closes: %v", errs)
	oracle := simOracle(t, env, p, id)
	rec, err := env.store.Get(context.Background(), id)
	require.NoError(t, err)
	keys := oracle.Keys()
	require.Equal(t, len(keys), rec.EntryCount)
	if len(keys) > 0 {
		list, err := promotion.FreezeEntries(keys)
		require.NoError(t, err)
		require.Equal(t, list.Hash(), rec.EntriesHash)
	}
}

// simOracle feeds the stored mentions, in order and with the stored
// answers, to a fresh Entries, checking each decision against the stored
// one, and returns it.
func simOracle(t *testing.T, env *svcEnv, p promotion.Promotion, id string) *promotion.Entries {
	t.Helper()
	var cur promotion.AuthorFacts
	e, err := promotion.NewEntries(p, &promotion.EntryOptions{Authors: factsOf{&cur}})
	require.NoError(t, err)
	for sub, err := range env.store.Submissions(context.Background(), id, 0) {
		require.NoError(t, err)
		cur = sub.Facts
		got, err := e.Add(context.Background(), sub.Mention)
		require.NoError(t, err)
		require.Equal(t, sub.Submission, got, "seq %d was not decided with every submission before it in view", sub.Seq)
	}
	return e
}

// simCheckStore checks the stored submissions and the audit log.
func simCheckStore(t *testing.T, env *svcEnv, st *simStore, p promotion.Promotion, id string, step int) {
	t.Helper()
	rec, err := env.store.Get(context.Background(), id)
	require.NoError(t, err)
	n := 0
	for sub, err := range env.store.Submissions(context.Background(), id, 0) {
		require.NoError(t, err)
		n++
		require.Equal(t, n, sub.Seq, "step %d", step)
	}
	require.Equal(t, rec.Submissions, n, "step %d", step)
	simOracle(t, env, p, id)
	audited := 0
	for r, err := range env.audit.Records(context.Background(), roles.AuditFilter{Action: "promotion.entries"}) {
		require.NoError(t, err)
		if r.Allowed {
			audited++
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	require.Equal(t, st.appliedSubs-st.lostSub, audited, "step %d: stored batches whose answer was not lost are audited once", step)
}

// simCheckReturned checks that a successful call returned what it stored
// after seq from.
func simCheckReturned(t *testing.T, env *svcEnv, id string, from int, subs []promotion.Submission, step int) {
	t.Helper()
	var stored []promotion.Submission
	for sub, err := range env.store.Submissions(context.Background(), id, from) {
		require.NoError(t, err)
		stored = append(stored, sub.Submission)
	}
	var kept []promotion.Submission
	for _, s := range subs {
		if s.Reason != promotion.ReasonNotEntry {
			kept = append(kept, s)
		}
	}
	require.Equal(t, stored, kept, "step %d", step)
}

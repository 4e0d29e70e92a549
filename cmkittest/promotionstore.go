package cmkittest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

// TestPromotionStore runs the conformance suite for promotion.Store
// implementations. newStore is called once per subtest and must return an
// empty store; it may register cleanups with t.Cleanup.
//
// The subtests are named by the promise they check:
//
//	RoundTrip                  a record and its submissions read back as written
//	NotFound                   a missing promotion, an update of one, its (no) submissions
//	VersionRises               created at 1, then one more per update
//	StaleVersionConflicts      a stale update or a repeated create changes nothing
//	InvalidWrites              what the Store doc calls invalid changes nothing
//	UpdateIsAtomic             a refused update appends no submission
//	SubmissionsInOrder         submissions come back in Seq order, from any point
//	SubmissionsPerPromotion    one promotion's submissions are not another's
//	ListByBrand                the brand's promotions, by ID
//	CopiesInAndOut             neither the write nor what reads return shares memory
//	CanceledContext            every method fails, and nothing is written
//	ConcurrentWritersOneWins   writers at one version: exactly one wins
//	ConcurrentAppends          retrying writers lose no submission, and number them without gaps
//
// Problems are reported with t.Errorf, so one run lists all of them.
func TestPromotionStore(t *testing.T, newStore func(t *testing.T) promotion.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[promotion.Store]{
		{"RoundTrip", promoRoundTrip},
		{"NotFound", promoNotFound},
		{"VersionRises", promoVersionRises},
		{"StaleVersionConflicts", promoStale},
		{"InvalidWrites", promoInvalid},
		{"UpdateIsAtomic", promoAtomic},
		{"SubmissionsInOrder", promoOrder},
		{"SubmissionsPerPromotion", promoPerPromotion},
		{"ListByBrand", promoList},
		{"CopiesInAndOut", promoCopies},
		{"CanceledContext", promoCanceled},
		{"ConcurrentWritersOneWins", promoConcurrentWriters},
		{"ConcurrentAppends", promoConcurrentAppends},
	})
}

var promoT0 = time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC)

// promoRecord returns a full record, every field set.
func promoRecord(id, brand string) promotion.PromotionRecord {
	d := func(b byte) promotion.Digest {
		var x promotion.Digest
		for i := range x {
			x[i] = b + byte(i)
		}
		return x
	}
	var seed promotion.Seed
	for i := range seed {
		seed[i] = byte(i)
	}
	return promotion.PromotionRecord{
		Promotion: promotion.Promotion{
			ID: id, Kind: promotion.KindGiveaway, Brand: brand,
			Channels:  []promotion.ChannelRef{{ID: brand + "-x", Platform: cmkit.X, Post: "P1"}, {ID: brand + "-ig", Platform: cmkit.Instagram}},
			Zone:      "Europe/Warsaw",
			Start:     "2026-10-24T12:00",
			End:       "2026-10-26T12:00",
			Prizes:    []promotion.Prize{{Name: "Weekend", Quantity: 2}},
			TermsURL:  "https://acme.example/terms",
			Countries: []string{"PL", "ES"},
			Mechanics: promotion.Mechanics{Hashtags: []string{"#sorteo"}, Keywords: []string{"quiero"}, MentionAccounts: 1,
				OwnHandles: []string{brand}},
			Eligibility: promotion.Eligibility{MinAccountAgeDays: 30, ExcludedAccounts: []string{"ana_" + brand},
				EntriesPerPerson: 2, RequireKnownCountry: true},
			BotChecks: promotion.BotChecks{NewAccountDays: 3, NearDuplicateAccounts: 4, NearDuplicateMinWords: 7},
		},
		Status:      promotion.StatusDrawn,
		Seed:        seed,
		Commitment:  d(1),
		Beacon:      &promotion.Beacon{Name: "drand quicknet", Round: 5000000, Value: []byte{0xde, 0xad}},
		EntriesHash: d(2),
		EntryCount:  7,
		Draw: &promotion.DrawRecord{Commitment: d(1), Seed: seed,
			Beacon:      &promotion.Beacon{Name: "drand quicknet", Round: 5000000, Value: []byte{0xde, 0xad}},
			EntriesHash: d(2), Key: d(3), Winners: []string{"x:ana:1", "x:bea:2"}, Alternates: []string{"ig:cris:3"}},
		Winners: &promotion.Winners{Promotion: id, Brand: brand, Zone: "Europe/Warsaw", ResponseTime: 72 * time.Hour,
			Slots: []promotion.WinnerSlot{
				{Prize: "Weekend", State: promotion.SlotNotified, Attempt: 2, Notice: cmkit.NewID(),
					Winner:     promotion.Entrant{Entry: "x:bea:2", Platform: cmkit.X, ChannelID: brand + "-x", Handle: "bea", AuthorID: "u2", Language: "es"},
					NotifiedAt: promoT0.Add(53 * time.Hour), Deadline: promoT0.Add(125 * time.Hour)},
				{Prize: "Weekend", State: promotion.SlotAccepted, Attempt: 1, AcceptedAt: promoT0.Add(54 * time.Hour),
					Winner: promotion.Entrant{Entry: "ig:cris:3", Platform: cmkit.Instagram, ChannelID: brand + "-ig", Handle: "cris", AuthorID: "u3"}},
			},
			Alternates: []promotion.Entrant{{Entry: "x:dan:4", Platform: cmkit.X, ChannelID: brand + "-x", Handle: "dan", AuthorID: "u4"}},
			Events: []promotion.WinnerEvent{{At: promoT0.Add(51 * time.Hour), Kind: promotion.WinnerPicked, Slot: 0, Entry: "x:ana:1"},
				{At: promoT0.Add(52 * time.Hour), Kind: promotion.WinnerDeclined, Slot: 0, Entry: "x:ana:1", Detail: "d", Notice: cmkit.NewID()}},
		},
		CreatedAt:  promoT0,
		OpenedAt:   promoT0.Add(time.Hour),
		ClosedAt:   promoT0.Add(50 * time.Hour),
		DrawnAt:    promoT0.Add(51 * time.Hour),
		RevealedAt: promoT0.Add(52 * time.Hour),
	}
}

// promoSub returns stored submission number seq, every field set.
func promoSub(id string, seq int) promotion.StoredSubmission {
	at := promoT0.Add(time.Duration(seq) * time.Minute)
	m := cmkit.Mention{ID: fmt.Sprint(id, "-m", seq), ChannelID: "acme-x", Kind: cmkit.KindComment,
		Author: cmkit.Author{ID: fmt.Sprint("u", seq), Handle: fmt.Sprint("user", seq), DisplayName: "U", Followers: 3,
			Verified: true, CreatedAt: promoT0.AddDate(-1, 0, 0)},
		Text: fmt.Sprintf("#sorteo @friend %d", seq), Language: "es", URL: "https://x.example/" + fmt.Sprint(seq),
		InReplyTo: "P1", ThreadID: "P1", Reactions: 2, CreatedAt: at, EditedAt: at.Add(time.Second)}
	return promotion.StoredSubmission{Seq: seq, Mention: m, LookedUp: true, Person: fmt.Sprint("person-", seq),
		Facts: promotion.AuthorFacts{Country: "PL", CreatedAt: promoT0.AddDate(-2, 0, 0)},
		Submission: promotion.Submission{Accepted: seq%2 == 0, Reason: promotion.ReasonDuplicate, Detail: "d",
			Platform: cmkit.X, ChannelID: "acme-x", MentionID: m.ID, AuthorID: m.Author.ID, AuthorHandle: m.Author.Handle,
			Person: fmt.Sprint("person-", seq), At: at, Text: m.Text, URL: m.URL}}
}

// promoSubs returns stored submissions from..to.
func promoSubs(id string, from, to int) []promotion.StoredSubmission {
	var out []promotion.StoredSubmission
	for i := from; i <= to; i++ {
		out = append(out, promoSub(id, i))
	}
	return out
}

// promoCreate creates rec (at version 0, without submissions) and returns
// it as stored, at version 1.
func promoCreate(t *testing.T, s promotion.Store, rec promotion.PromotionRecord) promotion.PromotionRecord {
	t.Helper()
	rec.Version, rec.Submissions = 0, 0
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	rec.Version = 1
	return rec
}

// promoUpdate updates rec, appending subs, and returns it as stored.
func promoUpdate(t *testing.T, s promotion.Store, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) promotion.PromotionRecord {
	t.Helper()
	rec.Submissions += len(subs)
	if err := s.Update(t.Context(), rec, subs...); err != nil {
		t.Fatalf("Update: %v", err)
	}
	rec.Version++
	return rec
}

// promoAll reads every submission of id after after.
func promoAll(t *testing.T, s promotion.Store, id string, after int) []promotion.StoredSubmission {
	t.Helper()
	var out []promotion.StoredSubmission
	for sub, err := range s.Submissions(t.Context(), id, after) {
		if err != nil {
			t.Errorf("Submissions(%q, %d): %v", id, after, err)
			break
		}
		out = append(out, sub)
	}
	return out
}

// promoSnapshot is what the store holds for one promotion, to compare.
func promoSnapshot(t *testing.T, s promotion.Store, id string) string {
	t.Helper()
	rec, err := s.Get(t.Context(), id)
	b, _ := json.Marshal(rec)
	sb, _ := json.Marshal(promoAll(t, s, id, 0))
	return fmt.Sprintf("%s %v\n%s", b, errClass(err), sb)
}

func promoUnchanged(t *testing.T, s promotion.Store, id, before, what string) {
	t.Helper()
	if after := promoSnapshot(t, s, id); after != before {
		t.Errorf("%s changed the store:\n%s", what, stateDiff(before, after))
	}
}

func promoErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want one wrapping %v", what, err, want)
	}
}

func promoGet(t *testing.T, s promotion.Store, id string) promotion.PromotionRecord {
	t.Helper()
	got, err := s.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	return got
}

func promoRoundTrip(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	inboxExpect(t, "the created record", rec, promoGet(t, s, "p1"))
	subs := promoSubs("p1", 1, 3)
	rec.Status = promotion.StatusRevealed
	rec = promoUpdate(t, s, rec, subs...)
	inboxExpect(t, "the updated record", rec, promoGet(t, s, "p1"))
	inboxExpect(t, "the submissions", subs, promoAll(t, s, "p1", 0))
	// A record with nothing optional set reads back as written too.
	bare := promotion.PromotionRecord{Promotion: promotion.Promotion{ID: "p2", Brand: "acme"}, Status: promotion.StatusDraft}
	bare = promoCreate(t, s, bare)
	inboxExpect(t, "a bare record", bare, promoGet(t, s, "p2"))
}

func promoNotFound(t *testing.T, s promotion.Store) {
	_, err := s.Get(t.Context(), "nope")
	promoErr(t, "Get of a missing promotion", err, cmkit.ErrNotFound)
	rec := promoRecord("nope", "acme")
	rec.Version, rec.Submissions = 1, 1
	promoErr(t, "Update of a missing promotion", s.Update(t.Context(), rec, promoSub("nope", 1)), cmkit.ErrNotFound)
	if got := promoAll(t, s, "nope", 0); len(got) != 0 {
		t.Errorf("a missing promotion has %d submissions, want none", len(got))
	}
	if _, err := s.Get(t.Context(), "nope"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("an update of a missing promotion created it (%v)", err)
	}
}

func promoVersionRises(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	if got := promoGet(t, s, "p1"); got.Version != 1 {
		t.Errorf("created at version %d, want 1", got.Version)
	}
	for i := 2; i <= 4; i++ {
		rec = promoUpdate(t, s, rec, promoSub("p1", i-1))
		if got := promoGet(t, s, "p1"); got.Version != i {
			t.Errorf("after %d updates: version %d, want %d", i-1, got.Version, i)
		}
	}
	promoUpdate(t, s, rec) // no submissions: still a write
	if got := promoGet(t, s, "p1"); got.Version != 5 || got.Submissions != 3 {
		t.Errorf("after an update without submissions: version %d, %d submissions; want 5, 3", got.Version, got.Submissions)
	}
}

func promoStale(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	cur := promoUpdate(t, s, rec, promoSub("p1", 1))
	before := promoSnapshot(t, s, "p1")
	stale := rec // at version 1, now 2
	stale.Status, stale.Submissions = promotion.StatusRevealed, 2
	promoErr(t, "an update at a stale version", s.Update(t.Context(), stale, promoSub("p1", 2)), cmkit.ErrConflict)
	ahead := cur
	ahead.Version = 7
	promoErr(t, "an update at a version ahead", s.Update(t.Context(), ahead), cmkit.ErrConflict)
	promoUnchanged(t, s, "p1", before, "a stale update")
	again := promoRecord("p1", "other")
	promoErr(t, "creating an existing promotion", s.Create(t.Context(), again), cmkit.ErrConflict)
	promoUnchanged(t, s, "p1", before, "a repeated create")
}

func promoInvalid(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	rec = promoUpdate(t, s, rec, promoSub("p1", 1))
	before := promoSnapshot(t, s, "p1")
	bad := func(what string, r promotion.PromotionRecord, subs ...promotion.StoredSubmission) {
		t.Helper()
		promoErr(t, what, s.Update(t.Context(), r, subs...), cmkit.ErrInvalid)
		promoUnchanged(t, s, "p1", before, what)
	}
	zero := rec
	zero.Version = 0
	bad("an update at version 0", zero)
	neg := rec
	neg.Version = -1
	bad("an update at a negative version", neg)
	noStatus := rec
	noStatus.Status = "pending"
	bad("an update with an unknown status", noStatus)
	gap := rec
	gap.Submissions = 2
	bad("a submission numbered after a gap", gap, promoSub("p1", 3))
	again := rec
	again.Submissions = 2
	bad("a submission numbered again", again, promoSub("p1", 1))
	jump := rec
	jump.Submissions = 3
	bad("submissions not numbered one after the other", jump, promoSub("p1", 2), promoSub("p1", 4))
	wrongCount := rec
	wrongCount.Submissions = 5
	bad("a count that is not stored plus appended", wrongCount, promoSub("p1", 2))
	lost := rec
	bad("a count that leaves out the appended submission", lost, promoSub("p1", 2))

	for _, c := range []struct {
		what string
		rec  promotion.PromotionRecord
	}{
		{"a create without an ID", promotion.PromotionRecord{Promotion: promotion.Promotion{Brand: "acme"}, Status: promotion.StatusDraft}},
		{"a create without a status", promotion.PromotionRecord{Promotion: promotion.Promotion{ID: "p2", Brand: "acme"}}},
		{"a create with a version", promotion.PromotionRecord{Promotion: promotion.Promotion{ID: "p2"}, Status: promotion.StatusDraft, Version: 1}},
		{"a create with submissions", promotion.PromotionRecord{Promotion: promotion.Promotion{ID: "p2"}, Status: promotion.StatusDraft, Submissions: 1}},
	} {
		promoErr(t, c.what, s.Create(t.Context(), c.rec), cmkit.ErrInvalid)
		if _, err := s.Get(t.Context(), "p2"); !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("%s stored it (%v)", c.what, err)
		}
	}
	promoUnchanged(t, s, "p1", before, "invalid creates")
}

func promoAtomic(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	before := promoSnapshot(t, s, "p1")
	r := rec
	r.Status, r.Submissions = promotion.StatusRevealed, 3
	// The third submission is misnumbered: none of them may be stored,
	// nor the record.
	subs := promoSubs("p1", 1, 2)
	subs = append(subs, promoSub("p1", 5))
	promoErr(t, "an update with a misnumbered last submission", s.Update(t.Context(), r, subs...), cmkit.ErrInvalid)
	promoUnchanged(t, s, "p1", before, "a refused update")
	// A stale update appends nothing either.
	rec = promoUpdate(t, s, rec)
	before = promoSnapshot(t, s, "p1")
	stale := rec
	stale.Version, stale.Submissions = 1, 2
	promoErr(t, "a stale update with submissions", s.Update(t.Context(), stale, promoSubs("p1", 1, 2)...), cmkit.ErrConflict)
	promoUnchanged(t, s, "p1", before, "a stale update with submissions")
}

func promoOrder(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	// Many updates of different sizes, with mention IDs and times that
	// sort differently from Seq: the order is Seq.
	var want []promotion.StoredSubmission
	seq := 0
	for _, n := range []int{1, 3, 0, 300, 2, 700} {
		var subs []promotion.StoredSubmission
		for range n {
			seq++
			sub := promoSub("p1", seq)
			sub.Mention.ID = fmt.Sprint("m", 100000-seq)
			sub.Mention.CreatedAt = promoT0.Add(-time.Duration(seq) * time.Second)
			sub.Submission.MentionID = sub.Mention.ID
			subs = append(subs, sub)
		}
		rec = promoUpdate(t, s, rec, subs...)
		want = append(want, subs...)
	}
	got := promoAll(t, s, "p1", 0)
	if len(got) != len(want) {
		t.Fatalf("%d submissions read back, %d written", len(got), len(want))
	}
	for i := range want {
		if got[i].Seq != want[i].Seq || got[i].Mention.ID != want[i].Mention.ID {
			t.Fatalf("submission %d is seq %d (%s), want seq %d (%s)", i, got[i].Seq, got[i].Mention.ID, want[i].Seq, want[i].Mention.ID)
		}
	}
	for _, after := range []int{1, 4, 5, 257, 1005, 1006, 2000, -3} {
		got := promoAll(t, s, "p1", after)
		from := min(max(after, 0), len(want))
		if len(got) != len(want)-from || len(got) > 0 && got[0].Seq != from+1 {
			first := 0
			if len(got) > 0 {
				first = got[0].Seq
			}
			t.Errorf("after %d: %d submissions from seq %d; want %d from seq %d", after, len(got), first, len(want)-from, from+1)
		}
	}
	// Stopping early is allowed.
	n := 0
	for range s.Submissions(t.Context(), "p1", 0) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("stopped after %d submissions, want 3", n)
	}
}

func promoPerPromotion(t *testing.T, s promotion.Store) {
	a := promoCreate(t, s, promoRecord("a", "acme"))
	b := promoCreate(t, s, promoRecord("b", "acme"))
	promoUpdate(t, s, a, promoSubs("a", 1, 2)...)
	promoUpdate(t, s, b, promoSubs("b", 1, 3)...)
	if got := promoAll(t, s, "a", 0); len(got) != 2 || got[0].Mention.ID != "a-m1" {
		t.Errorf("promotion a: %d submissions, want its own 2", len(got))
	}
	if got := promoAll(t, s, "b", 0); len(got) != 3 || got[0].Mention.ID != "b-m1" {
		t.Errorf("promotion b: %d submissions, want its own 3", len(got))
	}
}

func promoList(t *testing.T, s promotion.Store) {
	for _, c := range []struct{ id, brand string }{{"c", "acme"}, {"a", "acme"}, {"b", "other"}, {"d", "acme"}} {
		promoCreate(t, s, promoRecord(c.id, c.brand))
	}
	ids := func(brand string) string {
		t.Helper()
		recs, err := s.List(t.Context(), brand)
		if err != nil {
			t.Errorf("List(%q): %v", brand, err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Promotion.ID)
		}
		return fmt.Sprint(out)
	}
	for brand, want := range map[string]string{"acme": "[a c d]", "other": "[b]", "": "[a b c d]", "none": "[]"} {
		if got := ids(brand); got != want {
			t.Errorf("List(%q) = %s, want %s", brand, got, want)
		}
	}
}

func promoCopies(t *testing.T, s promotion.Store) {
	rec := promoRecord("p1", "acme")
	want := rec.Clone()
	want.Version = 1
	if err := s.Create(t.Context(), rec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	scribble := func(r *promotion.PromotionRecord, v string) {
		r.Promotion.Channels[0].ID, r.Promotion.Prizes[0].Name, r.Promotion.Countries[0] = v, v, v
		r.Promotion.Mechanics.Hashtags[0], r.Promotion.Mechanics.Keywords[0], r.Promotion.Mechanics.OwnHandles[0] = v, v, v
		r.Promotion.Eligibility.ExcludedAccounts[0] = v
		r.Beacon.Value[0], r.Draw.Beacon.Value[0] = 9, 9
		r.Draw.Winners[0], r.Draw.Alternates[0] = v, v
		r.Winners.Slots[0].Winner.Handle, r.Winners.Alternates[0].Entry, r.Winners.Events[0].Entry = v, v, v
	}
	check := func(what string) {
		t.Helper()
		got := promoGet(t, s, "p1")
		inboxExpect(t, what, want, got)
		scribble(&got, "y")
	}
	scribble(&rec, "x")
	check("after changing the created value")
	check("after changing a value read")
	upd := want.Clone()
	upd.Submissions = 1
	sub := promoSub("p1", 1)
	if err := s.Update(t.Context(), upd, sub); err != nil {
		t.Fatalf("Update: %v", err)
	}
	want.Version, want.Submissions = 2, 1
	scribble(&upd, "z")
	check("after changing the updated value")
	recs, err := s.List(t.Context(), "acme")
	if err != nil || len(recs) != 1 {
		t.Fatalf("List: %v, %v", recs, err)
	}
	scribble(&recs[0], "w")
	check("after changing a listed value")
	got := promoAll(t, s, "p1", 0)
	if len(got) != 1 {
		t.Fatalf("%d submissions, want 1", len(got))
	}
	got[0].Mention.Text = "changed"
	if again := promoAll(t, s, "p1", 0); len(again) != 1 || again[0].Mention.Text != sub.Mention.Text {
		t.Errorf("changing a submission read changed the stored one")
	}
}

func promoCanceled(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	before := promoSnapshot(t, s, "p1")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Get(ctx, "p1")
	promoErr(t, "Get", err, context.Canceled)
	_, err = s.List(ctx, "")
	promoErr(t, "List", err, context.Canceled)
	var iterErr error
	for _, err := range s.Submissions(ctx, "p1", 0) {
		iterErr = err
		break
	}
	promoErr(t, "Submissions", iterErr, context.Canceled)
	rec.Submissions = 1
	promoErr(t, "Update", s.Update(ctx, rec, promoSub("p1", 1)), context.Canceled)
	promoUnchanged(t, s, "p1", before, "a canceled Update")
	promoErr(t, "Create", s.Create(ctx, promotion.PromotionRecord{Promotion: promotion.Promotion{ID: "p2"}, Status: promotion.StatusDraft}),
		context.Canceled)
	if _, err := s.Get(t.Context(), "p2"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a canceled Create stored the promotion (%v)", err)
	}
}

func promoConcurrentWriters(t *testing.T, s promotion.Store) {
	rec := promoCreate(t, s, promoRecord("p1", "acme"))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := rec.Clone()
			w.Promotion.TermsURL = fmt.Sprint("https://acme.example/", i)
			w.Submissions = 1
			errs[i] = s.Update(context.Background(), w, promoSub("p1", 1))
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, cmkit.ErrConflict):
			t.Errorf("writer %d: %v, want nil or a conflict", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d writers at one version won; want exactly 1", won, n)
	}
	if got := promoAll(t, s, "p1", 0); len(got) != won {
		t.Errorf("%d submissions stored; want one per winning write, %d", len(got), won)
	}
	if got := promoGet(t, s, "p1"); got.Version != 2 || got.Submissions != 1 {
		t.Errorf("version %d with %d submissions; want 2 with 1", got.Version, got.Submissions)
	}
}

func promoConcurrentAppends(t *testing.T, s promotion.Store) {
	promoCreate(t, s, promoRecord("p1", "acme"))
	const n, each = 4, 6
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				for {
					cur, err := s.Get(context.Background(), "p1")
					if err != nil {
						t.Errorf("Get: %v", err)
						return
					}
					sub := promoSub("p1", cur.Submissions+1)
					sub.Mention.Text = fmt.Sprintf("writer %d, %d", w, i)
					cur.Submissions++
					err = s.Update(context.Background(), cur, sub)
					if err == nil {
						break
					}
					if !errors.Is(err, cmkit.ErrConflict) {
						t.Errorf("Update: %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	got := promoAll(t, s, "p1", 0)
	seen := map[string]bool{}
	for i, sub := range got {
		if sub.Seq != i+1 {
			t.Errorf("submission %d has seq %d", i, sub.Seq)
		}
		seen[sub.Mention.Text] = true
	}
	if len(got) != n*each || len(seen) != n*each {
		t.Errorf("%d submissions (%d distinct) after %d appends", len(got), len(seen), n*each)
	}
	if rec := promoGet(t, s, "p1"); rec.Submissions != n*each || rec.Version != 1+n*each {
		t.Errorf("record: %d submissions at version %d; want %d at %d", rec.Submissions, rec.Version, n*each, 1+n*each)
	}
}

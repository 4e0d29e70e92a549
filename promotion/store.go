package promotion

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// PromotionStatus is where a stored promotion stands. It only moves forward:
// draft, open, closed, then, for a giveaway, drawn and revealed.
type PromotionStatus string

// The statuses, in order.
const (
	// StatusDraft: created, not open yet; no seed exists.
	StatusDraft PromotionStatus = "draft"
	// StatusOpen: the seed is made and its commitment published; entries
	// are collected.
	StatusOpen PromotionStatus = "open"
	// StatusClosed: the entry list is frozen and its hash recorded.
	StatusClosed PromotionStatus = "closed"
	// StatusDrawn: a giveaway's winners and alternates are drawn; the seed
	// is still secret.
	StatusDrawn PromotionStatus = "drawn"
	// StatusRevealed: the seed is published with the draw record, which
	// anyone can check with Verify.
	StatusRevealed PromotionStatus = "revealed"
)

// rank orders the statuses; 0 for an unknown one.
func (s PromotionStatus) rank() int {
	switch s {
	case StatusDraft:
		return 1
	case StatusOpen:
		return 2
	case StatusClosed:
		return 3
	case StatusDrawn:
		return 4
	case StatusRevealed:
		return 5
	}
	return 0
}

// PromotionRecord is a promotion as stored: the promotion, where it stands, and the
// draw's inputs and outcome as they become known. Its ID is Promotion.ID.
//
// Seed is the secret of the commit–reveal draw: it is set when the
// promotion opens and must stay secret until StatusRevealed. Service
// methods meant for readers return a record through Public, which zeroes
// it before the reveal.
type PromotionRecord struct {
	// Promotion is the promotion as created.
	Promotion Promotion `json:"promotion"`
	// Status is where it stands.
	Status PromotionStatus `json:"status"`
	// Version is the stored version: 1 once created, one more per update.
	// Update must carry the version it read.
	Version int `json:"version"`
	// Seed is the draw's secret seed, set at open (zero before).
	Seed Seed `json:"seed"`
	// Commitment is Commit(Seed, Beacon), published at open.
	Commitment Digest `json:"commitment"`
	// Beacon names the public randomness the draw will use (its Value
	// empty until the draw); nil for a draw without one.
	Beacon *Beacon `json:"beacon,omitempty"`
	// Submissions is how many submissions are stored for the promotion,
	// which Update keeps equal to the submissions it appended.
	Submissions int `json:"submissions"`
	// EntriesHash is the frozen entry list's hash, set at close (zero when
	// no entry was accepted).
	EntriesHash Digest `json:"entries_hash"`
	// EntryCount is how many keys the frozen entry list has.
	EntryCount int `json:"entry_count"`
	// Draw is the draw's record, set when drawn; its Seed is the secret
	// seed too.
	Draw *DrawRecord `json:"draw,omitempty"`
	// Winners is where the winners stand after the draw (notified,
	// answered, replaced); nil until Service.StartWinners.
	Winners *Winners `json:"winners,omitempty"`
	// CreatedAt, OpenedAt, ClosedAt, DrawnAt and RevealedAt are when each
	// step happened (zero until then).
	CreatedAt time.Time `json:"created_at"`
	// OpenedAt is when it opened.
	OpenedAt time.Time `json:"opened_at,omitzero"`
	// ClosedAt is when entries were closed.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	// DrawnAt is when the draw was made.
	DrawnAt time.Time `json:"drawn_at,omitzero"`
	// RevealedAt is when the seed was published.
	RevealedAt time.Time `json:"revealed_at,omitzero"`
}

// ID returns the promotion's ID, the record's key in a Store.
func (r *PromotionRecord) ID() string { return r.Promotion.ID }

// Clone returns a deep copy of r, sharing no memory with it.
func (r PromotionRecord) Clone() PromotionRecord {
	r.Promotion = clonePromotion(r.Promotion)
	r.Beacon = cloneBeacon(r.Beacon)
	if r.Draw != nil {
		d := *r.Draw
		d.Beacon = cloneBeacon(d.Beacon)
		d.Winners = slices.Clone(d.Winners)
		d.Alternates = slices.Clone(d.Alternates)
		r.Draw = &d
	}
	r.Winners = cloneWinners(r.Winners)
	return r
}

// Public returns a copy of r for people who may read the promotion but
// not its secret: before StatusRevealed, the seed (in Seed and in Draw)
// is zero.
func (r PromotionRecord) Public() PromotionRecord {
	r = r.Clone()
	if r.Status != StatusRevealed {
		r.Seed = Seed{}
		if r.Draw != nil {
			r.Draw.Seed = Seed{}
		}
	}
	return r
}

func cloneBeacon(b *Beacon) *Beacon {
	if b == nil {
		return nil
	}
	c := *b
	c.Value = slices.Clone(b.Value)
	return &c
}

func clonePromotion(p Promotion) Promotion {
	p.Channels = slices.Clone(p.Channels)
	p.Prizes = slices.Clone(p.Prizes)
	p.Countries = slices.Clone(p.Countries)
	p.Mechanics.Hashtags = slices.Clone(p.Mechanics.Hashtags)
	p.Mechanics.Keywords = slices.Clone(p.Mechanics.Keywords)
	p.Mechanics.OwnHandles = slices.Clone(p.Mechanics.OwnHandles)
	p.Eligibility.ExcludedAccounts = slices.Clone(p.Eligibility.ExcludedAccounts)
	return p
}

// StoredSubmission is one checked mention as stored: the mention itself,
// what the product's IdentityLinker and AuthorLookup answered for it, and
// the decision made when it arrived. Replaying the stored submissions in
// order through a new Entries, with those answers, rebuilds the same
// Entries, so that a restarted Service decides as an uninterrupted one.
type StoredSubmission struct {
	// Seq numbers the promotion's submissions from 1, in arrival order.
	Seq int `json:"seq"`
	// Mention is the mention as received.
	Mention cmkit.Mention `json:"mention"`
	// LookedUp reports whether the entrant was looked up (the checks of
	// the mention's content passed); Person and Facts are the answers.
	LookedUp bool `json:"looked_up,omitempty"`
	// Person is what the IdentityLinker answered.
	Person string `json:"person,omitempty"`
	// Facts is what the AuthorLookup answered.
	Facts AuthorFacts `json:"facts,omitzero"`
	// Submission is the decision when it arrived. A later near-duplicate
	// group may reject it afterwards; Entries, rebuilt, says so.
	Submission Submission `json:"submission"`
}

// Store keeps promotions and their submissions. Implementations must be
// safe for concurrent use and must copy what they take and what they
// return; cmkittest.TestPromotionStore checks one.
type Store interface {
	// Create stores a new promotion at version 1 (rec.Version must be 0
	// and rec.Submissions 0). A promotion whose ID is stored already is
	// an error wrapping cmkit.ErrConflict; a record without an ID or a
	// status, or with a version, is an error wrapping cmkit.ErrInvalid.
	Create(ctx context.Context, rec PromotionRecord) error
	// Get returns the promotion with this ID, or an error wrapping
	// cmkit.ErrNotFound.
	Get(ctx context.Context, id string) (PromotionRecord, error)
	// Update writes rec over the stored promotion of the same ID and
	// appends subs to its submissions, all or nothing. rec.Version must
	// equal the stored version (a stale one is an error wrapping
	// cmkit.ErrConflict; zero, or a negative one, wraps cmkit.ErrInvalid;
	// an unknown ID wraps cmkit.ErrNotFound), and the stored version
	// becomes one more. rec.Submissions must be the stored count plus
	// len(subs), and subs must be numbered on from the stored count
	// (Seq = count+1, count+2, ...), else cmkit.ErrInvalid. On error
	// nothing changes.
	Update(ctx context.Context, rec PromotionRecord, subs ...StoredSubmission) error
	// List returns the brand's promotions ("" for every brand), by ID.
	List(ctx context.Context, brand string) ([]PromotionRecord, error)
	// Submissions yields the promotion's submissions whose Seq is greater
	// than after, in Seq order (none for an unknown promotion). An error
	// ends the sequence.
	Submissions(ctx context.Context, id string, after int) iter.Seq2[StoredSubmission, error]
}

// checkCreate checks what Create refuses as invalid.
func checkCreate(rec *PromotionRecord) error {
	switch {
	case rec.Promotion.ID == "":
		return cmkit.Invalid("promotion.id", "required", "a stored promotion needs an ID")
	case rec.Status.rank() == 0:
		return cmkit.Invalid("status", "enum", "%q is not a status", rec.Status)
	case rec.Version != 0:
		return cmkit.Invalid("version", "zero", "a new promotion has version 0, not %d", rec.Version)
	case rec.Submissions != 0:
		return cmkit.Invalid("submissions", "zero", "a new promotion has no submissions, not %d", rec.Submissions)
	}
	return nil
}

// checkUpdate checks what Update refuses as invalid before looking at the
// stored promotion.
func checkUpdate(rec *PromotionRecord, subs []StoredSubmission) error {
	switch {
	case rec.Promotion.ID == "":
		return cmkit.Invalid("promotion.id", "required", "a stored promotion needs an ID")
	case rec.Status.rank() == 0:
		return cmkit.Invalid("status", "enum", "%q is not a status", rec.Status)
	case rec.Version <= 0:
		return cmkit.Invalid("version", "required", "an update carries the version it read, not %d", rec.Version)
	}
	for i := 1; i < len(subs); i++ {
		if subs[i].Seq != subs[i-1].Seq+1 {
			return cmkit.Invalid(fmt.Sprintf("subs[%d].seq", i), "consecutive", "seq %d after %d", subs[i].Seq, subs[i-1].Seq)
		}
	}
	return nil
}

// checkCount checks the submission numbering of an update against the
// stored count.
func checkCount(rec *PromotionRecord, subs []StoredSubmission, stored int) error {
	if len(subs) > 0 && subs[0].Seq != stored+1 {
		return cmkit.Invalid("subs[0].seq", "next", "seq %d, the next is %d", subs[0].Seq, stored+1)
	}
	if rec.Submissions != stored+len(subs) {
		return cmkit.Invalid("submissions", "count", "%d submissions, stored %d plus %d appended is %d",
			rec.Submissions, stored, len(subs), stored+len(subs))
	}
	return nil
}

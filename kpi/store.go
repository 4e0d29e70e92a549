package kpi

import (
	"cmp"
	"context"
	"iter"
	"math"
	"time"

	"github.com/cmkit/cmkit"
)

// Store keeps what the package persists: the Aggregator's day buckets,
// one per series and day (Aggregator.Flush and Aggregator.Load use it),
// and the Tracker's KPI definitions, sheets and filled-in cells with
// their history. Everything is written with optimistic versions, and
// each Put method writes all it is given or nothing.
//
// # Contract
//
// Implementations must be safe for concurrent use and must pass
// cmkittest.TestKPIStore. They copy values in and out: nothing the caller
// holds aliases what is stored.
type Store interface {
	// Buckets yields every stored bucket, ordered by measure, then
	// segment (brand, platform, channel, country, campaign), then day.
	// Stopping early is allowed.
	Buckets(ctx context.Context) iter.Seq2[DayBucket, error]
	// PutBuckets writes buckets atomically: all of them, or, on any
	// error, none. Each carries the version it was read at: 0 creates it
	// (cmkit.ErrConflict if its series and day are stored), any other
	// value must equal the stored version (else cmkit.ErrConflict, or
	// cmkit.ErrNotFound if none is stored). The store saves Version+1.
	// A bucket that fails DayBucket.Validate, or a series and day named
	// twice, is an error wrapping cmkit.ErrInvalid.
	PutBuckets(ctx context.Context, buckets []DayBucket) error

	// Definitions yields every stored KPI definition, ordered by ID.
	Definitions(ctx context.Context) iter.Seq2[StoredDefinition, error]
	// PutDefinitions writes definitions atomically, with versions as
	// PutBuckets does. One failing Definition.Validate, or an ID named
	// twice, is an error wrapping cmkit.ErrInvalid.
	PutDefinitions(ctx context.Context, defs []StoredDefinition) error

	// Sheets yields every stored sheet, ordered by ID.
	Sheets(ctx context.Context) iter.Seq2[Sheet, error]
	// PutSheets writes sheets atomically, with versions as PutBuckets
	// does. One failing Sheet.Validate, or an ID named twice, is an
	// error wrapping cmkit.ErrInvalid.
	PutSheets(ctx context.Context, sheets []Sheet) error

	// Cells yields the stored cells of the sheet with ID sheet, each with
	// its history, in CompareCells order.
	Cells(ctx context.Context, sheet string) iter.Seq2[Cell, error]
	// Cell returns one stored cell of the sheet with ID sheet, with its
	// history, or an error wrapping cmkit.ErrNotFound.
	Cell(ctx context.Context, sheet string, ref CellRef) (Cell, error)
	// PutCells writes cells atomically, with versions as PutBuckets
	// does. On an update the store appends the replaced value (Value, By,
	// At) to the cell's History; the History written is ignored. One
	// failing Cell.Validate, or a cell named twice, is an error wrapping
	// cmkit.ErrInvalid.
	PutCells(ctx context.Context, cells []Cell) error
}

// DayBucket is what one series (a Measure of a Segment) added up on one
// day of the Aggregator's time zone, as a Store keeps it.
type DayBucket struct {
	// Measure and Segment name the series.
	Measure Measure `json:"measure"`
	Segment Segment `json:"segment"`
	// Day is the day (a PeriodDay Period).
	Day Period `json:"day"`
	// Version is the version read (0 for a new bucket); the store saves
	// Version+1.
	Version int64 `json:"version"`
	// Count is how many values were added.
	Count int64 `json:"count"`
	// Sum is their sum.
	Sum float64 `json:"sum"`
	// First and Last are a snapshot's first and last readings, taken at
	// FirstAt and LastAt.
	First   float64   `json:"first,omitempty"`
	Last    float64   `json:"last,omitempty"`
	FirstAt time.Time `json:"first_at,omitzero"`
	LastAt  time.Time `json:"last_at,omitzero"`
	// Min and Max are a distribution's smallest and largest samples.
	Min float64 `json:"min,omitempty"`
	Max float64 `json:"max,omitempty"`
	// Sketch is a distribution's quantile sketch, encoded.
	Sketch []byte `json:"sketch,omitempty"`
}

// Validate returns nil for a bucket a Store may keep: a valid measure, a
// day, a version and count not below 0, and finite numbers. Otherwise
// it returns an error wrapping cmkit.ErrInvalid that names the field.
func (b DayBucket) Validate() error {
	if err := b.Measure.Validate(); err != nil {
		return err
	}
	if b.Day.Kind() != PeriodDay {
		return cmkit.Invalid("day", "kind", "%q is not a day", b.Day.String())
	}
	if b.Version < 0 {
		return cmkit.Invalid("version", "range", "%d is below 0", b.Version)
	}
	if b.Count < 0 {
		return cmkit.Invalid("count", "range", "%d is below 0", b.Count)
	}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"sum", b.Sum}, {"first", b.First}, {"last", b.Last}, {"min", b.Min}, {"max", b.Max}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return cmkit.Invalid(f.name, "finite", "%v is not a finite number", f.v)
		}
	}
	return nil
}

// CompareDayBuckets orders buckets as Store.Buckets yields them: by
// measure, segment (brand, platform, channel, country, campaign), then
// day. It returns -1, 0 or +1, and 0 for the same series and day.
func CompareDayBuckets(a, b DayBucket) int {
	return cmp.Or(cmp.Compare(a.Measure, b.Measure), compareSegments(a.Segment, b.Segment), cmp.Compare(a.Day.first, b.Day.first),
		cmp.Compare(a.Day.kind, b.Day.kind))
}

func compareSegments(a, b Segment) int {
	return cmp.Or(cmp.Compare(a.Brand, b.Brand), cmp.Compare(a.Platform, b.Platform), cmp.Compare(a.Channel, b.Channel),
		cmp.Compare(a.Country, b.Country), cmp.Compare(a.Campaign, b.Campaign))
}

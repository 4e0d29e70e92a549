package cmkittest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// TestKPIStore runs the conformance suite for kpi.Store implementations.
// newStore is called once per subtest and must return an empty store; it
// may register cleanups with t.Cleanup.
//
// The subtests are named by the promise they check:
//
//	RoundTrip                  every kind of bucket reads back as written
//	VersionRises               created at 1, then one more per write
//	StaleVersionConflicts      a repeated create or a stale version
//	                           conflicts and changes nothing
//	UpdateOfMissingNotFound    a version other than 0 of nothing stored
//	InvalidWrites              buckets failing Validate, or named twice
//	PutIsAtomic                one bad bucket refuses the whole write
//	BucketsInOrder             by measure, segment, then day
//	CopiesInAndOut             neither the write nor what Buckets yields
//	                           shares memory with the store
//	IterationEarlyStop         stopping Buckets early
//	CanceledContext            every method, and nothing written
//	ConcurrentWritersOneWins   writers at one version: exactly one wins
//	ConcurrentReadModifyWrite  retrying writers lose no update
//	FlushAndLoad               an Aggregator flushed to the store and
//	                           loaded back reads the same totals
//	DefinitionsRoundTrip       definitions read back as written, by ID
//	DefinitionsVersioned       stale, repeated, invalid or partly bad
//	                           writes change nothing
//	SheetsRoundTrip            sheets read back as written, by ID,
//	                           versions rising
//	SheetsVersioned            stale, invalid or partly bad writes
//	                           change nothing
//	CellsKeepHistory           each update keeps the value replaced,
//	                           oldest first; a written History is ignored;
//	                           Cell reads one cell, or cmkit.ErrNotFound
//	CellsVersioned             stale, invalid or partly bad writes
//	                           change nothing
//	CellsBySheetInOrder        one sheet's cells, by KPI, segment, period
//	CellsCopyHistory           a History read (Cells, Cell) shares no
//	                           memory
//
// Problems are reported with t.Errorf, so one run lists all of them.
func TestKPIStore(t *testing.T, newStore func(t *testing.T) kpi.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[kpi.Store]{
		{"RoundTrip", kpiRoundTrip},
		{"VersionRises", kpiVersionRises},
		{"StaleVersionConflicts", kpiStale},
		{"UpdateOfMissingNotFound", kpiMissing},
		{"InvalidWrites", kpiInvalid},
		{"PutIsAtomic", kpiAtomic},
		{"BucketsInOrder", kpiOrder},
		{"CopiesInAndOut", kpiCopies},
		{"IterationEarlyStop", kpiEarlyStop},
		{"CanceledContext", kpiCanceled},
		{"ConcurrentWritersOneWins", kpiConcurrentWriters},
		{"ConcurrentReadModifyWrite", kpiConcurrentRMW},
		{"FlushAndLoad", kpiFlushAndLoad},
		{"DefinitionsRoundTrip", kpiDefinitionsRoundTrip},
		{"DefinitionsVersioned", kpiDefinitionsVersioned},
		{"SheetsRoundTrip", kpiSheetsRoundTrip},
		{"SheetsVersioned", kpiSheetsVersioned},
		{"CellsKeepHistory", kpiCellsKeepHistory},
		{"CellsVersioned", kpiCellsVersioned},
		{"CellsBySheetInOrder", kpiCellsOrder},
		{"CellsCopyHistory", kpiCellsCopyHistory},
	})
}

var (
	kpiSegES = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-es", Country: "ES", Campaign: "spring"}
	kpiSegPL = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-pl", Country: "PL"}
)

func kpiDay(t *testing.T, s string) kpi.Period {
	t.Helper()
	p, err := kpi.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// kpiBuckets returns one bucket of each kind of measure, new.
func kpiBuckets(t *testing.T) []kpi.DayBucket {
	day := kpiDay(t, "2026-03-29")
	at := time.Date(2026, 3, 29, 8, 0, 0, 0, time.UTC)
	return []kpi.DayBucket{
		{Measure: kpi.Impressions, Segment: kpiSegES, Day: day, Count: 3, Sum: 1234.5},
		{Measure: kpi.Followers, Segment: kpiSegES, Day: day, Count: 2, Sum: 2001, First: 1000, Last: 1001,
			FirstAt: at, LastAt: at.Add(time.Hour)},
		{Measure: kpi.ResponseTime, Segment: kpiSegPL, Day: day, Count: 2, Sum: 90, Min: 30, Max: 60, Sketch: []byte{1, 2, 3, 0}},
	}
}

// kpiRead returns every bucket the store yields.
func kpiRead(t *testing.T, s kpi.Store) []kpi.DayBucket {
	t.Helper()
	return collect(t, "Buckets", s.Buckets(t.Context()))
}

// kpiFind returns the stored bucket of b's series and day.
func kpiFind(t *testing.T, s kpi.Store, b kpi.DayBucket) (kpi.DayBucket, bool) {
	t.Helper()
	for _, got := range kpiRead(t, s) {
		if got.Measure == b.Measure && got.Segment == b.Segment && got.Day == b.Day {
			return got, true
		}
	}
	return kpi.DayBucket{}, false
}

func kpiPut(t *testing.T, s kpi.Store, bs ...kpi.DayBucket) {
	t.Helper()
	if err := s.PutBuckets(t.Context(), bs); err != nil {
		t.Fatalf("PutBuckets: %v", err)
	}
}

// kpiSame reports whether two buckets are equal, times by instant.
func kpiSame(a, b kpi.DayBucket) bool {
	if !a.FirstAt.Equal(b.FirstAt) || !a.LastAt.Equal(b.LastAt) || len(a.Sketch) != len(b.Sketch) {
		return false
	}
	a.FirstAt, a.LastAt, b.FirstAt, b.LastAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(a.Sketch) == 0 { // nil and empty are the same
		a.Sketch, b.Sketch = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// kpiUnchanged checks that the store holds exactly want.
func kpiUnchanged(t *testing.T, s kpi.Store, what string, want []kpi.DayBucket) {
	t.Helper()
	got := kpiRead(t, s)
	if len(got) != len(want) {
		t.Errorf("%s: the store holds %d buckets, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if !kpiSame(got[i], want[i]) {
			t.Errorf("%s: bucket %d is %+v, want %+v", what, i+1, got[i], want[i])
		}
	}
}

func kpiRoundTrip(t *testing.T, s kpi.Store) {
	in := kpiBuckets(t)
	kpiPut(t, s, in...)
	for _, b := range in {
		got, ok := kpiFind(t, s, b)
		if !ok {
			t.Errorf("%s of %s on %s: not stored", b.Measure, b.Segment, b.Day)
			continue
		}
		b.Version = 1
		if !kpiSame(got, b) {
			t.Errorf("read back %+v, want %+v", got, b)
		}
	}
	if n := len(kpiRead(t, s)); n != len(in) {
		t.Errorf("the store holds %d buckets, want %d", n, len(in))
	}
}

func kpiVersionRises(t *testing.T, s kpi.Store) {
	b := kpiBuckets(t)[0]
	for want := int64(1); want <= 3; want++ {
		kpiPut(t, s, b)
		got, _ := kpiFind(t, s, b)
		if got.Version != want {
			t.Fatalf("after write %d the version is %d, want %d", want, got.Version, want)
		}
		b.Version = want
		b.Sum++
	}
}

func kpiStale(t *testing.T, s kpi.Store) {
	b := kpiBuckets(t)[0]
	kpiPut(t, s, b)
	b.Version = 1
	kpiPut(t, s, b)
	before := kpiRead(t, s)
	for _, v := range []int64{0, 1, 3} {
		c := b
		c.Version, c.Sum = v, -1
		if err := s.PutBuckets(t.Context(), []kpi.DayBucket{c}); !errors.Is(err, cmkit.ErrConflict) {
			t.Errorf("a write at version %d of a bucket at version 2: %v, want cmkit.ErrConflict", v, err)
		}
	}
	kpiUnchanged(t, s, "after conflicting writes", before)
}

func kpiMissing(t *testing.T, s kpi.Store) {
	b := kpiBuckets(t)[0]
	b.Version = 1
	if err := s.PutBuckets(t.Context(), []kpi.DayBucket{b}); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a write at version 1 of nothing stored: %v, want cmkit.ErrNotFound", err)
	}
	kpiUnchanged(t, s, "after the write of nothing stored", nil)
}

func kpiInvalid(t *testing.T, s kpi.Store) {
	good := kpiBuckets(t)[0]
	bad := map[string]func(b *kpi.DayBucket){
		"an invalid measure": func(b *kpi.DayBucket) { b.Measure = "Impressions" },
		"a month, not a day": func(b *kpi.DayBucket) { b.Day = kpiDay(t, "2026-03") },
		"the zero day":       func(b *kpi.DayBucket) { b.Day = kpi.Period{} },
		"a negative count":   func(b *kpi.DayBucket) { b.Count = -1 },
		"a negative version": func(b *kpi.DayBucket) { b.Version = -1 },
	}
	for what, spoil := range bad {
		b := good
		spoil(&b)
		if err := s.PutBuckets(t.Context(), []kpi.DayBucket{b}); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("a bucket with %s: %v, want cmkit.ErrInvalid", what, err)
		}
	}
	if err := s.PutBuckets(t.Context(), []kpi.DayBucket{good, good}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a write naming one bucket twice: %v, want cmkit.ErrInvalid", err)
	}
	kpiUnchanged(t, s, "after invalid writes", nil)
}

func kpiAtomic(t *testing.T, s kpi.Store) {
	in := kpiBuckets(t)
	kpiPut(t, s, in[0])
	before := kpiRead(t, s)
	// New buckets with an invalid one, then with a conflicting one (a
	// create of what is stored), last so a store that writes as it
	// checks has written the others.
	spoiled := in[0]
	spoiled.Count = -1
	for what, last := range map[string]kpi.DayBucket{"an invalid bucket": spoiled, "a conflicting bucket": in[0]} {
		if err := s.PutBuckets(t.Context(), []kpi.DayBucket{in[1], in[2], last}); err == nil {
			t.Errorf("a write with %s succeeded", what)
		}
		kpiUnchanged(t, s, "after a write refused for "+what, before)
	}
}

func kpiOrder(t *testing.T, s kpi.Store) {
	var want []kpi.DayBucket
	for _, m := range []kpi.Measure{kpi.Clicks, kpi.Impressions, kpi.Posts} {
		for _, seg := range []kpi.Segment{{Brand: "a"}, {Brand: "a", Channel: "x"}, kpiSegPL, {Brand: "b", Platform: "mastodon"}} {
			for _, d := range []string{"2025-12-31", "2026-01-02", "2026-01-10"} {
				want = append(want, kpi.DayBucket{Measure: m, Segment: seg, Day: kpiDay(t, d), Version: 1, Count: 1, Sum: 1})
			}
		}
	}
	in := slices.Clone(want)
	for i := range in {
		in[i].Version = 0
	}
	// Written in an order that is neither sorted nor reversed.
	for i := range in {
		j := (i * 7) % len(in)
		in[i], in[j] = in[j], in[i]
	}
	kpiPut(t, s, in[:len(in)/2]...)
	kpiPut(t, s, in[len(in)/2:]...)
	kpiUnchanged(t, s, "Buckets", want)
}

func kpiCopies(t *testing.T, s kpi.Store) {
	in := kpiBuckets(t)
	kpiPut(t, s, in...)
	in[2].Sketch[0] = 99
	got, _ := kpiFind(t, s, in[2])
	if len(got.Sketch) == 0 || got.Sketch[0] != 1 {
		t.Errorf("changing the written Sketch changed the stored one: %v", got.Sketch)
	}
	if len(got.Sketch) < 2 {
		return
	}
	got.Sketch[1] = 99
	again, _ := kpiFind(t, s, in[2])
	if len(again.Sketch) < 2 || again.Sketch[1] != 2 {
		t.Errorf("changing a read Sketch changed the stored one: %v", again.Sketch)
	}
}

func kpiEarlyStop(t *testing.T, s kpi.Store) {
	kpiPut(t, s, kpiBuckets(t)...)
	n := 0
	for _, err := range s.Buckets(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("stopping after the first bucket yielded %d", n)
	}
}

func kpiCanceled(t *testing.T, s kpi.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.PutBuckets(ctx, kpiBuckets(t)); !errors.Is(err, context.Canceled) {
		t.Errorf("PutBuckets with a canceled context: %v, want context.Canceled", err)
	}
	kpiUnchanged(t, s, "after a canceled PutBuckets", nil)
	kpiPut(t, s, kpiBuckets(t)...)
	var got error
	for _, err := range s.Buckets(ctx) {
		if err != nil {
			got = err
			break
		}
	}
	if !errors.Is(got, context.Canceled) {
		t.Errorf("Buckets with a canceled context: %v, want context.Canceled", got)
	}
}

func kpiConcurrentWriters(t *testing.T, s kpi.Store) {
	b := kpiBuckets(t)[0]
	oneWriterWins(t, "PutBuckets creating a bucket", func(i int) error {
		c := b
		c.Sum = float64(i)
		return s.PutBuckets(t.Context(), []kpi.DayBucket{c})
	})
	b.Version = 1
	oneWriterWins(t, "PutBuckets of a bucket", func(i int) error {
		c := b
		c.Sum = float64(i)
		return s.PutBuckets(t.Context(), []kpi.DayBucket{c})
	})
	if got, _ := kpiFind(t, s, b); got.Version != 2 {
		t.Errorf("after two winning writes the bucket is at version %d, want 2", got.Version)
	}
}

// kpiConcurrentRMW: writers each add 1 to a bucket's Count, re-reading
// on a conflict; none of the additions is lost.
func kpiConcurrentRMW(t *testing.T, s kpi.Store) {
	b := kpiBuckets(t)[0]
	b.Count = 0
	kpiPut(t, s, b)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for attempt := 0; ; attempt++ {
					if attempt == 1000 {
						t.Errorf("a writer conflicted 1000 times in a row")
						return
					}
					cur, ok := kpiFindQuiet(t.Context(), s, b)
					if !ok {
						t.Errorf("the bucket vanished")
						return
					}
					cur.Count++
					err := s.PutBuckets(t.Context(), []kpi.DayBucket{cur})
					if err == nil {
						break
					}
					if !errors.Is(err, cmkit.ErrConflict) {
						t.Errorf("PutBuckets: %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	got, _ := kpiFind(t, s, b)
	if got.Count != writers*each || got.Version != writers*each+1 {
		t.Errorf("after %d increments the bucket counts %d at version %d, want %d at %d", writers*each, got.Count, got.Version,
			writers*each, writers*each+1)
	}
}

// kpiFindQuiet is kpiFind for goroutines other than the test's.
func kpiFindQuiet(ctx context.Context, s kpi.Store, b kpi.DayBucket) (kpi.DayBucket, bool) {
	for got, err := range s.Buckets(ctx) {
		if err != nil {
			return kpi.DayBucket{}, false
		}
		if got.Measure == b.Measure && got.Segment == b.Segment && got.Day == b.Day {
			return got, true
		}
	}
	return kpi.DayBucket{}, false
}

func kpiFlushAndLoad(t *testing.T, s kpi.Store) {
	ctx := t.Context()
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	a := kpi.NewAggregator(loc)
	at := time.Date(2026, 3, 28, 22, 0, 0, 0, loc)
	for i, m := range []kpi.Measure{kpi.Impressions, kpi.Followers, kpi.ResponseTime} {
		for _, seg := range []kpi.Segment{kpiSegES, kpiSegPL} {
			h, err := a.Series(m, seg)
			if err != nil {
				t.Fatal(err)
			}
			for j := range 6 {
				if err := a.Add(h, at.Add(time.Duration(j)*time.Hour), float64(10*i+j)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := a.Flush(ctx, s); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	b := kpi.NewAggregator(loc)
	if err := b.Load(ctx, s); err != nil {
		t.Fatalf("Load: %v", err)
	}
	// A reading between a day's first and last, in both: the loaded
	// Aggregator needs the stored times to know it is neither.
	for _, agg := range []*kpi.Aggregator{a, b} {
		h, err := agg.Series(kpi.Followers, kpiSegES)
		if err != nil {
			t.Fatal(err)
		}
		if err := agg.Add(h, at.Add(30*time.Minute), 999); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"2026-03-28", "2026-03-29", "2026-W13", "2026-Q1"} {
		period := kpiDay(t, p)
		want, _ := a.Totals(kpi.Segment{Brand: "acme"}, period)
		got, _ := b.Totals(kpi.Segment{Brand: "acme"}, period)
		for _, m := range []kpi.Measure{kpi.Impressions, kpi.Followers, kpi.ResponseTime} {
			wf, wok := want.First(m)
			gf, gok := got.First(m)
			wl, _ := want.Last(m)
			gl, _ := got.Last(m)
			wq, _ := want.Quantile(m, 0.5)
			gq, _ := got.Quantile(m, 0.5)
			if want.Sum(m) != got.Sum(m) || want.Count(m) != got.Count(m) || wf != gf || wok != gok || wl != gl || wq != gq {
				t.Errorf("%s %s after Load: sum %v count %d first %v last %v median %v, want %v %d %v %v %v", p, m,
					got.Sum(m), got.Count(m), gf, gl, gq, want.Sum(m), want.Count(m), wf, wl, wq)
			}
		}
	}
}

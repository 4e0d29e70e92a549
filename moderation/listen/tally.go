package listen

import (
	"fmt"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// TallyConfig sets the buckets of a Tally. The zero value counts per
// hour and keeps 30 days of hours.
type TallyConfig struct {
	// Bucket is the width of a bucket: a whole number of minutes that
	// divides a day (time.Minute, 15*time.Minute, time.Hour, 6*time.Hour)
	// or a day (24*time.Hour). Buckets shorter than a day start at the
	// multiples of Bucket since the Unix epoch (for an hour, at every UTC
	// hour); a day bucket is a calendar day in Location, from midnight to
	// midnight, 23 or 25 hours long when the clocks change. The default
	// is time.Hour.
	Bucket time.Duration
	// Location is the time zone of day buckets; the default is UTC.
	Location *time.Location
	// Retain is how many buckets a query keeps: the newest bucket a
	// mention was added to and the Retain-1 before it. Memory is 8 bytes
	// × queries × Retain. The default is 720 (30 days of hours).
	Retain int
}

// maxCounters bounds queries × Retain (128 MiB of counters).
const maxCounters = 1 << 24

// Tally counts the mentions each query of a Listener matched, per time
// bucket, keeping the most recent buckets only (TallyConfig.Retain).
// Feed it with Add the indexes Listener.Match found; read it with Counts
// and ShareOfVoice. It is safe for concurrent use.
type Tally struct {
	ids    []string
	byID   map[string]int
	bucket time.Duration
	day    bool
	loc    *time.Location
	retain int64

	mu      sync.RWMutex
	counts  []int64 // counts[q*retain + slot(b)] for bucket b
	head    int64   // the newest bucket added to
	started bool
}

// NewTally returns an empty Tally for the queries of l. A bad cfg is a
// *cmkit.ValidationError naming the field.
func NewTally(l *Listener, cfg TallyConfig) (*Tally, error) {
	if cfg.Bucket == 0 {
		cfg.Bucket = time.Hour
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Retain == 0 {
		cfg.Retain = 720
	}
	const day = 24 * time.Hour
	if cfg.Bucket != day && (cfg.Bucket < time.Minute || cfg.Bucket%time.Minute != 0 || day%cfg.Bucket != 0) {
		return nil, cmkit.Invalid("Bucket", "format", "%v: use a whole number of minutes that divides a day, or 24h", cfg.Bucket)
	}
	if cfg.Retain < 1 {
		return nil, cmkit.Invalid("Retain", "range", "%d: keep at least 1 bucket", cfg.Retain)
	}
	if n := max(l.Len(), 1); cfg.Retain > maxCounters/n {
		return nil, cmkit.Invalid("Retain", "range", "%d buckets × %d queries is over %d counters", cfg.Retain, n, maxCounters)
	}
	t := &Tally{byID: make(map[string]int, l.Len()), bucket: cfg.Bucket, day: cfg.Bucket == day,
		loc: cfg.Location, retain: int64(cfg.Retain)}
	for i := range l.Len() {
		id := l.Query(i).ID
		t.ids = append(t.ids, id)
		t.byID[id] = i
	}
	t.counts = make([]int64, len(t.ids)*cfg.Retain)
	return t, nil
}

// index returns the number of the bucket that holds at.
func (t *Tally) index(at time.Time) int64 {
	if t.day {
		y, m, d := at.In(t.loc).Date()
		return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
	}
	return floorDiv(at.Unix(), int64(t.bucket/time.Second))
}

// start returns when bucket b starts.
func (t *Tally) start(b int64) time.Time {
	if t.day {
		y, m, d := time.Unix(b*86400, 0).UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, t.loc)
	}
	return time.Unix(b*int64(t.bucket/time.Second), 0).In(t.loc)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (t *Tally) slot(b int64) int64 {
	s := b % t.retain
	if s < 0 {
		s += t.retain
	}
	return s
}

// Add counts one mention made at the given instant for each query index
// in matched (as Listener.Match fills Matches.Queries; an index listed
// twice counts twice). It reports whether the mention was counted: one
// older than the retained buckets is not. An index out of range is a
// *cmkit.ValidationError, and nothing is counted.
func (t *Tally) Add(at time.Time, matched []int) (bool, error) {
	for k, q := range matched {
		if q < 0 || q >= len(t.ids) {
			return false, cmkit.Invalid(fmt.Sprintf("matched[%d]", k), "range", "%d is not the index of a query (0 to %d)", q, len(t.ids)-1)
		}
	}
	b := t.index(at)
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case !t.started:
		t.started, t.head = true, b
	case b > t.head:
		// Clear the buckets the window moves onto.
		if b-t.head >= t.retain {
			clear(t.counts)
		} else {
			for k := t.head + 1; k <= b; k++ {
				s := t.slot(k)
				for q := range t.ids {
					t.counts[int64(q)*t.retain+s] = 0
				}
			}
		}
		t.head = b
	case b <= t.head-t.retain:
		return false, nil
	}
	s := t.slot(b)
	for _, q := range matched {
		t.counts[int64(q)*t.retain+s]++
	}
	return true, nil
}

// window returns the retained buckets that start in [from, to): the
// first and one past the last. The caller holds t.mu.
func (t *Tally) window(from, to time.Time) (lo, hi int64) {
	if !t.started {
		return 0, 0
	}
	lo = max(t.head-t.retain+1, t.firstFrom(from))
	hi = min(t.head+1, t.firstFrom(to))
	return lo, max(lo, hi)
}

// firstFrom returns the first bucket that starts at or after x.
func (t *Tally) firstFrom(x time.Time) int64 {
	b := t.index(x)
	if t.start(b).Before(x) {
		b++
	}
	return b
}

// Counts returns the count of the query with the given ID in each
// retained bucket that starts in [from, to), with the bucket's start,
// oldest first, empty buckets included. The counts are read when Counts
// is called. An unknown ID is an error wrapping cmkit.ErrNotFound.
func (t *Tally) Counts(queryID string, from, to time.Time) (iter.Seq2[time.Time, int64], error) {
	q, ok := t.byID[queryID]
	if !ok {
		return nil, cmkit.Errorf(cmkit.ErrNotFound, "listen: no query %q", queryID)
	}
	t.mu.RLock()
	lo, hi := t.window(from, to)
	counts := make([]int64, hi-lo)
	for b := lo; b < hi; b++ {
		counts[b-lo] = t.counts[int64(q)*t.retain+t.slot(b)]
	}
	t.mu.RUnlock()
	return func(yield func(time.Time, int64) bool) {
		for k, n := range counts {
			if !yield(t.start(lo+int64(k)), n) {
				return
			}
		}
	}, nil
}

// Share is one query's part of the conversation: the mentions it
// matched over a period and their fraction of the total of the queries
// compared.
type Share struct {
	// QueryID is the query's ID.
	QueryID string
	// Count is the number of mentions the query matched.
	Count int64
	// Share is Count divided by the sum of the Counts compared, between 0
	// and 1; 0 for every query when that sum is 0.
	Share float64
}

// ShareOfVoice compares the brand's query with its competitors' over the
// retained buckets that start in [from, to): each one's Count is the sum
// of its buckets (see Counts), and its Share is
//
//	Count / (Count(brand) + Count(competitor 1) + ... + Count(competitor n))
//
// so that the Shares add up to 1, or are all 0 when no query matched a
// mention. A mention that several of the queries matched counts for each
// of them. The result is the brand's Share first, then the competitors'
// in the order given. An unknown ID wraps cmkit.ErrNotFound; an ID given
// twice is a *cmkit.ValidationError.
func (t *Tally) ShareOfVoice(brandQuery string, competitorQueries []string, from, to time.Time) ([]Share, error) {
	ids := append([]string{brandQuery}, competitorQueries...)
	idx := make([]int, len(ids))
	for k, id := range ids {
		q, ok := t.byID[id]
		if !ok {
			return nil, cmkit.Errorf(cmkit.ErrNotFound, "listen: no query %q", id)
		}
		if slices.Contains(ids[:k], id) {
			return nil, cmkit.Invalid(fmt.Sprintf("competitorQueries[%d]", k-1), "duplicate", "%q is compared twice", id)
		}
		idx[k] = q
	}
	out := make([]Share, len(ids))
	var total int64
	t.mu.RLock()
	lo, hi := t.window(from, to)
	for k, q := range idx {
		out[k].QueryID = ids[k]
		for b := lo; b < hi; b++ {
			out[k].Count += t.counts[int64(q)*t.retain+t.slot(b)]
		}
		total += out[k].Count
	}
	t.mu.RUnlock()
	if total > 0 {
		for k := range out {
			out[k].Share = float64(out[k].Count) / float64(total)
		}
	}
	return out, nil
}

package kpi

// Totals is one segment's measures over one period, as KPI formulas read
// them. The aggregation in this package implements it over its buckets;
// a test or a product can implement it over anything.
type Totals interface {
	// Sum returns the sum of a count or distribution measure's values
	// over the period (0 when none was recorded).
	Sum(m Measure) float64
	// Count returns how many values of m were recorded: the events added
	// up in a count measure, the readings of a snapshot, the samples of a
	// distribution.
	Count(m Measure) int64
	// First returns a snapshot measure's first reading in the period,
	// false without one.
	First(m Measure) (float64, bool)
	// Last returns a snapshot measure's last reading in the period, false
	// without one.
	Last(m Measure) (float64, bool)
	// Quantile returns the q-quantile (0 <= q <= 1) of a distribution
	// measure's samples, false without samples.
	Quantile(m Measure, q float64) (float64, bool)
}

// Goal says which way a KPI should move.
type Goal uint8

// The goals.
const (
	// HigherIsBetter: an engagement rate, a follower count.
	HigherIsBetter Goal = iota
	// LowerIsBetter: a response time, a cost per click.
	LowerIsBetter
)

// String returns "higher" or "lower".
func (g Goal) String() string {
	if g == LowerIsBetter {
		return "lower"
	}
	return "higher"
}

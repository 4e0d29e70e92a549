package sketch

import (
	"math"

	"github.com/cmkit/cmkit"
)

// Limits and defaults of a Sketch.
const (
	// DefaultAlpha is the relative accuracy of Default: 1%.
	DefaultAlpha = 0.01
	// DefaultMaxBuckets is the bucket limit of Default.
	DefaultMaxBuckets = 2048

	// MinAlpha and MaxAlpha bound the relative accuracy New accepts.
	MinAlpha = 1e-4
	// MaxAlpha is the coarsest relative accuracy New accepts.
	MaxAlpha = 0.5
	// MinBuckets and MaxBucketsLimit bound the maxBuckets New accepts.
	MinBuckets = 8
	// MaxBucketsLimit is the largest maxBuckets New accepts.
	MaxBucketsLimit = 1 << 20

	// MinValue is the smallest value given its own bucket; smaller values
	// (and zero) are counted in the zero bucket, with an absolute error
	// below MinValue.
	MinValue = 1e-9
	// MaxValue is the largest value Add accepts, low enough that the sum of
	// 2^64 values stays finite.
	MaxValue = 1e100
)

// Sketch is a mergeable quantile sketch with relative error alpha (see the
// package documentation for the method and the bound). Make one with New or
// Default; the zero Sketch behaves as Default.
type Sketch struct {
	alpha      float64 // as given to New
	maxBuckets int
	lnGamma    float64 // ln(gamma)
	mult       float64 // 1/ln(gamma); 0 in the zero Sketch, before init
	scale      float64 // 2/(gamma+1)

	lo     int      // index of counts[0]
	counts []uint64 // buckets lo..lo+len-1; first and last are never 0
	zero   uint64   // values in [0, MinValue)
	count  uint64
	sum    float64
	min    float64
	max    float64
}

// New returns an empty sketch with relative accuracy alpha (MinAlpha to
// MaxAlpha) keeping at most maxBuckets buckets (MinBuckets to
// MaxBucketsLimit). Other parameters give an error wrapping cmkit.ErrInvalid
// that names the field.
func New(alpha float64, maxBuckets int) (*Sketch, error) {
	if !(alpha >= MinAlpha && alpha <= MaxAlpha) {
		return nil, cmkit.Invalid("alpha", "range", "%v is not between %v and %v", alpha, MinAlpha, MaxAlpha)
	}
	if maxBuckets < MinBuckets || maxBuckets > MaxBucketsLimit {
		return nil, cmkit.Invalid("maxBuckets", "range", "%d is not between %d and %d", maxBuckets, MinBuckets, MaxBucketsLimit)
	}
	s := &Sketch{}
	s.init(alpha, maxBuckets)
	return s, nil
}

// Default returns an empty sketch with DefaultAlpha and DefaultMaxBuckets.
func Default() *Sketch {
	s := &Sketch{}
	s.init(DefaultAlpha, DefaultMaxBuckets)
	return s
}

func (s *Sketch) init(alpha float64, maxBuckets int) {
	a := alpha * (1 - 1e-7)
	gamma := (1 + a) / (1 - a)
	s.alpha = alpha
	s.maxBuckets = maxBuckets
	s.lnGamma = math.Log(gamma)
	s.mult = 1 / s.lnGamma
	s.scale = 2 / (gamma + 1)
}

func (s *Sketch) ready() {
	if s.mult == 0 {
		s.init(DefaultAlpha, DefaultMaxBuckets)
	}
}

// Alpha returns the relative accuracy the sketch was made with.
func (s *Sketch) Alpha() float64 { s.ready(); return s.alpha }

// MaxBuckets returns the most buckets the sketch keeps.
func (s *Sketch) MaxBuckets() int { s.ready(); return s.maxBuckets }

// index returns the bucket of v >= MinValue.
func (s *Sketch) index(v float64) int { return int(math.Ceil(math.Log(v) * s.mult)) }

// value returns the estimate for bucket i, 2*gamma^i/(gamma+1).
func (s *Sketch) value(i int) float64 { return math.Exp(float64(i)*s.lnGamma) * s.scale }

// Add adds one value. A negative, NaN or infinite value, or one above
// MaxValue, gives an error wrapping cmkit.ErrInvalid and changes nothing.
func (s *Sketch) Add(v float64) error { return s.AddN(v, 1) }

// AddN adds n copies of v; n = 0 does nothing. Bad values are rejected as by
// Add, and so is an n that would overflow Count.
func (s *Sketch) AddN(v float64, n uint64) error {
	if !(v >= 0 && v <= MaxValue) {
		return cmkit.Invalid("value", "range", "%v is not between 0 and %v", v, MaxValue)
	}
	if n == 0 {
		return nil
	}
	if s.count+n < s.count {
		return cmkit.Invalid("n", "overflow", "count %d + %d overflows", s.count, n)
	}
	s.ready()
	if v == 0 {
		v = 0 // -0 becomes +0
	}
	if v < MinValue {
		s.zero += n
	} else {
		s.addIndex(s.index(v), n)
	}
	if s.count == 0 {
		s.min, s.max = v, v
	} else {
		s.min = min(s.min, v)
		s.max = max(s.max, v)
	}
	s.count += n
	s.sum += v * float64(n)
	return nil
}

// addIndex adds n to bucket i, growing or collapsing the bucket range.
func (s *Sketch) addIndex(i int, n uint64) {
	if len(s.counts) == 0 {
		s.lo = i
		s.counts = append(s.counts[:0], n)
		return
	}
	if j := i - s.lo; j >= 0 && j < len(s.counts) {
		s.counts[j] += n
		return
	}
	s.reshape(min(s.lo, i), max(s.lo+len(s.counts)-1, i))
	s.counts[max(i, s.lo)-s.lo] += n
}

// reshape makes the buckets span newLo..newHi, or its top maxBuckets
// indexes, collapsing lower counts into the lowest bucket kept.
func (s *Sketch) reshape(newLo, newHi int) {
	if newHi-newLo+1 > s.maxBuckets {
		newLo = newHi - s.maxBuckets + 1
	}
	next := make([]uint64, newHi-newLo+1, newHi-newLo+1+16)
	for j, c := range s.counts {
		next[max(s.lo+j, newLo)-newLo] += c
	}
	s.lo, s.counts = newLo, next
}

// Merge adds every value of o to s, as if each had been added to s. A sketch
// made with another alpha gives an error wrapping cmkit.ErrInvalid, and so
// does a total count that would overflow; s is then unchanged. The merged
// sketch keeps s's maxBuckets. A nil o adds nothing.
func (s *Sketch) Merge(o *Sketch) error {
	if o == nil {
		return nil
	}
	s.ready()
	o.ready()
	if o.alpha != s.alpha {
		return cmkit.Invalid("alpha", "same", "cannot merge a sketch of alpha %v into one of alpha %v", o.alpha, s.alpha)
	}
	if o.count == 0 {
		return nil
	}
	if s.count+o.count < s.count {
		return cmkit.Invalid("count", "overflow", "count %d + %d overflows", s.count, o.count)
	}
	if len(o.counts) > 0 {
		olo, ohi := o.lo, o.lo+len(o.counts)-1
		if len(s.counts) == 0 {
			s.reshape(olo, ohi)
		} else if olo < s.lo || ohi > s.lo+len(s.counts)-1 {
			s.reshape(min(s.lo, olo), max(s.lo+len(s.counts)-1, ohi))
		}
		if olo >= s.lo {
			dst := s.counts[olo-s.lo:][:len(o.counts)]
			for j, c := range o.counts {
				dst[j] += c
			}
		} else { // o's lowest buckets collapse into s's lowest
			for j, c := range o.counts {
				s.counts[max(olo+j, s.lo)-s.lo] += c
			}
		}
	}
	if s.count == 0 {
		s.min, s.max = o.min, o.max
	} else {
		s.min = min(s.min, o.min)
		s.max = max(s.max, o.max)
	}
	s.zero += o.zero
	s.count += o.count
	s.sum += o.sum
	return nil
}

// Quantile returns the estimate of the value of rank floor(q*(n-1)) among
// the n values added, within the package's error bound; rank 0 (q = 0) and
// rank n-1 (q = 1) give Min and Max exactly. It returns false
// when the sketch is empty or q is not in [0, 1].
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if !(q >= 0 && q <= 1) || s.count == 0 {
		return 0, false
	}
	last := s.count - 1
	var rank uint64
	if r := math.Floor(q * float64(last)); r >= float64(last) {
		rank = last
	} else {
		rank = uint64(r)
	}
	if rank == 0 || rank < s.zero {
		return s.min, true
	}
	if rank == last {
		return s.max, true
	}
	rank -= s.zero
	est := s.max
	var seen uint64
	for j, c := range s.counts {
		seen += c
		if seen > rank {
			est = s.value(s.lo + j)
			break
		}
	}
	return min(max(est, s.min), s.max), true
}

// Count returns the number of values added.
func (s *Sketch) Count() uint64 { return s.count }

// Sum returns the sum of the values added.
func (s *Sketch) Sum() float64 { return s.sum }

// Min returns the smallest value added, exactly, or 0 when the sketch is
// empty.
func (s *Sketch) Min() float64 { return s.min }

// Max returns the largest value added, exactly, or 0 when the sketch is
// empty.
func (s *Sketch) Max() float64 { return s.max }

// Reset empties the sketch, keeping its parameters and its memory.
func (s *Sketch) Reset() {
	clear(s.counts)
	s.counts = s.counts[:0]
	s.lo, s.zero, s.count = 0, 0, 0
	s.sum, s.min, s.max = 0, 0, 0
}

// Clone returns an independent copy of s.
func (s *Sketch) Clone() *Sketch {
	c := *s
	c.counts = append([]uint64(nil), s.counts...)
	return &c
}

package sketch

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cmkit/cmkit"
)

var testQuantiles = []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}

// distributions returns 100,000 seeded samples from each test distribution.
func distributions() map[string][]float64 {
	r := rand.New(rand.NewPCG(15, 2))
	gen := map[string]func() float64{
		"exponential": func() float64 { return r.ExpFloat64() * 30 },
		"lognormal":   func() float64 { return math.Exp(r.NormFloat64()*1.5 + 3) },
		"uniform":     func() float64 { return r.Float64() * 600 },
		"bimodal": func() float64 {
			if r.IntN(10) < 7 {
				return math.Abs(r.NormFloat64()*20 + 60)
			}
			return math.Abs(r.NormFloat64()*3600 + 86400)
		},
	}
	out := map[string][]float64{}
	for name, g := range gen {
		vs := make([]float64, 100_000)
		for i := range vs {
			vs[i] = g()
		}
		out[name] = vs
	}
	return out
}

// exactQuantile is the value of rank floor(q*(n-1)) in sorted.
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[int(math.Floor(q*float64(len(sorted)-1)))]
}

// checkBound fails t when s's quantiles are off the documented bound for
// the values vs.
func checkBound(t *testing.T, s *Sketch, vs []float64) {
	t.Helper()
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	for _, q := range testQuantiles {
		est, ok := s.Quantile(q)
		if !ok {
			t.Fatalf("Quantile(%v) not ok", q)
		}
		exact := exactQuantile(sorted, q)
		if !withinBound(est, exact, s.Alpha()) {
			t.Errorf("q=%v: estimate %v, exact %v, relative error %v > %v", q, est, exact, math.Abs(est-exact)/exact, s.Alpha())
		}
	}
}

func withinBound(est, exact, alpha float64) bool {
	if exact < MinValue {
		return est < MinValue
	}
	return math.Abs(est-exact) <= alpha*exact
}

func TestErrorBoundOnDistributions(t *testing.T) {
	for name, vs := range distributions() {
		for _, alpha := range []float64{0.01, 0.001, 0.05} {
			maxB := DefaultMaxBuckets
			if alpha < DefaultAlpha {
				maxB = 1 << 15 // enough not to collapse at 0.001
			}
			s, err := New(alpha, maxB)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if err := s.Add(v); err != nil {
					t.Fatal(err)
				}
			}
			t.Run(name, func(t *testing.T) { checkBound(t, s, vs) })
			if s.Count() != uint64(len(vs)) || s.Min() != slices.Min(vs) || s.Max() != slices.Max(vs) {
				t.Errorf("%s: count %d min %v max %v", name, s.Count(), s.Min(), s.Max())
			}
			var sum float64
			for _, v := range vs {
				sum += v
			}
			if s.Sum() != sum {
				t.Errorf("%s: sum %v, want %v", name, s.Sum(), sum)
			}
		}
	}
}

// TestBucketRepresentativeAtEdges: values at bucket boundaries, where the
// estimate is furthest off, stay within alpha.
func TestBucketRepresentativeAtEdges(t *testing.T) {
	s := Default()
	for i := -1000; i <= 1000; i += 7 {
		edge := math.Exp(float64(i) * s.lnGamma)
		for _, v := range []float64{edge, math.Nextafter(edge, 0), math.Nextafter(edge, math.Inf(1))} {
			if v < MinValue {
				continue
			}
			est := s.value(s.index(v))
			if math.Abs(est-v) > s.alpha*v {
				t.Fatalf("v=%v bucket %d estimate %v: relative error %v", v, s.index(v), est, math.Abs(est-v)/v)
			}
		}
	}
}

func sameState(t *testing.T, got, want *Sketch) {
	t.Helper()
	if got.lo != want.lo || !slices.Equal(got.counts, want.counts) || got.zero != want.zero ||
		got.count != want.count || got.min != want.min || got.max != want.max {
		t.Fatalf("states differ:\n got lo=%d zero=%d n=%d min=%v max=%v counts=%v\nwant lo=%d zero=%d n=%d min=%v max=%v counts=%v",
			got.lo, got.zero, got.count, got.min, got.max, got.counts, want.lo, want.zero, want.count, want.min, want.max, want.counts)
	}
	if math.Abs(got.sum-want.sum) > 1e-9*want.sum {
		t.Fatalf("sum %v, want %v", got.sum, want.sum)
	}
}

func TestMergeOfPartsEqualsWhole(t *testing.T) {
	for name, vs := range distributions() {
		for _, maxB := range []int{DefaultMaxBuckets, 64} { // 64 collapses
			whole, _ := New(DefaultAlpha, maxB)
			parts := make([]*Sketch, 7)
			for i := range parts {
				parts[i], _ = New(DefaultAlpha, maxB)
			}
			for i, v := range vs {
				_ = whole.Add(v)
				_ = parts[(i*i)%7].Add(v)
			}
			merged, _ := New(DefaultAlpha, maxB)
			for _, p := range parts {
				if err := merged.Merge(p); err != nil {
					t.Fatal(err)
				}
			}
			t.Run(name, func(t *testing.T) { sameState(t, merged, whole) })
			// Merging in the other order, into a non-empty sketch.
			back := parts[6].Clone()
			for i := 5; i >= 0; i-- {
				_ = back.Merge(parts[i])
			}
			sameState(t, back, whole)
		}
	}
}

func TestMergeRejectsOtherAlpha(t *testing.T) {
	a := Default()
	_ = a.Add(1)
	b, _ := New(0.02, DefaultMaxBuckets)
	_ = b.Add(2)
	before := a.Clone()
	if err := a.Merge(b); !errors.Is(err, cmkit.ErrInvalid) {
		t.Fatalf("Merge of another alpha: %v", err)
	}
	sameState(t, a, before)
	if err := a.Merge(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(a); err != nil || a.Count() != 2 {
		t.Fatalf("self merge: %v, count %d", err, a.Count())
	}
}

// TestDefaultCoversResponseTimes: with the defaults, MinValue to 1e8 s fits
// in the buckets without collapsing.
func TestDefaultCoversResponseTimes(t *testing.T) {
	s := Default()
	_ = s.Add(MinValue)
	_ = s.Add(1)
	_ = s.Add(1e8)
	if s.lo != s.index(MinValue) || len(s.counts) > DefaultMaxBuckets {
		t.Fatalf("lowest bucket %d (want %d), %d buckets", s.lo, s.index(MinValue), len(s.counts))
	}
	for i, q := range []float64{0, 0.5, 1} {
		est, _ := s.Quantile(q)
		if want := []float64{MinValue, 1, 1e8}[i]; !withinBound(est, want, DefaultAlpha) {
			t.Errorf("q=%v: %v, want %v", q, est, want)
		}
	}
}

func TestCollapse(t *testing.T) {
	s, err := New(DefaultAlpha, 16)
	if err != nil {
		t.Fatal(err)
	}
	// Values 1, 2, ..., 100: log_gamma(100) is about 232 buckets, far more
	// than 16.
	var vs []float64
	for v := 1; v <= 100; v++ {
		vs = append(vs, float64(v))
		_ = s.Add(float64(v))
	}
	if len(s.counts) != 16 {
		t.Fatalf("%d buckets, want 16", len(s.counts))
	}
	hi := s.index(100)
	if s.lo != hi-15 {
		t.Fatalf("lowest bucket %d, want %d", s.lo, hi-15)
	}
	// Buckets lo+1..hi hold the values above gamma^lo exactly; the lowest
	// holds every value up to gamma^lo.
	collapsed := 0
	for _, v := range vs {
		if s.index(v) <= s.lo {
			collapsed++
		}
	}
	if s.counts[0] != uint64(collapsed) {
		t.Fatalf("lowest bucket counts %d, want %d", s.counts[0], collapsed)
	}
	// The bound holds for ranks above the collapsed bucket...
	for _, q := range []float64{0.99, 1} {
		est, _ := s.Quantile(q)
		exact := exactQuantile(vs, q)
		if !withinBound(est, exact, DefaultAlpha) {
			t.Errorf("q=%v: %v, exact %v", q, est, exact)
		}
	}
	// ... and those in it are overestimated, but not below Min.
	est, _ := s.Quantile(0.5)
	if est <= 50*(1+DefaultAlpha) {
		t.Errorf("median in the collapsed bucket: %v, want an overestimate", est)
	}
	if est, _ := s.Quantile(0); est != 1 {
		t.Errorf("q=0: %v, want the exact min 1", est)
	}
	// A value below the collapsed range lands in the lowest bucket.
	_ = s.Add(0.5)
	if s.counts[0] != uint64(collapsed+1) || s.Min() != 0.5 {
		t.Fatalf("after adding 0.5: lowest bucket %d, min %v", s.counts[0], s.Min())
	}
	// It round-trips.
	b, _ := s.MarshalBinary()
	var back Sketch
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	sameState(t, &back, s)
}

func TestEdgeCases(t *testing.T) {
	s := Default()
	if _, ok := s.Quantile(0.5); ok {
		t.Fatal("empty sketch answered")
	}
	if s.Count() != 0 || s.Sum() != 0 || s.Min() != 0 || s.Max() != 0 {
		t.Fatal("empty sketch has values")
	}
	_ = s.Add(3.25)
	for _, q := range testQuantiles {
		if est, ok := s.Quantile(q); !ok || est != 3.25 {
			t.Fatalf("single value: Quantile(%v) = %v, %v", q, est, ok)
		}
	}
	for _, q := range []float64{-0.1, 1.1, math.NaN(), math.Inf(1)} {
		if _, ok := s.Quantile(q); ok {
			t.Fatalf("Quantile(%v) answered", q)
		}
	}
	s.Reset()
	for range 10 {
		_ = s.Add(0)
	}
	_ = s.AddN(math.Copysign(0, -1), 5)
	if est, ok := s.Quantile(0.9); !ok || est != 0 || math.Signbit(est) || s.Count() != 15 {
		t.Fatalf("all zeros: %v %v count %d", est, ok, s.Count())
	}
	// Tiny values go to the zero bucket, with an absolute error below
	// MinValue.
	s.Reset()
	_ = s.Add(1e-12)
	_ = s.Add(5e-10)
	_ = s.Add(2)
	if est, _ := s.Quantile(0.5); est != 1e-12 {
		t.Fatalf("median of tiny values: %v", est)
	}
}

func TestAddRejectsBadValues(t *testing.T) {
	s := Default()
	_ = s.Add(1)
	before := s.Clone()
	for _, v := range []float64{-1, math.NaN(), math.Inf(1), math.Inf(-1), MaxValue * 2, -1e-300} {
		if err := s.Add(v); !errors.Is(err, cmkit.ErrInvalid) {
			t.Fatalf("Add(%v): %v", v, err)
		}
	}
	if err := s.AddN(1, math.MaxUint64); !errors.Is(err, cmkit.ErrInvalid) {
		t.Fatalf("AddN overflow: %v", err)
	}
	sameState(t, s, before)
	if err := s.AddN(1, 0); err != nil || s.Count() != 1 {
		t.Fatalf("AddN(1, 0): %v, count %d", err, s.Count())
	}
}

func TestNewRejectsBadParameters(t *testing.T) {
	for _, c := range []struct {
		alpha float64
		maxB  int
		field string
	}{
		{0, 2048, "alpha"}, {math.NaN(), 2048, "alpha"}, {0.9, 2048, "alpha"}, {-0.01, 2048, "alpha"},
		{0.01, 0, "maxBuckets"}, {0.01, 7, "maxBuckets"}, {0.01, MaxBucketsLimit + 1, "maxBuckets"},
	} {
		_, err := New(c.alpha, c.maxB)
		var ve *cmkit.ValidationError
		if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("New(%v, %d): %v, want an invalid %s", c.alpha, c.maxB, err, c.field)
		}
	}
}

func TestMergeOfCollapsedIntoLarger(t *testing.T) {
	small, _ := New(DefaultAlpha, 16)
	for v := 1; v <= 100; v++ {
		_ = small.Add(float64(v))
	}
	big := Default()
	_ = big.Add(99) // above small's collapsed bucket
	if err := big.Merge(small); err != nil {
		t.Fatal(err)
	}
	if big.lo != small.lo || big.Count() != 101 || big.Min() != 1 || big.MaxBuckets() != DefaultMaxBuckets {
		t.Fatalf("lo %d (want %d), count %d, min %v", big.lo, small.lo, big.Count(), big.Min())
	}
	b, _ := big.MarshalBinary()
	var back Sketch
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatalf("a merged collapsed sketch does not load: %v", err)
	}
	sameState(t, &back, big)
}

func TestMergeRejectsCountOverflow(t *testing.T) {
	a, b := Default(), Default()
	_ = a.AddN(1, math.MaxUint64-1)
	_ = b.AddN(2, 2)
	before := a.Clone()
	if err := a.Merge(b); !errors.Is(err, cmkit.ErrInvalid) {
		t.Fatalf("Merge overflow: %v", err)
	}
	sameState(t, a, before)
}

func TestZeroSketchIsDefault(t *testing.T) {
	var z Sketch
	if z.Alpha() != DefaultAlpha || z.MaxBuckets() != DefaultMaxBuckets {
		t.Fatalf("zero sketch: alpha %v, maxBuckets %d", z.Alpha(), z.MaxBuckets())
	}
	var y Sketch
	_ = y.Add(4)
	if err := z.Merge(&y); err != nil || z.Count() != 1 {
		t.Fatalf("merge into zero sketch: %v", err)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	s := Default()
	_ = s.Add(1)
	c := s.Clone()
	_ = c.Add(1)
	if s.counts[0] != 1 || c.counts[0] != 2 {
		t.Fatal("clone shares buckets")
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	for name, vs := range distributions() {
		s := Default()
		for _, v := range vs[:1000] {
			_ = s.Add(v)
		}
		_ = s.Add(0)
		b, err := s.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Sketch
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameState(t, &back, s)
		if back.sum != s.sum || back.alpha != s.alpha || back.maxBuckets != s.maxBuckets {
			t.Fatalf("%s: settings or sum differ", name)
		}
		text, _ := s.MarshalText()
		var fromText Sketch
		if err := fromText.UnmarshalText(text); err != nil {
			t.Fatal(err)
		}
		sameState(t, &fromText, s)
	}
	// Empty sketches round-trip too.
	b, _ := Default().MarshalBinary()
	var e Sketch
	if err := e.UnmarshalBinary(b); err != nil || e.Count() != 0 {
		t.Fatalf("empty: %v", err)
	}
}

func TestUnmarshalRejectsCorruptInput(t *testing.T) {
	s := Default()
	for _, v := range []float64{0, 1, 2, 3, 100} {
		_ = s.Add(v)
	}
	good, _ := s.MarshalBinary()
	mutate := func(f func(b []byte) []byte) []byte { return f(slices.Clone(good)) }
	cases := map[string][]byte{
		"empty":     {},
		"version":   mutate(func(b []byte) []byte { b[0] = 2; return b }),
		"truncated": good[:len(good)-1],
		"trailing":  append(slices.Clone(good), 0),
		"alpha":     mutate(func(b []byte) []byte { b[8] = 0x7f; return b }), // alpha's high byte
	}
	for i := 1; i < len(good); i++ { // every one-byte truncation
		cases["cut"+string(rune('a'+i%26))+string(rune('0'+i/26))] = good[:i]
	}
	for name, b := range cases {
		target := Default()
		_ = target.Add(7)
		before := target.Clone()
		err := target.UnmarshalBinary(b)
		if !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
		sameState(t, target, before)
	}
	if err := new(Sketch).UnmarshalText([]byte("!!")); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("bad base64: %v", err)
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	s := Default()
	for _, v := range []float64{0, 1e-10, 1, 2, 3, 100, 1e9} {
		_ = s.Add(v)
	}
	good, _ := s.MarshalBinary()
	f.Add(good)
	empty, _ := Default().MarshalBinary()
	f.Add(empty)
	c, _ := New(0.05, 8)
	for v := 1; v < 1000; v *= 3 {
		_ = c.Add(float64(v))
	}
	small, _ := c.MarshalBinary()
	f.Add(small)
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Sketch
		if err := s.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error not wrapping ErrInvalid: %v", err)
			}
			return
		}
		again, _ := s.MarshalBinary()
		if !slices.Equal(again, b) {
			t.Fatalf("accepted input does not re-encode to itself:\n%x\n%x", b, again)
		}
		prev := -1.0
		for _, q := range testQuantiles {
			est, ok := s.Quantile(q)
			if s.Count() > 0 && (!ok || est < prev || est < s.Min() || est > s.Max()) {
				t.Fatalf("Quantile(%v) = %v, %v after %v; min %v max %v", q, est, ok, prev, s.Min(), s.Max())
			}
			prev = est
		}
		_ = s.Add(1)
		_ = s.Merge(s.Clone())
	})
}

// FuzzQuantileBound adds arbitrary values (8 bytes each) and checks every
// test quantile against the bound.
func FuzzQuantileBound(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40}, uint8(10))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, a uint8) {
		// From 2e-4 up: finer alphas need more than MaxBucketsLimit buckets
		// for the whole value range, and collapse (see TestCollapse).
		alpha := 2e-4 + float64(a)/255*(0.1-2e-4)
		s, err := New(alpha, MaxBucketsLimit)
		if err != nil {
			t.Fatal(err)
		}
		var vs []float64
		for ; len(b) >= 8; b = b[8:] {
			v := math.Abs(math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
				uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56))
			if s.Add(v) == nil {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			return
		}
		if s.index(MaxValue)-s.index(MinValue) >= MaxBucketsLimit {
			t.Fatalf("alpha %v needs a collapse over the value range; the bound is only checked without one", alpha)
		}
		checkBound(t, s, vs)
	})
}

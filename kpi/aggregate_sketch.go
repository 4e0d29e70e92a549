package kpi

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/cmkit/cmkit"
)

// quantileSketch is what the aggregation needs from a quantile sketch:
// the methods of *sketch.Sketch (package kpi/sketch) it calls.
type quantileSketch interface {
	Add(v float64) error
	Quantile(q float64) (float64, bool)
	MarshalBinary() ([]byte, error)
}

// sketches makes, merges and decodes the distribution buckets' sketches.
// Wiring kpi/sketch is replacing exactSketches by its functions.
type sketchImpl struct {
	new       func() quantileSketch
	merge     func(dst, src quantileSketch) error
	unmarshal func([]byte) (quantileSketch, error)
}

var sketches = exactSketches

// exactSketches keeps every sample: exact quantiles, memory growing with
// samples. It stands in until kpi/sketch is wired.
var exactSketches = sketchImpl{
	new: func() quantileSketch { return &exactSketch{} },
	merge: func(dst, src quantileSketch) error {
		d := dst.(*exactSketch)
		d.v = append(d.v, src.(*exactSketch).v...)
		d.sorted = false
		return nil
	},
	unmarshal: func(b []byte) (quantileSketch, error) {
		if len(b)%8 != 0 {
			return nil, cmkit.Invalid("sketch", "format", "%d bytes: want a multiple of 8", len(b))
		}
		s := &exactSketch{v: make([]float64, len(b)/8)}
		for i := range s.v {
			s.v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		return s, nil
	},
}

// exactSketch is a quantileSketch that keeps every sample.
type exactSketch struct {
	v      []float64
	sorted bool
}

func (s *exactSketch) Add(v float64) error {
	s.v = append(s.v, v)
	s.sorted = false
	return nil
}

// Quantile returns the sample of rank ceil(q·n) (the lowest for q = 0).
func (s *exactSketch) Quantile(q float64) (float64, bool) {
	if len(s.v) == 0 || !(q >= 0 && q <= 1) {
		return 0, false
	}
	if !s.sorted {
		slices.Sort(s.v)
		s.sorted = true
	}
	i := int(math.Ceil(q*float64(len(s.v)))) - 1
	return s.v[max(i, 0)], true
}

func (s *exactSketch) MarshalBinary() ([]byte, error) {
	b := make([]byte, 8*len(s.v))
	for i, v := range s.v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b, nil
}

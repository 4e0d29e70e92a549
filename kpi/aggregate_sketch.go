package kpi

import "github.com/cmkit/cmkit/kpi/sketch"

// quantileSketch is what the aggregation needs from a quantile sketch:
// the methods of *sketch.Sketch it calls.
type quantileSketch interface {
	Add(v float64) error
	Quantile(q float64) (float64, bool)
	MarshalBinary() ([]byte, error)
}

// sketchImpl makes, merges and decodes the distribution buckets'
// sketches.
type sketchImpl struct {
	new       func() quantileSketch
	merge     func(dst, src quantileSketch) error
	unmarshal func([]byte) (quantileSketch, error)
}

// sketches are those of package kpi/sketch, with its default accuracy
// (sketch.DefaultAlpha): a distribution's quantiles are within that
// relative error of the exact ones, and its minimum and maximum exact.
var sketches = sketchImpl{
	new: func() quantileSketch { return sketch.Default() },
	merge: func(dst, src quantileSketch) error {
		return dst.(*sketch.Sketch).Merge(src.(*sketch.Sketch))
	},
	unmarshal: func(b []byte) (quantileSketch, error) {
		s := new(sketch.Sketch)
		if err := s.UnmarshalBinary(b); err != nil {
			return nil, err
		}
		return s, nil
	},
}

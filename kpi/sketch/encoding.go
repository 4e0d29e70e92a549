package sketch

import (
	"encoding/base64"
	"encoding/binary"
	"math"

	"github.com/cmkit/cmkit"
)

// encodingVersion is the first byte of MarshalBinary's output.
const encodingVersion = 1

// MarshalBinary encodes the sketch: a version byte (1), alpha (float64,
// little endian), maxBuckets, the zero count (uvarints), sum, min, max
// (float64), the lowest bucket index (varint), the number of buckets and
// their counts (uvarints). Equal sketches give equal bytes.
func (s *Sketch) MarshalBinary() ([]byte, error) {
	s.ready()
	b := make([]byte, 0, 64+2*len(s.counts))
	b = append(b, encodingVersion)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.alpha))
	b = binary.AppendUvarint(b, uint64(s.maxBuckets))
	b = binary.AppendUvarint(b, s.zero)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.sum))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.min))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.max))
	b = binary.AppendVarint(b, int64(s.lo))
	b = binary.AppendUvarint(b, uint64(len(s.counts)))
	for _, c := range s.counts {
		b = binary.AppendUvarint(b, c)
	}
	return b, nil
}

// decoder reads MarshalBinary's fields, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(field, rule, format string, args ...any) {
	if d.err == nil {
		d.err = cmkit.Invalid("sketch."+field, rule, format, args...)
	}
}

func (d *decoder) float(field string) float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail(field, "truncated", "the input ends inside %s", field)
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) uvarint(field string) uint64 {
	return readVarint(d, field, binary.Uvarint, binary.AppendUvarint)
}

func (d *decoder) varint(field string) int64 {
	return readVarint(d, field, binary.Varint, binary.AppendVarint)
}

// readVarint reads one varint with read, rejecting an overlong encoding
// (one that put would not write) so that accepted input re-encodes to
// itself.
func readVarint[T int64 | uint64](d *decoder, field string, read func([]byte) (T, int), put func([]byte, T) []byte) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.fail(field, "truncated", "no valid varint for %s", field)
		return 0
	}
	if n != len(put(nil, v)) {
		d.fail(field, "canonical", "overlong varint for %s", field)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// UnmarshalBinary replaces s with the sketch MarshalBinary encoded in data.
// It checks every field and the invariants between them (counts, bucket
// range, min and max against their buckets); input that breaks one gives an
// error wrapping cmkit.ErrInvalid, naming the field, and leaves s unchanged.
func (s *Sketch) UnmarshalBinary(data []byte) error {
	if len(data) == 0 {
		return cmkit.Invalid("sketch.version", "truncated", "empty input")
	}
	if data[0] != encodingVersion {
		return cmkit.Invalid("sketch.version", "supported", "version %d, want %d", data[0], encodingVersion)
	}
	d := &decoder{b: data[1:]}
	alpha := d.float("alpha")
	maxB := d.uvarint("maxBuckets")
	if d.err == nil && !(alpha >= MinAlpha && alpha <= MaxAlpha) {
		d.fail("alpha", "range", "%v is not between %v and %v", alpha, MinAlpha, MaxAlpha)
	}
	if d.err == nil && (maxB < MinBuckets || maxB > MaxBucketsLimit) {
		d.fail("maxBuckets", "range", "%d is not between %d and %d", maxB, MinBuckets, MaxBucketsLimit)
	}
	var t Sketch
	if d.err == nil {
		t.init(alpha, int(maxB))
	}
	t.zero = d.uvarint("zero")
	t.sum = d.float("sum")
	t.min = d.float("min")
	t.max = d.float("max")
	lo := d.varint("lo")
	n := d.uvarint("buckets")
	if d.err == nil && (n > maxB || n > uint64(len(d.b))) {
		d.fail("buckets", "range", "%d buckets, at most %d (and one byte each)", n, maxB)
	}
	minIndex := 0
	if d.err == nil {
		minIndex = t.index(MinValue)
		if n > 0 && (lo < int64(minIndex) || lo > int64(t.index(MaxValue))) {
			d.fail("lo", "range", "lowest bucket %d outside %d..%d", lo, minIndex, t.index(MaxValue))
		}
	}
	if d.err != nil {
		return d.err
	}
	t.lo = int(lo)
	t.count = t.zero
	if n > 0 {
		t.counts = make([]uint64, n)
	}
	for j := range t.counts {
		c := d.uvarint("counts")
		t.counts[j] = c
		if t.count+c < t.count {
			d.fail("counts", "overflow", "the total count overflows")
		}
		t.count += c
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("length", "trailing", "%d bytes after the last bucket", len(d.b))
	}
	if d.err == nil {
		t.check(d)
	}
	if d.err != nil {
		return d.err
	}
	*s = t
	return nil
}

// check reports in d how t's decoded fields contradict each other.
func (t *Sketch) check(d *decoder) {
	if len(t.counts) == 0 && t.lo != 0 {
		d.fail("lo", "canonical", "lowest bucket %d without buckets", t.lo)
		return
	}
	if n := len(t.counts); n > 0 && (t.counts[0] == 0 || t.counts[n-1] == 0) {
		d.fail("counts", "canonical", "the first and last bucket must not be empty")
		return
	}
	if t.count == 0 {
		if math.Float64bits(t.sum)|math.Float64bits(t.min)|math.Float64bits(t.max) != 0 {
			d.fail("sum", "empty", "an empty sketch has sum, min and max 0")
		}
		return
	}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"sum", t.sum}, {"min", t.min}, {"max", t.max}} {
		if !(f.v >= 0 && f.v <= math.MaxFloat64) || math.Signbit(f.v) {
			d.fail(f.name, "range", "%v is not a finite non-negative number", f.v)
			return
		}
	}
	switch {
	case t.min > t.max:
		d.fail("min", "order", "min %v above max %v", t.min, t.max)
	case t.max > MaxValue:
		d.fail("max", "range", "%v above %v", t.max, MaxValue)
	case t.sum < t.max:
		d.fail("sum", "range", "sum %v below max %v", t.sum, t.max)
	case (t.zero > 0) != (t.min < MinValue):
		d.fail("min", "zero", "min %v disagrees with the zero count %d", t.min, t.zero)
	case (len(t.counts) > 0) != (t.max >= MinValue):
		d.fail("max", "buckets", "max %v disagrees with %d buckets", t.max, len(t.counts))
	case len(t.counts) > 0 && t.index(t.max) != t.lo+len(t.counts)-1:
		d.fail("max", "buckets", "max %v is not in the highest bucket %d", t.max, t.lo+len(t.counts)-1)
	case t.zero == 0 && t.index(t.min) > t.lo:
		d.fail("min", "buckets", "min %v is above the lowest bucket %d", t.min, t.lo)
	}
}

// MarshalText encodes MarshalBinary's bytes in standard base64, so that a
// Sketch is a JSON string.
func (s *Sketch) MarshalText() ([]byte, error) {
	b, _ := s.MarshalBinary()
	return base64.StdEncoding.AppendEncode(nil, b), nil
}

// UnmarshalText decodes MarshalText's output as UnmarshalBinary does; bad
// base64 gives an error wrapping cmkit.ErrInvalid.
func (s *Sketch) UnmarshalText(text []byte) error {
	b, err := base64.StdEncoding.AppendDecode(nil, text)
	if err != nil {
		return cmkit.Invalid("sketch", "base64", "%v", err)
	}
	return s.UnmarshalBinary(b)
}

package detect

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/cmkit/cmkit"
)

// stateMagic opens the binary state; its last byte is the format version.
const stateMagic = "cmkitdw\x01"

// MarshalBinary saves the Watcher whole: its configuration, announced
// bursts and every series' key, group, learned baseline, CUSUMs and
// breakout, so that a restarted process resumes where it stopped
// (UnmarshalBinary). The location is saved by name.
func (w *Watcher) MarshalBinary() ([]byte, error) {
	e := make([]byte, 0, 256+len(w.series)*int(unsafeSeriesSize+64))
	e = append(e, stateMagic...)
	c := w.cfg
	e = putI(e, int64(c.Bucket))
	e = putS(e, c.Location.String())
	for _, d := range []time.Duration{c.Warmup, c.LevelHalfLife, c.ShareHalfLife} {
		e = putI(e, int64(d))
	}
	for _, f := range []float64{c.SlotAlpha, c.Reference, c.Enter, c.Window, c.Exit, c.MinExcess, c.MinNegativeExcess} {
		e = putF(e, f)
	}
	e = putI(e, int64(c.CoolDown))
	e = putI(e, w.lastU)
	e = putI(e, int64(len(w.bursts)))
	for _, b := range w.bursts {
		e = putS(e, b.Key)
		e = putS(e, b.Group)
		e = putI(e, b.Start.UnixNano())
		e = putI(e, b.End.UnixNano())
		e = putF(e, b.Multiplier)
	}
	e = putI(e, int64(len(w.series)))
	for i := range w.series {
		s := &w.series[i]
		e = putS(e, s.key)
		e = putS(e, s.grp)
		for _, f := range []float64{s.level, s.disA, s.disB, s.negSum, s.totSum, s.negDisp, s.cVol, s.cNeg, s.cComb,
			float64(s.winX[0]), float64(s.winX[1]), float64(s.winMu[0]), float64(s.winMu[1]),
			float64(s.winN[0]), float64(s.winN[1]), float64(s.winEn[0]), float64(s.winEn[1]),
			s.peakExp, s.baseShr, s.peak, s.peakZ} {
			e = putF(e, f)
		}
		for _, v := range []int64{s.first, s.last, int64(s.n), s.opened, s.updated, s.closed,
			int64(s.seq), int64(s.quiet), int64(s.kind), int64(s.peakTot), int64(s.peakNeg)} {
			e = putI(e, v)
		}
		if s.open {
			e = append(e, 1)
		} else {
			e = append(e, 0)
		}
		for _, f := range s.profile {
			e = binary.LittleEndian.AppendUint32(e, math.Float32bits(f))
		}
	}
	return e, nil
}

func putI(e []byte, v int64) []byte { return binary.LittleEndian.AppendUint64(e, uint64(v)) }
func putF(e []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(e, math.Float64bits(v))
}
func putS(e []byte, s string) []byte { return append(putI(e, int64(len(s))), s...) }

// decoder reads the state, remembering the first problem.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = cmkit.Invalid("state."+field, "valid", format, args...)
	}
}

func (d *decoder) u64(field string) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail(field, "truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) i(field string, lo, hi int64) int64 {
	v := int64(d.u64(field))
	if d.err == nil && (v < lo || v > hi) {
		d.fail(field, "%d is not in [%d, %d]", v, lo, hi)
	}
	return v
}

func (d *decoder) f(field string, lo, hi float64) float64 {
	v := math.Float64frombits(d.u64(field))
	if d.err == nil && !(v >= lo && v <= hi) {
		d.fail(field, "%v is not in [%v, %v]", v, lo, hi)
		return 0
	}
	return v
}

func (d *decoder) s(field string) string {
	n := d.i(field, 0, 1<<20)
	if d.err != nil {
		return ""
	}
	if int64(len(d.b)) < n {
		d.fail(field, "truncated")
		return ""
	}
	v := string(d.b[:n])
	d.b = d.b[n:]
	return v
}

// UnmarshalBinary restores a Watcher saved by MarshalBinary. The decoder
// is strict: a wrong magic or version, a truncated or trailing byte, a
// configuration NewWatcher would refuse, a duplicate key, a number out of
// its range or not finite is an error wrapping cmkit.ErrInvalid naming
// the field, and leaves w unchanged.
func (w *Watcher) UnmarshalBinary(data []byte) error {
	if len(data) < len(stateMagic) || string(data[:len(stateMagic)]) != stateMagic {
		return cmkit.Invalid("state.magic", "valid", "not a detect.Watcher state of version 1")
	}
	d := &decoder{b: data[len(stateMagic):]}
	const maxDur = int64(100 * 365 * 24 * time.Hour)
	var c WatcherConfig
	c.Bucket = time.Duration(d.i("Bucket", 1, maxDur))
	loc := d.s("Location")
	c.Warmup = time.Duration(d.i("Warmup", 0, maxDur))
	c.LevelHalfLife = time.Duration(d.i("LevelHalfLife", 1, maxDur))
	c.ShareHalfLife = time.Duration(d.i("ShareHalfLife", 1, maxDur))
	c.SlotAlpha = d.f("SlotAlpha", 1e-300, 1)
	c.Reference = d.f("Reference", 1e-300, 100)
	c.Enter = d.f("Enter", 1e-300, 1000)
	c.Window = d.f("Window", 1e-300, 1000)
	c.Exit = d.f("Exit", 0, 1000)
	c.MinExcess = d.f("MinExcess", 0, 1e9)
	c.MinNegativeExcess = d.f("MinNegativeExcess", 0, 1e9)
	c.CoolDown = int(d.i("CoolDown", 1, 1<<16-1))
	lastU := d.i("lastU", math.MinInt64, math.MaxInt64)
	if d.err != nil {
		return d.err
	}
	l, err := time.LoadLocation(loc)
	if err != nil {
		return cmkit.Invalid("state.Location", "known", "location %q: %v", loc, err)
	}
	c.Location = l
	if _, err := c.withDefaults(); err != nil {
		return err
	}
	nw := &Watcher{cfg: c, byKey: map[string]WatchHandle{}}
	nw.derive()
	nw.lastU = lastU
	nb := d.i("bursts", 0, int64(len(d.b))/40)
	for range nb {
		b := Burst{Key: d.s("Burst.Key"), Group: d.s("Burst.Group")}
		b.Start = time.Unix(0, d.i("Burst.Start", math.MinInt64, math.MaxInt64))
		b.End = time.Unix(0, d.i("Burst.End", math.MinInt64, math.MaxInt64))
		b.Multiplier = d.f("Burst.Multiplier", 1, 1e6)
		if d.err != nil {
			return d.err
		}
		if err := nw.Announce(b); err != nil {
			return err
		}
	}
	ns := d.i("series", 0, int64(len(d.b))/(16*8+11*8+1+slots*4))
	capc := 3 * c.Enter
	for range ns {
		key, grp := d.s("series.key"), d.s("series.group")
		if d.err != nil {
			return d.err
		}
		if key == "" {
			return cmkit.Invalid("state.series.key", "required", "series key is empty")
		}
		if _, dup := nw.byKey[key]; dup {
			return cmkit.Invalid("state.series.key", "unique", "series %q appears twice", key)
		}
		h, _ := nw.Intern(key, grp)
		s := &nw.series[h]
		const big = 1e12
		s.level = d.f("level", 0, big)
		s.disA = d.f("disA", -big, big)
		s.disB = d.f("disB", 0, big)
		s.negSum = d.f("negSum", 0, big)
		s.totSum = d.f("totSum", 0, big)
		s.negDisp = d.f("negDisp", 0, 25)
		s.cVol = d.f("cVol", 0, capc)
		s.cNeg = d.f("cNeg", 0, capc)
		s.cComb = d.f("cComb", 0, capc)
		for i := range 2 {
			s.winX[i] = float32(d.f("winX", 0, math.MaxUint32))
		}
		for i := range 2 {
			s.winMu[i] = float32(d.f("winMu", 0, big))
		}
		for i := range 2 {
			s.winN[i] = float32(d.f("winN", 0, math.MaxUint32))
		}
		for i := range 2 {
			s.winEn[i] = float32(d.f("winEn", 0, big))
		}
		s.peakExp = d.f("peakExpected", 0, big)
		s.baseShr = d.f("baselineShare", 0, 1)
		s.peak = d.f("peak", -1, big)
		s.peakZ = d.f("peakZ", math.Inf(-1), big)
		s.first = d.i("first", math.MinInt64, math.MaxInt64)
		s.last = d.i("last", math.MinInt64, math.MaxInt64)
		s.n = uint64(d.i("n", 0, math.MaxInt64))
		s.opened = d.i("opened", math.MinInt64, math.MaxInt64)
		s.updated = d.i("updated", math.MinInt64, math.MaxInt64)
		s.closed = d.i("closed", math.MinInt64, math.MaxInt64)
		s.seq = uint32(d.i("seq", 0, math.MaxUint32))
		s.quiet = uint16(d.i("quiet", 0, int64(c.CoolDown)))
		s.kind = BreakoutKind(d.i("kind", 0, 7))
		s.peakTot = uint32(d.i("peakTotal", 0, math.MaxUint32))
		s.peakNeg = uint32(d.i("peakNegative", 0, math.MaxUint32))
		if d.err != nil {
			return d.err
		}
		if len(d.b) < 1 || d.b[0] > 1 {
			return cmkit.Invalid("state.open", "valid", "open flag missing or not 0/1")
		}
		s.open = d.b[0] == 1
		d.b = d.b[1:]
		if len(d.b) < slots*4 {
			return cmkit.Invalid("state.profile", "valid", "truncated")
		}
		for i := range s.profile {
			f := math.Float32frombits(binary.LittleEndian.Uint32(d.b[i*4:]))
			if !(f >= 0 && f <= 1e4) {
				return cmkit.Invalid("state.profile", "valid", "slot %d factor %v is not in [0, 1e4]", i, f)
			}
			s.profile[i] = f
		}
		d.b = d.b[slots*4:]
		switch {
		case s.n == 0 && s.last != math.MinInt64, s.n > 0 && s.last < s.first:
			return cmkit.Invalid("state.last", "valid", "series %q: last bucket before first", key)
		case s.open && s.seq == 0:
			return cmkit.Invalid("state.seq", "valid", "series %q: open breakout without a number", key)
		case s.peakNeg > s.peakTot:
			return cmkit.Invalid("state.peakNegative", "at_most_total", "series %q: %d > %d", key, s.peakNeg, s.peakTot)
		}
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return cmkit.Invalid("state", "no_trailing", "%d bytes after the state", len(d.b))
	}
	*w = *nw
	return nil
}

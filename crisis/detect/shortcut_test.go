package detect

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestTailBelow: tailBelow never says a score is below a threshold it
// reaches, and it says so for nearly every score clearly under it (a
// shortcut that never fires would pass the first half alone).
func TestTailBelow(t *testing.T) {
	sure, missed, wrong := 0, 0, 0
	for _, phi := range []float64{0, 0.001, 0.0223, 0.067, 0.2, 1, 3, 8.99, 9, 30} {
		for _, th := range []float64{1e-9, 0.3, 1.5, 2.12, 4.3, 6} {
			for mu := 0.0; mu < 60; mu += 0.37 {
				for x := 0.0; x < 3*mu+20; x += 0.5 {
					z := tailZ(x, mu, phi)
					below := tailBelow(x, mu, phi, th)
					if below && !(z < th) {
						wrong++
						t.Errorf("tailBelow(%v, %v, %v, %v) = true, tailZ = %v", x, mu, phi, th, z)
					}
					if below {
						sure++
					} else if z < th-0.1 && z > 0 && fmax(mu, 0.05)/x >= 0.6 && phi < 9 {
						missed++
					}
				}
			}
		}
	}
	t.Logf("sure below: %d; missed (score under threshold − 0.1, ratio ≥ 0.6): %d", sure, missed)
	if missed*100 > sure {
		t.Errorf("tailBelow missed %d of %d scores clearly below the threshold, want under 1%%", missed, sure+missed)
	}
	// Around the threshold itself: scores a hair over it.
	r := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		mu := 0.05 + 80*r.Float64()
		x := mu + 0.1 + 3*math.Sqrt(mu)*r.Float64()
		phi := 0.3 * r.Float64()
		z := tailZ(x, mu, phi)
		for _, th := range []float64{z, math.Nextafter(z, 0), z + 1e-12} {
			if tailBelow(x, mu, phi, th) && !(z < th) {
				wrong++
				t.Errorf("tailBelow(%v, %v, %v, %v) = true, tailZ = %v", x, mu, phi, th, z)
			}
		}
		if wrong > 10 {
			t.FailNow()
		}
	}
	for _, c := range [][4]float64{
		{10, 5, 0.1, 0}, {10, 5, 0.1, -1}, {10, 5, 0.1, math.NaN()},
		{math.NaN(), 5, 0, 3}, {10, math.NaN(), 0, 3}, {10, 5, math.NaN(), 3}, {10, 5, 9, 3}, {100, 5, 0, 30}, {10, 5.9, 0, 30},
	} {
		if tailBelow(c[0], c[1], c[2], c[3]) {
			t.Errorf("tailBelow(%v) = true, want false (no threshold above 0, NaN, phi ≥ 9 or ratio under 0.6)", c)
		}
	}
}

// twin feeds the same buckets to a Watcher with the shortcuts (tailBelow,
// whBelow) and to one without them (exact), and fails at the first phase, breakout or
// error on which they differ; at the end their saved states must be equal
// byte for byte.
type twin struct {
	t          *testing.T
	fast, full *Watcher
	phases     [4]int
}

func newTwin(t *testing.T, cfg WatcherConfig) *twin {
	fast, err := NewWatcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := NewWatcher(cfg)
	full.exact = true
	return &twin{t: t, fast: fast, full: full}
}

func (tw *twin) intern(key, group string) WatchHandle {
	h, err := tw.fast.Intern(key, group)
	if h2, err2 := tw.full.Intern(key, group); h2 != h || err != nil || err2 != nil {
		tw.t.Fatalf("Intern(%q): %d, %v and %d, %v", key, h, err, h2, err2)
	}
	return h
}

func (tw *twin) observe(h WatchHandle, at time.Time, total, neg uint32) {
	p1, err1 := tw.fast.Observe(h, at, total, neg)
	p2, err2 := tw.full.Observe(h, at, total, neg)
	if p1 != p2 || (err1 == nil) != (err2 == nil) {
		tw.t.Fatalf("%v, handle %d, %d/%d: phase %v, %v with the shortcut, %v, %v without", at, h, total, neg, p1, err1, p2, err2)
	}
	tw.phases[p1]++
	if p1 != PhaseQuiet {
		b1, _ := tw.fast.Breakout(h)
		b2, _ := tw.full.Breakout(h)
		if b1 != b2 {
			tw.t.Fatalf("%v, handle %d: breakout %+v with the shortcut, %+v without", at, h, b1, b2)
		}
	}
}

func (tw *twin) sameState() {
	s1, err1 := tw.fast.MarshalBinary()
	s2, err2 := tw.full.MarshalBinary()
	if err1 != nil || err2 != nil || !bytes.Equal(s1, s2) {
		tw.t.Fatalf("saved states differ (%d and %d bytes; %v, %v)", len(s1), len(s2), err1, err2)
	}
}

// TestShortcutChangesNothing: with and without the shortcuts (tailBelow,
// whBelow), the detector returns the same phases and breakouts and learns
// the same state, bit for bit: on the test streams with their anomalies
// (default configuration, and one with low floors and thresholds, where
// scores are over their floors and breakouts open far more often), and on
// the benchmark's traffic over many series.
func TestShortcutChangesNothing(t *testing.T) {
	low := WatcherConfig{Warmup: 2 * time.Hour, MinExcess: 0.5, MinNegativeExcess: 0.5, Exit: 0.5, Reference: 1, Enter: 4, Window: 3.5}
	for _, cfg := range []WatcherConfig{{Warmup: 24 * time.Hour}, low} {
		tw := newTwin(t, cfg)
		if err := tw.fast.Announce(campaign); err != nil {
			t.Fatal(err)
		}
		_ = tw.full.Announce(campaign)
		var streams []stream
		var hs []WatchHandle
		for _, seed := range seeds[:4] {
			o := minute(4, int(seed%5), 11+int(seed%7), 7*int(seed))
			night := minute(5, int(seed%7), 2+int(seed%3), 11*int(seed))
			for v, s := range []stream{
				gen(seed, nil, nil),
				gen(seed, window(o, 30, 5, 1), nil),
				gen(seed, nil, window(o, 30, 0.4, 0.1)),
				gen(seed, window(night, 30, 4, 1), window(o, 60, 0.25, 0.1)),
			} {
				streams = append(streams, s)
				key := "brand/x"
				if v > 0 || seed > 1 {
					key = "s/" + strconv.Itoa(int(seed)) + "/" + strconv.Itoa(v)
				}
				hs = append(hs, tw.intern(key, "brand"))
			}
		}
		for i := range streamMinutes {
			at := streamStart.Add(time.Duration(i) * time.Minute)
			for j, s := range streams {
				tw.observe(hs[j], at, s.total[i], s.neg[i])
			}
		}
		tw.sameState()
		t.Logf("phases (quiet, opened, ongoing, closed): %v", tw.phases)
		if tw.phases[PhaseOpened] < len(streams) {
			t.Errorf("only %d breakouts opened over %d streams with anomalies: the comparison saw too few", tw.phases[PhaseOpened], len(streams))
		}
	}

	// The benchmark's traffic: 500 series, 10 mentions a minute, 5× bursts.
	tw := newTwin(t, WatcherConfig{Warmup: time.Hour})
	r := rand.New(rand.NewPCG(1, 2))
	hs := make([]WatchHandle, 500)
	for i := range hs {
		hs[i] = tw.intern("series/"+strconv.Itoa(i), "brand")
	}
	at := streamStart
	for range 24 * 60 {
		for _, h := range hs {
			mu := 10.0
			if r.IntN(2000) < 3 {
				mu = 50
			}
			n := uint32(poisson(r, gammaDraw(r, noiseShape)*mu/noiseShape))
			tw.observe(h, at, n, uint32(r.IntN(int(n)/5+1)))
		}
		at = at.Add(time.Minute)
	}
	tw.sameState()
	t.Logf("phases (quiet, opened, ongoing, closed): %v", tw.phases)
	if tw.phases[PhaseOpened] == 0 {
		t.Errorf("no breakout opened on the benchmark's traffic: the comparison saw none")
	}
}

// TestWhBelow: whBelow never says a negatives' score is below a threshold
// it reaches, and says so for most scores well under it.
func TestWhBelow(t *testing.T) {
	sure, missed := 0, 0
	for _, b := range []float64{0.5, 0.9, 1, 2.7, 10, 24} {
		for _, th := range []float64{1e-9, 1.5, 4.3, 6} {
			for e := 0.0; e < 40; e += 0.13 {
				for n := 0.0; n < 3*e+20; n += 0.5 {
					z := whZ(n/e, e/b)
					below := whBelow(n, e, b, th)
					if below && !(z < th) {
						t.Fatalf("whBelow(%v, %v, %v, %v) = true, whZ = %v", n, e, b, th, z)
					}
					if below {
						sure++
					} else if z < th/2 && n > e {
						missed++
					}
				}
			}
		}
	}
	t.Logf("sure below: %d; missed (score under half the threshold): %d", sure, missed)
	if missed*20 > sure {
		t.Errorf("whBelow missed %d of %d scores under half the threshold, want under 5%%", missed, sure+missed)
	}
	for _, c := range [][4]float64{{10, 0, 1, 3}, {10, 3, 0, 3}, {10, 3, 1, 0}, {10, 3, 1, math.NaN()}, {math.NaN(), 3, 1, 3}, {30, 3, 1, 4.3}} {
		if whBelow(c[0], c[1], c[2], c[3]) {
			t.Errorf("whBelow(%v) = true, want false", c)
		}
	}
}

// TestClamp: clamp is fmin(fmax(0, c), hi) bit for bit, NaN, infinities
// and signed zeros included.
func TestClamp(t *testing.T) {
	vals := []float64{math.Inf(-1), -1e300, -3, -1e-310, math.Copysign(0, -1), 0, 1e-310, 0.5, 13.4999, 13.5, 13.5001, 1e300, math.Inf(1), math.NaN()}
	for _, hi := range []float64{1e-300, 1, 13.5, 1e300} {
		for _, c := range vals {
			want := fmin(fmax(0, c), hi)
			if got := clamp(c, hi); math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("clamp(%v, %v) = %v, fmin(fmax(0, c), hi) = %v", c, hi, got, want)
			}
		}
	}
}

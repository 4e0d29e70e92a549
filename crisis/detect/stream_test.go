package detect

import (
	"math"
	"math/rand/v2"
	"time"
)

// The synthetic stream: six weeks of per-minute counts from a Monday, UTC.
const (
	streamWeeks   = 6
	streamMinutes = streamWeeks * 7 * 24 * 60
	learnMinutes  = 7 * 24 * 60 // the learning period (Warmup) the tests skip
)

var streamStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday

// campaign is the announced burst in every stream: week 4, Tuesday
// 10:00–14:00, three times the baseline.
var campaign = Burst{
	Key:        "brand/x",
	Start:      streamStart.Add((3*7+1)*24*time.Hour + 10*time.Hour),
	End:        streamStart.Add((3*7+1)*24*time.Hour + 14*time.Hour),
	Multiplier: 3,
}

// shape returns the expected mentions per minute at minute i of the
// stream: a night trough near 2/min, a morning rise, a lunch peak around
// 12:30 and an evening peak around 20:30 near 40/min on weekdays, lower
// and later at weekends, and a slow trend of +3% a week.
func shape(i int) float64 {
	h := float64(i%1440) / 60
	day := (i / 1440) % 7
	bump := func(c, w float64) float64 { d := (h - c) / w; return math.Exp(-d * d / 2) }
	v := 2 + 14*bump(10, 3) + 22*bump(12.5, 1) + 26*bump(20.5, 1.5) + 8*bump(16, 2.5)
	if day >= 5 {
		v = 2 + 10*bump(11.5, 3) + 12*bump(13.5, 1.2) + 20*bump(21, 1.7)
	}
	return v * (1 + 0.03*float64(i)/(7*1440))
}

// noiseShape is the gamma shape r of the noise: counts have variance
// mu + mu²/r, 3.7 times Poisson's at the evening peak (40/min).
const noiseShape = 15

// stream is one generated series.
type stream struct {
	total, neg []uint32
}

// gen makes the normal stream for seed, with volMul(i) and negShare(i)
// applied (nil: 1 and 10%). The noise is gamma-Poisson with shape
// noiseShape, the negatives binomial.
func gen(seed uint64, volMul, negShare func(i int) float64) stream {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	s := stream{make([]uint32, streamMinutes), make([]uint32, streamMinutes)}
	for i := range streamMinutes {
		mu := shape(i)
		t := streamStart.Add(time.Duration(i) * time.Minute)
		if !t.Before(campaign.Start) && t.Before(campaign.End) {
			mu *= campaign.Multiplier
		}
		if volMul != nil {
			mu *= volMul(i)
		}
		p := 0.1
		if negShare != nil {
			p = negShare(i)
		}
		lam := gammaDraw(r, noiseShape) * mu / noiseShape
		n := poisson(r, lam)
		k := 0
		for range n {
			if r.Float64() < p {
				k++
			}
		}
		s.total[i], s.neg[i] = uint32(n), uint32(k)
	}
	return s
}

// gammaDraw draws Gamma(shape, 1) by Marsaglia and Tsang (shape ≥ 1).
func gammaDraw(r *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < x*x/2+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// poisson draws Poisson(lam): Knuth's product under 30, else a rounded
// normal.
func poisson(r *rand.Rand, lam float64) int {
	if lam < 30 {
		l, k, p := math.Exp(-lam), 0, 1.0
		for {
			p *= r.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	return max(0, int(math.Round(lam+math.Sqrt(lam)*r.NormFloat64())))
}

// run feeds s to a fresh Watcher (default config, the campaign announced)
// and returns the minute indexes where breakouts opened, and the count of
// closes.
func run(s stream) (opened []int, w *Watcher) {
	w, err := NewWatcher(WatcherConfig{})
	if err != nil {
		panic(err)
	}
	h, _ := w.Intern("brand/x", "brand")
	if err := w.Announce(campaign); err != nil {
		panic(err)
	}
	for i := range streamMinutes {
		t := streamStart.Add(time.Duration(i) * time.Minute)
		ph, err := w.Observe(h, t, s.total[i], s.neg[i])
		if err != nil {
			panic(err)
		}
		if ph == PhaseOpened {
			opened = append(opened, i)
		}
	}
	return opened, w
}

package detect_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cmkit/cmkit/crisis/detect"
)

// A brand's mentions per minute for two weeks (a day-and-night cycle with
// Poisson noise), then a storm: five times the usual volume, 40% negative,
// for twenty minutes. One breakout opens in the storm's first minute and
// closes after the cool-down.
func Example() {
	w, err := detect.NewWatcher(detect.WatcherConfig{})
	if err != nil {
		panic(err)
	}
	h, _ := w.Intern("acme/twitter", "acme")
	r := rand.New(rand.NewPCG(1, 1))
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	storm := 14*24*60 + 15*60 // day 15, 15:00
	for i := range storm + 90 {
		t := start.Add(time.Duration(i) * time.Minute)
		mu := 12 + 10*float64(t.Hour()/8%2) // quieter nights
		share := 0.1
		if i >= storm && i < storm+20 {
			mu, share = 5*mu, 0.4
		}
		total := poisson(r, mu)
		negative := 0
		for range total {
			if r.Float64() < share {
				negative++
			}
		}
		phase, err := w.Observe(h, t, uint32(total), uint32(negative))
		if err != nil {
			panic(err)
		}
		switch phase {
		case detect.PhaseOpened:
			b, _ := w.Breakout(h)
			fmt.Printf("%s opened at %s: %s\n", b.Key, b.Opened.Format("Jan 2 15:04"), b.Kind)
		case detect.PhaseClosed:
			b, _ := w.Breakout(h)
			fmt.Printf("closed at %s: %s, breakout #%d\n", b.Closed.Format("15:04"), b.Kind, b.Seq)
		}
	}
	// Output:
	// acme/twitter opened at Mar 16 15:00: volume+negative+combined
	// closed at 15:38: volume+negative+combined, breakout #1
}

func poisson(r *rand.Rand, mu float64) int {
	n := 0
	for t := r.ExpFloat64(); t < mu; t += r.ExpFloat64() {
		n++
	}
	return n
}

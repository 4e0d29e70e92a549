package detect

import (
	"testing"
)

var seeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8}

// minute returns the stream minute of week w (0-based), day d, hh:mm.
func minute(w, d, hh, mm int) int { return ((w*7+d)*24+hh)*60 + mm }

func window(from, n int, v, else_ float64) func(int) float64 {
	return func(i int) float64 {
		if i >= from && i < from+n {
			return v
		}
		return else_
	}
}

// TestNormalTrafficFalseAlerts counts the breakouts opened on normal
// traffic (with the announced campaign) after the first week, the
// warm-up: five weeks, one more than issue 16 asks.
func TestNormalTrafficFalseAlerts(t *testing.T) {
	for _, seed := range seeds {
		opened, _ := run(gen(seed, nil, nil))
		n := 0
		for _, i := range opened {
			if i >= learnMinutes {
				n++
			}
		}
		t.Logf("seed %d: %d alerts after learning (all: %v)", seed, n, opened)
		if n > 2 {
			t.Errorf("seed %d: %d false alerts over weeks 2 to 6, want ≤ 2", seed, n)
		}
	}
}

// delay runs the stream with the anomaly from onset and returns the
// buckets from onset to the first breakout opened at or after it, and how
// many opened from onset to two hours after.
func delay(t *testing.T, s stream, onset int) (int, int) {
	opened, _ := run(s)
	d, n := -1, 0
	for _, i := range opened {
		if i >= onset && i < onset+120 {
			if d < 0 {
				d = i - onset
			}
			n++
		}
	}
	return d, n
}

// TestDetection runs each anomaly on every seed and asserts how many
// buckets it took (the onset bucket is bucket 1) and that it opened one
// breakout. late is how many seeds may take longer than within; no seed
// may take more than worst.
func TestDetection(t *testing.T) {
	cases := []struct {
		name                string
		onset               func(seed uint64) int
		vol, neg            func(onset int) func(int) float64
		within, late, worst int
	}{
		{"5x volume", func(seed uint64) int { return minute(4, int(seed%5), 11+int(seed%7), 7*int(seed)) },
			func(o int) func(int) float64 { return window(o, 30, 5, 1) }, nil, 2, 0, 2},
		{"negative 10% to 40%", func(seed uint64) int { return minute(4, int(seed%5), []int{12, 20}[seed%2], 3*int(seed)) },
			nil, func(o int) func(int) float64 { return window(o, 30, 0.4, 0.1) }, 3, 0, 3},
		{"4x volume at night", func(seed uint64) int { return minute(5, int(seed%7), 2+int(seed%3), 11*int(seed)) },
			func(o int) func(int) float64 { return window(o, 30, 4, 1) }, nil, 3, 0, 3},
	}
	for _, c := range cases {
		late := 0
		for _, seed := range seeds {
			o := c.onset(seed)
			var vol, neg func(int) float64
			if c.vol != nil {
				vol = c.vol(o)
			}
			if c.neg != nil {
				neg = c.neg(o)
			}
			d, n := delay(t, gen(seed, vol, neg), o)
			t.Logf("%s, seed %d, onset %d (baseline %.1f/min): opened in bucket %d, %d breakouts", c.name, seed, o, shape(o), d+1, n)
			if d < 0 || d+1 > c.worst {
				t.Errorf("%s, seed %d: opened in bucket %d, want ≤ %d", c.name, seed, d+1, c.worst)
			}
			if d+1 > c.within {
				late++
			}
			if n != 1 {
				t.Errorf("%s, seed %d: %d breakouts, want 1", c.name, seed, n)
			}
		}
		if late > c.late {
			t.Errorf("%s: %d seeds later than bucket %d, want ≤ %d", c.name, late, c.within, c.late)
		}
	}
}

// TestNightSpikeSeed6 is the hardest night spike of TestDetection: on seed
// 6 the 4× spike (baseline 2.6 a minute, Sunday 03:06) draws only 12, 6
// and 7 mentions in its first three buckets, 2.8× on average. Its volume
// CUSUM is still under Enter in bucket 3: the three-bucket window (25
// mentions against about 7.6) opens the breakout there. It opened in
// bucket 7 while the window's score was the Wilson–Hilferty
// approximation of a gamma with the count's mean and variance (3.85; the
// exact tail's is 4.36, TestTailZ).
func TestNightSpikeSeed6(t *testing.T) {
	o := minute(5, 6, 2, 66)
	s := gen(6, window(o, 30, 4, 1), nil)
	if got := s.total[o : o+3]; got[0] != 12 || got[1] != 6 || got[2] != 7 {
		t.Fatalf("seed 6's night spike draws %v, not the 12, 6, 7 this test is about", got)
	}
	w, _ := NewWatcher(WatcherConfig{})
	h, _ := w.Intern("brand/x", "brand")
	if err := w.Announce(campaign); err != nil {
		t.Fatal(err)
	}
	feed(t, w, h, s, 0, o)
	d, n, cusum := -1, 0, 0.0
	for i := o; i < o+120; i++ {
		if feed(t, w, h, s, i, i+1)[0] == PhaseOpened {
			if d < 0 {
				d, cusum = i-o, w.series[h].cVol
			}
			n++
		}
	}
	t.Logf("onset %d (baseline %.1f/min): opened in bucket %d (volume CUSUM %.2f), %d breakouts", o, shape(o), d+1, cusum, n)
	if d < 0 || d+1 > 3 || n != 1 {
		t.Errorf("opened in bucket %d with %d breakouts, want one within 3 buckets", d+1, n)
	}
	if cusum >= w.Config().Enter {
		t.Errorf("volume CUSUM %.2f at the opening: the CUSUM, not the window, opened it", cusum)
	}
}

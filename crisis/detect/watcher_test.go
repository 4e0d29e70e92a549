package detect

import (
	"errors"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// TestCampaignAnnounced: the campaign burst (3× for four hours in week 4)
// pages nobody when announced, and pages when it was not.
func TestCampaignAnnounced(t *testing.T) {
	from := int(campaign.Start.Sub(streamStart) / time.Minute)
	to := int(campaign.End.Sub(streamStart)/time.Minute) + 60
	for _, seed := range seeds[:3] {
		s := gen(seed, nil, nil)
		opened, _ := run(s)
		for _, i := range opened {
			if i >= from && i < to {
				t.Errorf("seed %d: announced campaign opened a breakout at minute %d", seed, i)
			}
		}
		w, _ := NewWatcher(WatcherConfig{})
		h, _ := w.Intern("brand/x", "brand")
		n := 0
		for i, ph := range feed(t, w, h, s, 0, to) {
			if ph == PhaseOpened && i >= from {
				n++
			}
		}
		if n == 0 {
			t.Errorf("seed %d: the unannounced campaign opened no breakout", seed)
		}
	}
}

// TestGroupBurst: a burst announced for a group covers its series, also
// those interned afterwards.
func TestGroupBurst(t *testing.T) {
	w, _ := NewWatcher(WatcherConfig{})
	a, _ := w.Intern("a", "brand")
	b := campaign
	b.Key, b.Group = "", "brand"
	if err := w.Announce(b); err != nil {
		t.Fatal(err)
	}
	c, _ := w.Intern("c", "brand")
	d, _ := w.Intern("d", "other")
	for _, tc := range []struct {
		h    WatchHandle
		want float64
	}{{a, 3}, {c, 3}, {d, 1}} {
		if got := w.series[tc.h].multiplier(campaign.Start.Unix()); got != tc.want {
			t.Errorf("series %d: multiplier %v, want %v", tc.h, got, tc.want)
		}
	}
}

// TestBreakoutLifecycle: a 5× spike of 30 minutes is one breakout that
// opens, stays open while the spike lasts, closes after the cool-down
// once the CUSUMs are under Exit, and did not drag the baseline up.
func TestBreakoutLifecycle(t *testing.T) {
	onset := minute(4, 2, 15, 0)
	s := gen(4, window(onset, 30, 5, 1), nil)
	w, _ := NewWatcher(WatcherConfig{})
	h, _ := w.Intern("brand/x", "brand")
	feed(t, w, h, s, 0, onset)
	prev, _ := w.Breakout(h)
	at := streamStart.Add(time.Duration(onset) * time.Minute)
	before, _, _ := w.Expected(h, at.Add(7*24*time.Hour))
	phases := feed(t, w, h, s, onset, onset+120)
	opened, closed := -1, -1
	for i, ph := range phases {
		switch ph {
		case PhaseOpened:
			if opened >= 0 {
				t.Fatalf("opened again at +%d", i)
			}
			opened = i
		case PhaseClosed:
			closed = i
		case PhaseOngoing:
			if opened < 0 || closed >= 0 {
				t.Fatalf("ongoing at +%d outside the breakout", i)
			}
		}
	}
	if opened < 0 || opened > 1 || closed < 30+w.Config().CoolDown-1 || closed > 60 {
		t.Fatalf("opened at +%d, closed at +%d", opened, closed)
	}
	b, ok := w.Breakout(h)
	if !ok || b.Seq != prev.Seq+1 || b.Kind&BreakoutVolume == 0 || b.Closed.IsZero() || !b.Opened.Equal(at.Add(time.Duration(opened)*time.Minute)) {
		t.Fatalf("breakout %+v", b)
	}
	if b.PeakTotal < uint32(3*b.PeakExpected) {
		t.Errorf("peak %d mentions against %v expected", b.PeakTotal, b.PeakExpected)
	}
	after, _, _ := w.Expected(h, at.Add(7*24*time.Hour))
	if after > before*1.05 {
		t.Errorf("the spike moved next week's baseline from %v to %v", before, after)
	}
	if got := w.Active(nil); len(got) != 0 {
		t.Errorf("active after close: %+v", got)
	}
	t.Logf("opened +%d, closed +%d, %+v", opened, closed, b)
}

func TestInputErrors(t *testing.T) {
	for name, c := range map[string]WatcherConfig{
		"Bucket":        {Bucket: 7 * time.Minute},
		"Warmup":        {Warmup: -time.Second},
		"LevelHalfLife": {LevelHalfLife: time.Second},
		"SlotAlpha":     {SlotAlpha: 2},
		"Exit":          {Enter: 3, Exit: 3},
		"CoolDown":      {CoolDown: -1},
		"MinExcess":     {MinExcess: -1},
	} {
		_, err := NewWatcher(c)
		var ve *cmkit.ValidationError
		if !errors.As(err, &ve) || ve.Field != name {
			t.Errorf("%s: error %v, want a validation error naming it", name, err)
		}
	}
	w, _ := NewWatcher(WatcherConfig{})
	if _, err := w.Intern("", "g"); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("empty key: %v", err)
	}
	h, _ := w.Intern("k", "g")
	t0 := streamStart
	if _, err := w.Observe(h, t0, 5, 1); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"handle":      func() error { _, err := w.Observe(h+1, t0.Add(time.Minute), 1, 0); return err },
		"negative":    func() error { _, err := w.Observe(h, t0.Add(time.Minute), 1, 2); return err },
		"boundary":    func() error { _, err := w.Observe(h, t0.Add(90*time.Second), 1, 0); return err },
		"nanoseconds": func() error { _, err := w.Observe(h, t0.Add(time.Minute+1), 1, 0); return err },
		"backwards":   func() error { _, err := w.Observe(h, t0, 1, 0); return err },
		"burst both":  func() error { return w.Announce(Burst{Key: "k", Group: "g", Start: t0, End: t0.Add(1), Multiplier: 2}) },
		"burst end":   func() error { return w.Announce(Burst{Key: "k", Start: t0, End: t0, Multiplier: 2}) },
		"burst mult":  func() error { return w.Announce(Burst{Key: "k", Start: t0, End: t0.Add(1), Multiplier: 0.5}) },
	} {
		if err := call(); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
	}
	// nothing changed: the next minute is accepted
	if _, err := w.Observe(h, t0.Add(time.Minute), 5, 1); err != nil {
		t.Fatal(err)
	}
	if len(w.bursts) != 0 {
		t.Errorf("refused bursts kept: %v", w.bursts)
	}
}

func TestBreakoutKindString(t *testing.T) {
	if s := (BreakoutVolume | BreakoutNegative).String(); s != "volume+negative" {
		t.Errorf("%q", s)
	}
	if s := BreakoutKind(0).String(); s != "none" {
		t.Errorf("%q", s)
	}
}

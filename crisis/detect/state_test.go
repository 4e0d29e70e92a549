package detect

import (
	"bytes"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// feed runs minutes [from, to) of s into series h of w and returns the
// phases.
func feed(t testing.TB, w *Watcher, h WatchHandle, s stream, from, to int) []BreakoutPhase {
	var out []BreakoutPhase
	for i := from; i < to; i++ {
		ph, err := w.Observe(h, streamStart.Add(time.Duration(i)*time.Minute), s.total[i], s.neg[i])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ph)
	}
	return out
}

// TestStateRoundTrip: a Watcher restored mid-stream (during a spike)
// behaves exactly as the one that kept running.
func TestStateRoundTrip(t *testing.T) {
	onset := minute(4, 2, 15, 0)
	s := gen(1, window(onset, 30, 5, 1), nil)
	a, _ := NewWatcher(WatcherConfig{})
	h, _ := a.Intern("brand/x", "brand")
	if _, err := a.Intern("brand/y", "brand"); err != nil {
		t.Fatal(err)
	}
	if err := a.Announce(campaign); err != nil {
		t.Fatal(err)
	}
	feed(t, a, h, s, 0, onset+5)
	data, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var b Watcher
	if err := b.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	again, _ := b.MarshalBinary()
	if !bytes.Equal(data, again) {
		t.Fatal("restored state marshals differently")
	}
	ba, _ := a.Breakout(h)
	bb, _ := b.Breakout(h)
	if ba != bb || ba.Seq != 1 {
		t.Fatalf("breakout %+v restored as %+v", ba, bb)
	}
	pa := feed(t, a, h, s, onset+5, streamMinutes)
	pb := feed(t, &b, h, s, onset+5, streamMinutes)
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatalf("minute %d: phase %d after restore, %d without", onset+5+i, pb[i], pa[i])
		}
	}
	ea, _, _ := a.Expected(h, streamStart)
	eb, _, _ := b.Expected(h, streamStart)
	if ea != eb {
		t.Fatalf("expected %v after restore, %v without", eb, ea)
	}
}

func TestUnmarshalBinaryIsStrict(t *testing.T) {
	w, _ := NewWatcher(WatcherConfig{})
	h, _ := w.Intern("k", "g")
	feed(t, w, h, gen(2, nil, nil), 0, 100)
	good, _ := w.MarshalBinary()
	nan := bytes.Clone(good)
	// the first float of the config, SlotAlpha, follows the magic,
	// Bucket, the location ("UTC") and three durations
	off := len(stateMagic) + 8 + 8 + 3 + 3*8
	copy(nan[off:], []byte{0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	cases := map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("cmkitdw\x02"), good[8:]...),
		"truncated": good[:len(good)-1],
		"trailing":  append(bytes.Clone(good), 0),
		"nan":       nan,
	}
	for name, data := range cases {
		var r Watcher
		r.cfg.Enter = 42 // a marker: left unchanged on error
		err := r.UnmarshalBinary(data)
		if !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("%s: error %v, want ErrInvalid", name, err)
		}
		if r.cfg.Enter != 42 {
			t.Errorf("%s: the watcher changed", name)
		}
	}
}

func FuzzUnmarshalBinary(f *testing.F) {
	w, _ := NewWatcher(WatcherConfig{Warmup: time.Hour})
	h, _ := w.Intern("k", "g")
	_ = w.Announce(Burst{Group: "g", Start: streamStart, End: streamStart.Add(time.Hour), Multiplier: 2})
	feed(f, w, h, gen(3, nil, nil), 0, 200)
	good, _ := w.MarshalBinary()
	f.Add(good)
	f.Add(good[:100])
	empty, _ := NewWatcher(WatcherConfig{})
	e, _ := empty.MarshalBinary()
	f.Add(e)
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Watcher
		if err := r.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		once, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var r2 Watcher
		if err := r2.UnmarshalBinary(once); err != nil {
			t.Fatalf("re-marshaled state refused: %v", err)
		}
		twice, _ := r2.MarshalBinary()
		if !bytes.Equal(once, twice) {
			t.Fatal("marshal is not stable")
		}
		// A restored watcher takes observations without panicking.
		for i := range r.Len() {
			_, _ = r.Observe(WatchHandle(i), time.Unix(math.MaxInt32, 0).Truncate(r.cfg.Bucket), 10, 1)
		}
	})
}

package detect

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"testing"
	"time"
)

// goldenDigest is TestGoldenDigest's digest taken at commit 3a8a6ee,
// before the speed-ups that were to change no result (tailBelow, whBelow,
// the bucket cache, clamp). A deliberate change of results updates it.
// amd64 only: other architectures may fuse a multiply and an add, which
// rounds differently.
const goldenDigest = "daaeddc13adefed8335277135b6e53286164a0b7928e740fbd0a472bae39ab5f"

// TestGoldenDigest feeds 16 streams (seeds 1 and 2; normal, 5× volume,
// negative share 40%, night spike plus 25% negatives; the default
// thresholds with a one-day warm-up, and low floors and thresholds) and
// digests every phase, every breakout after a non-quiet phase and the
// saved state at the end: the detector's results, bit for bit.
func TestGoldenDigest(t *testing.T) {
	h := sha256.New()
	for _, seed := range seeds[:2] {
		for v := range 8 {
			o := minute(4, int(seed%5), 11+int(seed%7), 7*int(seed))
			var vol, neg func(int) float64
			switch v % 4 {
			case 1:
				vol = window(o, 30, 5, 1)
			case 2:
				neg = window(o, 30, 0.4, 0.1)
			case 3:
				vol = window(minute(5, int(seed%7), 2+int(seed%3), 11*int(seed)), 30, 4, 1)
				neg = window(o, 60, 0.25, 0.1)
			}
			s := gen(seed, vol, neg)
			cfg := WatcherConfig{Warmup: 24 * time.Hour}
			if v >= 4 {
				cfg = WatcherConfig{Warmup: 2 * time.Hour, MinExcess: 0.5, MinNegativeExcess: 0.5, Exit: 0.5, Reference: 0.7, Enter: 3, Window: 3}
			}
			w, err := NewWatcher(cfg)
			if err != nil {
				t.Fatal(err)
			}
			hd, _ := w.Intern("brand/x", "brand")
			if err := w.Announce(campaign); err != nil {
				t.Fatal(err)
			}
			for i := range streamMinutes {
				ph, err := w.Observe(hd, streamStart.Add(time.Duration(i)*time.Minute), s.total[i], s.neg[i])
				if err != nil {
					t.Fatal(err)
				}
				h.Write([]byte{byte(ph)})
				if ph != PhaseQuiet {
					b, _ := w.Breakout(hd)
					fmt.Fprintf(h, "%+v", b)
				}
			}
			st, err := w.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			h.Write(st)
			_ = binary.Write(h, binary.LittleEndian, int64(len(st)))
		}
	}
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != goldenDigest {
		t.Errorf("digest %s, want %s: the results changed", got, goldenDigest)
	}
}

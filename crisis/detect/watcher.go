package detect

import (
	"math"
	"time"
	"unsafe"

	"github.com/cmkit/cmkit"
)

// slots is the number of hour-of-week slots of the seasonal profile
// (7 days × 24 hours), Monday 00:00 first, in WatcherConfig.Location.
const slots = 168

// WatcherConfig holds a Watcher's parameters. The zero value of a field
// means its default, given in the field's comment; the package doc
// explains each parameter.
type WatcherConfig struct {
	// Bucket is the width of a time bucket (default one minute). Every
	// bucketStart passed to Observe must be a multiple of it (Unix time).
	Bucket time.Duration
	// Location is where the audience lives: hour-of-week slots are taken
	// in it (default UTC).
	Location *time.Location
	// Warmup is how long a series is observed before it may alert
	// (default 7 days).
	Warmup time.Duration
	// LevelHalfLife is the half-life of the deseasonalized level, which
	// follows slow trends (default 3 days).
	LevelHalfLife time.Duration
	// SlotAlpha is the weight of a new bucket in its hour-of-week slot once
	// the slot has seen 1/SlotAlpha buckets (default 0.02).
	SlotAlpha float64
	// ShareHalfLife is the half-life of the learned negative share and of
	// the dispersion estimates (default 1 day).
	ShareHalfLife time.Duration
	// Reference is the CUSUM reference value k in standard deviations
	// (default 1.5): a bucket adds max(0, z-k) to its CUSUM.
	Reference float64
	// Enter is the CUSUM level that opens a breakout (default 4.5).
	Enter float64
	// Window is the score of the last three buckets together (in standard
	// deviations) that opens a breakout (default 4.3), for mentions and
	// for negative mentions: it catches a step too moderate for one bucket
	// within three.
	Window float64
	// Exit is the CUSUM level under which a breakout starts to cool down
	// (default 2); it must be below Enter (hysteresis).
	Exit float64
	// CoolDown is how many consecutive buckets every CUSUM must stay under
	// Exit before a breakout closes (default 10).
	CoolDown int
	// MinExcess is the minimum excess of mentions over the expected count
	// for a bucket to count as high (default 4): the floor for night-time.
	MinExcess float64
	// MinNegativeExcess is the same floor for negative mentions
	// (default 3).
	MinNegativeExcess float64
}

func (c WatcherConfig) withDefaults() (WatcherConfig, error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	deff := func(f *float64, v float64) {
		if *f == 0 {
			*f = v
		}
	}
	def(&c.Bucket, time.Minute)
	def(&c.Warmup, 7*24*time.Hour)
	def(&c.LevelHalfLife, 3*24*time.Hour)
	def(&c.ShareHalfLife, 24*time.Hour)
	deff(&c.SlotAlpha, 0.02)
	deff(&c.Reference, 1.5)
	deff(&c.Enter, 4.5)
	deff(&c.Window, 4.3)
	deff(&c.Exit, 2)
	deff(&c.MinExcess, 4)
	deff(&c.MinNegativeExcess, 3)
	if c.CoolDown == 0 {
		c.CoolDown = 10
	}
	if c.Location == nil {
		c.Location = time.UTC
	}
	switch {
	case c.Bucket < time.Second || c.Bucket%time.Second != 0 || c.Bucket > time.Hour || time.Hour%c.Bucket != 0:
		return c, cmkit.Invalid("Bucket", "divides_hour", "bucket %v must be whole seconds dividing an hour", c.Bucket)
	case c.Warmup < 0:
		return c, cmkit.Invalid("Warmup", "non_negative", "warmup %v is negative", c.Warmup)
	case c.LevelHalfLife < c.Bucket:
		return c, cmkit.Invalid("LevelHalfLife", "at_least_bucket", "half-life %v is shorter than a bucket", c.LevelHalfLife)
	case c.ShareHalfLife < c.Bucket:
		return c, cmkit.Invalid("ShareHalfLife", "at_least_bucket", "half-life %v is shorter than a bucket", c.ShareHalfLife)
	case !(c.SlotAlpha > 0 && c.SlotAlpha <= 1):
		return c, cmkit.Invalid("SlotAlpha", "in_0_1", "slot alpha %v is not in (0, 1]", c.SlotAlpha)
	case !(c.Reference > 0 && c.Reference < 100):
		return c, cmkit.Invalid("Reference", "positive", "reference %v is not in (0, 100)", c.Reference)
	case !(c.Enter > 0 && c.Enter < 1000):
		return c, cmkit.Invalid("Enter", "positive", "enter level %v is not in (0, 1000)", c.Enter)
	case !(c.Window > 0 && c.Window < 1000):
		return c, cmkit.Invalid("Window", "positive", "window level %v is not in (0, 1000)", c.Window)
	case !(c.Exit >= 0 && c.Exit < c.Enter):
		return c, cmkit.Invalid("Exit", "below_enter", "exit level %v is not in [0, Enter=%v)", c.Exit, c.Enter)
	case c.CoolDown < 1 || c.CoolDown > 1<<16-1:
		return c, cmkit.Invalid("CoolDown", "range", "cool-down %d is not in [1, 65535]", c.CoolDown)
	case !(c.MinExcess >= 0 && c.MinExcess < 1e9):
		return c, cmkit.Invalid("MinExcess", "non_negative", "minimum excess %v is negative", c.MinExcess)
	case !(c.MinNegativeExcess >= 0 && c.MinNegativeExcess < 1e9):
		return c, cmkit.Invalid("MinNegativeExcess", "non_negative", "minimum excess %v is negative", c.MinNegativeExcess)
	}
	return c, nil
}

// alphaFor returns the EWMA weight whose half-life is h buckets of width b.
func alphaFor(h, b time.Duration) float64 {
	return 1 - math.Exp2(-float64(b)/float64(h))
}

// WatchHandle names a series interned in a Watcher; it is an index, valid
// only for the Watcher (or a Watcher restored from its state) that made it.
type WatchHandle int32

// BreakoutKind says which signals broke out, as bits.
type BreakoutKind uint8

// The signals of a breakout.
const (
	// BreakoutVolume: more mentions than the seasonal baseline allows.
	BreakoutVolume BreakoutKind = 1 << iota
	// BreakoutNegative: a higher negative share than the learned rate.
	BreakoutNegative
	// BreakoutCombined: volume and negative share together, each perhaps
	// too weak alone.
	BreakoutCombined
)

// String lists the bits, as "volume+negative".
func (k BreakoutKind) String() string {
	s := ""
	for i, n := range [...]string{"volume", "negative", "combined"} {
		if k&(1<<i) != 0 {
			if s != "" {
				s += "+"
			}
			s += n
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// BreakoutPhase is what one observation did to its series' breakout.
type BreakoutPhase uint8

// The phases Observe returns.
const (
	// PhaseQuiet: no breakout is open.
	PhaseQuiet BreakoutPhase = iota
	// PhaseOpened: this bucket opened a breakout.
	PhaseOpened
	// PhaseOngoing: a breakout was open and still is (cooling down, maybe).
	PhaseOngoing
	// PhaseClosed: this bucket closed the breakout after its cool-down.
	PhaseClosed
)

// Breakout is one alert of a series: it opens when a signal breaks out,
// stays open (and is updated) while it lasts, and closes after a cool-down.
type Breakout struct {
	// Seq numbers the breakouts of a series from 1.
	Seq uint32
	// Key and Group are the series' names given to Intern.
	Key, Group string
	// Kind accumulates the signals that broke out while it was open.
	Kind BreakoutKind
	// Opened is the start of the bucket that opened it.
	Opened time.Time
	// Updated is the start of the last bucket that was still high.
	Updated time.Time
	// Closed is the start of the bucket that closed it; zero while open.
	Closed time.Time
	// PeakTotal, PeakExpected and PeakNegative are the counts of the
	// bucket that scored highest on its own (volume or negative share):
	// mentions, the expected mentions (with any announced multiplier),
	// negative mentions.
	PeakTotal, PeakNegative uint32
	PeakExpected            float64
	// BaselineShare is the learned negative share when it opened.
	BaselineShare float64
	// Score is the highest CUSUM reached, in standard deviations.
	Score float64
}

// series is the fixed-size state of one series: what every Observe
// reads comes first, in two cache lines; then the seasonal profile.
type series struct {
	level   float64 // deseasonalized mentions per bucket
	disA    float64 // EWMA of (x-mu)²-mu
	disB    float64 // EWMA of mu²
	negSum  float64 // EWMA of negative mentions
	totSum  float64 // EWMA of mentions
	negDisp float64 // EWMA of squared Pearson residuals of negatives
	cVol    float64 // CUSUMs
	cNeg    float64
	cComb   float64
	first   int64      // unix seconds of the first bucket
	last    int64      // unix seconds of the last bucket
	n       uint64     // buckets observed
	winX    [2]float32 // the two previous buckets' counts
	winMu   [2]float32 // and their expected counts
	winN    [2]float32 // the two previous buckets' negatives
	winEn   [2]float32 // and their expected negatives
	open    bool
	kind    BreakoutKind
	quiet   uint16
	seq     uint32
	bursts  []Burst
	// the breakout, read when it opens or changes
	opened  int64
	updated int64
	closed  int64
	peakTot uint32
	peakNeg uint32
	peakExp float64
	baseShr float64
	peak    float64 // highest CUSUM
	peakZ   float64 // highest bucket score, whose counts are kept
	key     string
	grp     string
	profile [slots]float32 // seasonal factor per hour-of-week slot
}

// Burst announces a campaign: from Start to End the mentions of the series
// (Key) or of every series of a group (Group) are expected to be
// Multiplier times their baseline, so the surge does not page.
type Burst struct {
	// Key names one series; Group names all series interned with it. Set
	// exactly one.
	Key, Group string
	// Start and End bound the window [Start, End).
	Start, End time.Time
	// Multiplier is the expected ratio to the baseline, ≥ 1.
	Multiplier float64
}

// Watcher is a streaming breakout detector over many series of per-bucket
// counts; see the package doc for the method. It is not safe for
// concurrent use: callers serialize Observe and the other methods.
type Watcher struct {
	cfg       WatcherConfig
	aLevel    float64
	aShare    float64
	warm      int64   // warmup in seconds
	bucket    int64   // seconds
	perHour   float64 // buckets per hour
	invBucket float64 // 1/bucket seconds
	slotLearn int64   // seconds after which every slot learns at SlotAlpha
	series    []series
	byKey     map[string]WatchHandle
	bursts    []Burst

	// exact turns off the shortcuts (tailBelow, whBelow): every score is
	// computed, as TestShortcutChangesNothing compares.
	exact bool

	// slot cache: the hour [hFrom, hTo) in unix seconds is slot hSlot.
	hFrom, hTo int64
	hSlot      int
	lastU      int64 // the last bucket checked to be on a boundary

	// bucket cache: what every series computes alike in bucket bU: its
	// slot bSl, the slot bNb it is interpolated with and the weight bFr
	// of bNb, how many buckets of its hour precede it (bIn); for a series
	// in its first week, the count of buckets its slot has learned (bC1)
	// and its inverse bA1, the slot's rate while bC1·SlotAlpha < 1.
	bU       int64
	bSl, bNb int
	bFr, bIn float64
	bC1, bA1 float64
}

// NewWatcher returns a Watcher with cfg (zero fields take their
// defaults). An invalid field is an error wrapping cmkit.ErrInvalid.
func NewWatcher(cfg WatcherConfig) (*Watcher, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	w := &Watcher{cfg: c, byKey: map[string]WatchHandle{}}
	w.derive()
	return w, nil
}

func (w *Watcher) derive() {
	c := w.cfg
	w.aLevel = alphaFor(c.LevelHalfLife, c.Bucket)
	w.aShare = alphaFor(c.ShareHalfLife, c.Bucket)
	w.warm = int64(c.Warmup / time.Second)
	w.bucket = int64(c.Bucket / time.Second)
	w.perHour = float64(time.Hour / c.Bucket)
	w.invBucket = 1 / float64(w.bucket)
	w.slotLearn = int64(math.Ceil(1/c.SlotAlpha/w.perHour)+1) * 7 * 24 * 3600
	w.hFrom, w.hTo = 1, 0
	w.lastU = math.MinInt64
	w.bU = math.MinInt64 // before every series' first bucket: never observed
}

// Config returns the Watcher's configuration with its defaults filled in.
func (w *Watcher) Config() WatcherConfig { return w.cfg }

// Intern returns the handle of the series key, in group (a brand, say),
// creating it on first use. A key keeps the group it was first interned
// with. An empty key is an error.
func (w *Watcher) Intern(key, group string) (WatchHandle, error) {
	if key == "" {
		return 0, cmkit.Invalid("key", "required", "series key is empty")
	}
	if h, ok := w.byKey[key]; ok {
		return h, nil
	}
	if len(w.series) >= math.MaxInt32 {
		return 0, cmkit.Invalid("key", "capacity", "too many series")
	}
	h := WatchHandle(len(w.series))
	w.series = append(w.series, series{key: key, grp: group})
	s := &w.series[h]
	s.init()
	for _, b := range w.bursts {
		if b.Key == key || (b.Group != "" && b.Group == group) {
			s.bursts = append(s.bursts, b)
		}
	}
	w.byKey[key] = h
	return h, nil
}

func (s *series) init() {
	for i := range s.profile {
		s.profile[i] = 1
	}
	s.negDisp = 1
	s.last = math.MinInt64
}

// seriesBytes is the fixed size of one series' state.
func (w *Watcher) seriesBytes() int { return int(unsafeSeriesSize) }

const unsafeSeriesSize = unsafe.Sizeof(series{})

// Len returns the number of series interned.
func (w *Watcher) Len() int { return len(w.series) }

// Announce records a campaign burst. Buckets inside its window test the
// series against Multiplier times the baseline and teach the baseline
// only the count divided by Multiplier. Bad input (no Key nor Group, or
// both; End not after Start; Multiplier < 1 or not finite) is an error
// and changes nothing.
func (w *Watcher) Announce(b Burst) error {
	switch {
	case (b.Key == "") == (b.Group == ""):
		return cmkit.Invalid("Burst.Key", "one_of_key_group", "set exactly one of Key and Group")
	case !b.End.After(b.Start):
		return cmkit.Invalid("Burst.End", "after_start", "end %v is not after start %v", b.End, b.Start)
	case !(b.Multiplier >= 1 && b.Multiplier < 1e6):
		return cmkit.Invalid("Burst.Multiplier", "at_least_1", "multiplier %v is not in [1, 1e6)", b.Multiplier)
	}
	// Forget bursts that ended before the last bucket observed.
	kept := w.bursts[:0]
	for _, o := range w.bursts {
		if o.End.Unix() > w.lastU {
			kept = append(kept, o)
		}
	}
	w.bursts = append(kept, b)
	for i := range w.series {
		s := &w.series[i]
		if b.Key == s.key || (b.Group != "" && b.Group == s.grp) {
			s.bursts = append(s.bursts, b)
		}
	}
	return nil
}

// slot returns the hour-of-week slot of unix second u, caching the hour.
func (w *Watcher) slot(u int64) int {
	if u >= w.hFrom && u < w.hTo {
		return w.hSlot
	}
	t := time.Unix(u, 0).In(w.cfg.Location)
	wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
	w.hSlot = wd*24 + t.Hour()
	w.hFrom = u - int64(t.Minute()*60+t.Second())
	w.hTo = w.hFrom + 3600
	return w.hSlot
}

// toBucket fills the bucket cache for bucket u.
func (w *Watcher) toBucket(u int64) {
	sl := w.slot(u)
	fr := float64(u-w.hFrom)*(1.0/3600) - 0.5
	nb := sl + 1
	if fr < 0 {
		nb, fr = sl+slots-1, -fr
	}
	if nb >= slots {
		nb -= slots
	}
	w.bU, w.bSl, w.bNb, w.bFr = u, sl, nb, fr
	w.bIn = float64(u-w.hFrom) * w.invBucket
	w.bC1 = w.bIn + 1 // bIn + 0 weeks' buckets + 1, as observe counts
	w.bA1 = 1 / w.bC1
}

// multiplier returns the announced multiplier at unix second u (1 if none)
// and drops bursts that have ended.
func (s *series) multiplier(u int64) float64 {
	m := 1.0
	for i := 0; i < len(s.bursts); i++ {
		b := &s.bursts[i]
		if u >= b.End.Unix() {
			s.bursts = append(s.bursts[:i], s.bursts[i+1:]...)
			i--
			continue
		}
		if u >= b.Start.Unix() && b.Multiplier > m {
			m = b.Multiplier
		}
	}
	return m
}

// Observe feeds bucket bucketStart of series h: total mentions, of which
// negative are negative. Feed every bucket, zeros included; a skipped
// bucket is missing data and teaches nothing. It returns what the bucket
// did to the series' breakout; Breakout gives the details. A handle not
// interned, a bucketStart not on a bucket boundary or not after the
// series' last one, or negative > total is an error and changes nothing.
func (w *Watcher) Observe(h WatchHandle, bucketStart time.Time, total, negative uint32) (BreakoutPhase, error) {
	if uint(h) >= uint(len(w.series)) {
		return PhaseQuiet, cmkit.Invalid("handle", "interned", "handle %d was not interned", h)
	}
	u := bucketStart.Unix()
	s := &w.series[h]
	switch {
	case negative > total:
		return PhaseQuiet, cmkit.Invalid("negative", "at_most_total", "negative %d exceeds total %d", negative, total)
	case bucketStart.Nanosecond() != 0 || (u != w.lastU && u%w.bucket != 0):
		return PhaseQuiet, cmkit.Invalid("bucketStart", "on_bucket", "%v is not on a %v boundary", bucketStart, w.cfg.Bucket)
	case u <= s.last:
		return PhaseQuiet, cmkit.Invalid("bucketStart", "increasing", "%v is not after the series' last bucket", bucketStart)
	}
	w.lastU = u // on a boundary: the next series in this bucket skips the check
	return w.observe(s, u, float64(total), float64(negative)), nil
}

func (w *Watcher) observe(s *series, u int64, x, neg float64) BreakoutPhase {
	if u != w.bU {
		w.toBucket(u)
	}
	sl := w.bSl
	if s.n == 0 {
		s.first = u
		s.level = fmax(x, 1)
	}
	s.last = u
	s.n++
	m := 1.0
	if len(s.bursts) != 0 {
		m = s.multiplier(u)
	}
	f := float64(s.profile[sl])
	// Predict between hour centers (linear interpolation), learn the hour.
	fi := f + w.bFr*(float64(s.profile[w.bNb])-f)
	base := s.level * fi
	mu := base * m

	phi := 0.0
	if s.disB > 0 {
		phi = s.disA / s.disB
		if phi < 0 {
			phi = 0
		}
	}
	k := w.cfg.Reference
	warm := u-s.first >= w.warm
	open := s.open

	// Negative share: beta-binomial residual against the learned rate.
	p := 0.1
	if s.totSum > 0 {
		p = s.negSum / s.totSum
	}
	p = fmin(fmax(p, 0.001), 0.999)
	en := x * p
	dn := fmax(s.negDisp, 1) // beta-binomial variance inflation, ≥ 1
	vn := x*p*(1-p)*dn + 0.25
	// zn⁺ = max(zn, 0) is taken in each case (0 but in the first). Here
	// and below, a condition tests its rare half first (a CUSUM up, a
	// clip's size), so that the branches on the counts are predicted.
	zn, znp := 0.0, 0.0
	switch {
	case neg-en >= w.cfg.MinNegativeExcess:
		// The upper tail of the negatives, skew included: Wilson–Hilferty
		// for a gamma with their mean and beta-binomial variance.
		zn = whZ(neg/en, en/((1-p)*dn))
		znp = fmax(zn, 0)
	case s.cNeg > 0 && neg < en:
		zn = (neg - en) / math.Sqrt(vn)
	}

	// Volume: the negative binomial tail score (variance mu + phi·mu²).
	// While no breakout is open, a score that cannot lift the volume nor
	// the combined CUSUM off 0 changes nothing but the peak of a breakout
	// this bucket might open: it is left at 0 (tailBelow proves it small
	// without a cube root) and computed only if one opens.
	zv, zvp := 0.0, 0.0
	zvLater := false
	switch {
	case x-mu >= w.cfg.MinExcess:
		if open || w.exact || !tailBelow(x, mu, phi, fmin(k-s.cVol, math.Sqrt2*(k-s.cComb)-znp)-skipMargin) {
			zv = tailZ(x, mu, phi)
			zvp = fmax(zv, 0)
		} else {
			zvLater = true
		}
	case s.cVol > 0 && x < mu:
		// Below the baseline only a CUSUM's decay needs a score (at 0 it
		// stays 0): the Pearson residual, cheaper than the cube root.
		zv = (x - mu) / math.Sqrt(mu+phi*mu*mu)
	}
	// The window: the last three buckets together, against three times
	// the dispersion-adjusted baseline (a sum of three has phi/3). Until
	// a breakout is open only whether it reaches Window matters (nothing
	// during the warm-up), so that alone is decided while it can be.
	sx, sm := x+float64(s.winX[0])+float64(s.winX[1]), mu+float64(s.winMu[0])+float64(s.winMu[1])
	zw := 0.0
	zwLater := false
	if s.n >= 3 && sx-sm >= w.cfg.MinExcess {
		if open || w.exact || warm && !tailBelow(sx, sm, phi/3, w.cfg.Window-skipMargin) {
			zw = tailZ(sx, sm, phi/3)
		} else {
			zwLater = true
		}
	}
	s.winX[1], s.winX[0] = s.winX[0], float32(x)
	s.winMu[1], s.winMu[0] = s.winMu[0], float32(mu)

	// The negatives' window, as for the volume.
	sn, se := neg+float64(s.winN[0])+float64(s.winN[1]), en+float64(s.winEn[0])+float64(s.winEn[1])
	zwn := 0.0
	zwnLater := false
	if s.n >= 3 && sn-se >= w.cfg.MinNegativeExcess {
		if open || w.exact || warm && !whBelow(sn, se, (1-p)*dn, w.cfg.Window-skipMargin) {
			zwn = whZ(sn/se, se/((1-p)*dn))
		} else {
			zwnLater = true
		}
	}
	s.winN[1], s.winN[0] = s.winN[0], float32(neg)
	s.winEn[1], s.winEn[0] = s.winEn[0], float32(en)
	zc := (zvp + znp) * (1 / math.Sqrt2)
	capc := 3 * w.cfg.Enter
	s.cVol = clamp(s.cVol+zv-k, capc)
	s.cNeg = clamp(s.cNeg+zn-k, capc)
	s.cComb = clamp(s.cComb+zc-k, capc)

	// Learn, robustly: clip the count to the baseline plus 2 standard
	// deviations so a spike cannot drag the baseline up, and divide out
	// an announced multiplier.
	xs := x
	if m != 1 {
		xs = x / m
	}
	if e := xs - base - 1; e*e > 4*(base+phi*base*base) && e > 0 {
		xs = base + 2*math.Sqrt(base+phi*base*base) + 1
	}
	negs := neg
	if zn > 2 {
		negs = en + 2*math.Sqrt(vn)
	}
	// While the volume is suspect (its CUSUM at or over Exit, or a
	// breakout open), the baseline does not learn at all.
	learn := !s.open && s.cVol < w.cfg.Exit
	if learn && f > 1e-3 {
		a := w.aLevel
		if !warm {
			a = fmax(a, 1/float64(s.n))
		}
		s.level += a * (xs/f - s.level)
	}
	if learn && s.level > 1e-6 {
		a := w.cfg.SlotAlpha
		// Buckets this slot has learned: whole weeks plus this hour's.
		if d := u - s.first; d < 7*24*3600 {
			if w.bC1*a < 1 {
				a = w.bA1 // 1/c in the first week, the same for every series
			}
		} else if d < w.slotLearn {
			c := float64(d/(7*24*3600))*w.perHour + w.bIn + 1
			if c*a < 1 {
				a = 1 / c
			}
		}
		s.profile[sl] = float32(fmin(f+a*(xs/s.level-f), 1e4))
	}
	if u-s.first >= 7*24*3600 && s.n%1440 == 0 {
		s.normalize()
	}
	as := w.aShare
	if !warm {
		as = fmax(as, 1/float64(s.n))
	}
	d := xs - base
	s.disA += as * (d*d - base - s.disA)
	s.disB += as * (base*base - s.disB)
	s.negSum += as * (negs - s.negSum)
	s.totSum += as * (x - s.totSum)
	if x > 0 {
		r := negs - en
		s.negDisp += as * (fmin(r*r/(x*p*(1-p)+0.25), 25) - s.negDisp)
	}

	if !warm {
		s.cVol, s.cNeg, s.cComb = 0, 0, 0
		return PhaseQuiet
	}
	var kind BreakoutKind
	if s.cVol >= w.cfg.Enter || zw >= w.cfg.Window {
		kind |= BreakoutVolume
	}
	if s.cNeg >= w.cfg.Enter || zwn >= w.cfg.Window {
		kind |= BreakoutNegative
	}
	if s.cComb >= w.cfg.Enter {
		kind |= BreakoutCombined
	}
	if !s.open {
		if kind == 0 {
			return PhaseQuiet
		}
		// The scores left for later are the peak's.
		if zvLater {
			zv = tailZ(x, mu, phi)
		}
		if zwLater {
			zw = tailZ(sx, sm, phi/3)
		}
		if zwnLater {
			zwn = whZ(sn/se, se/((1-p)*dn))
		}
		score := fmax(fmax(fmax(fmax(s.cVol, s.cNeg), s.cComb), zw), zwn)
		s.open = true
		s.seq++
		s.kind = kind
		s.opened, s.updated, s.closed = u, u, 0
		s.quiet = 0
		s.peak, s.peakZ = -1, math.Inf(-1)
		s.baseShr = p
		s.notePeak(score, fmax(zv, zn), x, neg, mu)
		return PhaseOpened
	}
	s.kind |= kind
	cusum := fmax(fmax(s.cVol, s.cNeg), s.cComb)
	score := fmax(fmax(cusum, zw), zwn)
	s.notePeak(score, fmax(zv, zn), x, neg, mu)
	// Cooling down watches the CUSUMs only: the windows' three buckets
	// pass 2σ too often by chance to hold a breakout open.
	if cusum >= w.cfg.Exit || kind != 0 {
		s.quiet = 0
		s.updated = u
		return PhaseOngoing
	}
	s.quiet++
	if int(s.quiet) >= w.cfg.CoolDown {
		s.open = false
		s.closed = u
		return PhaseClosed
	}
	return PhaseOngoing
}

// fmin and fmax are min and max for numbers known not to be NaN, without
// the builtins' NaN and signed-zero handling (several instructions each).
func fmin(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func fmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// clamp is fmin(fmax(0, c), hi) for hi > 0, NaN and −0 included, in
// fewer instructions when c < 0, the usual case of a CUSUM.
func clamp(c, hi float64) float64 {
	if c < 0 {
		return 0
	}
	if !(c < hi) {
		return hi
	}
	return c
}

// tailZ returns the standard normal score of the upper tail P(X ≥ x) of
// count x under a negative binomial with mean mu and variance mu + phi·mu²
// (0 unless x > mu). Such a count is Poisson(λ) with λ gamma of mean mu and
// shape 1/phi, and P(Poisson(λ) ≥ x) = P(G ≤ λ) for G gamma of shape x, so
// the tail is P((G/x)/(λ/mu) ≤ mu/x), a ratio of two gammas; the cube roots
// of both are nearly normal (Wilson–Hilferty, the gamma taken with shape x
// rather than the count's; Paulson's approximation of the F distribution):
// z = (1 − 1/(9x) − c·(1 − phi/9)) / √(1/(9x) + c²·phi/9), c = ∛(mu/x).
// With phi = 0 it is the Poisson tail. TestTailZ bounds its error against
// the exact tail.
func tailZ(x, mu, phi float64) float64 {
	mu = fmax(mu, 0.05)
	if !(x > mu) {
		return 0
	}
	c := math.Cbrt(mu / x)
	ix := 1 / (9 * x)
	ir := phi * (1.0 / 9)
	return (1 - ix - c*(1-ir)) / math.Sqrt(ix+c*c*ir)
}

// skipMargin is what tailBelow's threshold is lowered by, far more than
// the rounding of the scores and CUSUMs it stands for (about 1e-15).
const skipMargin = 1e-9

// tailBelow reports whether tailZ(x, mu, phi) is surely below t, without
// a cube root nor a division: false means only that it may not be.
// tailZ's score is decreasing in c = ∛(mu/x) (while phi < 9), so its
// value at any y ≤ c bounds it; y is the chord of the cube root between
// 0.6 and 1, below the curve there since the cube root is concave (at
// most 0.007 below), less a margin for rounding; numerator and
// denominator are taken times x. Ratios mu/x under 0.6 score high
// anyway: false. (Over 1 the chord is above the cube root, but tailZ is
// 0 there, below t.) TestTailBelow checks it on a grid against tailZ.
func tailBelow(x, mu, phi, t float64) bool {
	ir := phi * (1.0 / 9)
	yx := x*chordBase + mu*chordSlope // x·y
	n := x - 1.0/9 - yx*(1-ir)        // x·(1 − 1/(9x) − y·(1 − phi/9))
	// n ≤ 0 or n² < t²·x²·(1/(9x) + y²·phi/9), in one comparison.
	return n*math.Abs(n) < t*t*(x*(1.0/9)+yx*yx*ir) && t > 0 && ir < 1 && mu >= 0.6*x
}

// The cube root's chord from 0.6 to 1 is chordBase + chordSlope·r, its
// base lowered by 1e-12 for rounding.
var (
	chordSlope = (1 - math.Cbrt(0.6)) / 0.4
	chordBase  = 1 - chordSlope - 1e-12
)

// whZ is the Wilson–Hilferty score of ratio r = x/mean for a gamma of
// shape a: (r^(1/3) − 1 + 1/(9a)) · 3√a.
func whZ(r, a float64) float64 {
	return (math.Cbrt(r) - 1 + 1/(9*a)) * 3 * math.Sqrt(a)
}

// whBelow reports whether whZ(n/e, e/b) is surely below t, without a
// cube root: ∛r ≤ (2+r)/3 (the tangent at 1) bounds the score by
// (3(n−e) + b) / (3√(e·b)); false means only that it may not be below.
// TestWhBelow checks it on a grid against whZ.
func whBelow(n, e, b, t float64) bool {
	q := 3*(n-e) + b
	return e > 0 && b > 0 && t > 0 && (q <= 0 || q*q < 9*t*t*e*b)
}

// normalize rescales the profile to mean 1 and the level inversely, so
// that their product, the baseline, is unchanged and neither drifts off.
// It runs once a day after the first week, when every slot has learned.
func (s *series) normalize() {
	sum := 0.0
	for _, f := range s.profile {
		sum += float64(f)
	}
	if !(sum > 0) {
		return
	}
	m := sum / slots
	for i := range s.profile {
		s.profile[i] = float32(float64(s.profile[i]) / m)
	}
	s.level *= m
}

func (s *series) notePeak(score, z, x, neg, mu float64) {
	s.peak = fmax(s.peak, score)
	if z > s.peakZ {
		s.peakZ = z
		s.peakTot, s.peakNeg, s.peakExp = uint32(x), uint32(neg), mu
	}
}

// Breakout returns the open breakout of series h, or its last closed one;
// false if it never broke out (or h is not interned).
func (w *Watcher) Breakout(h WatchHandle) (Breakout, bool) {
	if uint(h) >= uint(len(w.series)) {
		return Breakout{}, false
	}
	s := &w.series[h]
	if s.seq == 0 {
		return Breakout{}, false
	}
	b := Breakout{
		Seq: s.seq, Key: s.key, Group: s.grp, Kind: s.kind,
		Opened: time.Unix(s.opened, 0), Updated: time.Unix(s.updated, 0),
		PeakTotal: s.peakTot, PeakNegative: s.peakNeg, PeakExpected: s.peakExp,
		BaselineShare: s.baseShr, Score: s.peak,
	}
	if !s.open {
		b.Closed = time.Unix(s.closed, 0)
	}
	return b, true
}

// Active appends the open breakouts to dst, in handle order, and returns it.
func (w *Watcher) Active(dst []Breakout) []Breakout {
	for i := range w.series {
		if w.series[i].open {
			b, _ := w.Breakout(WatchHandle(i))
			dst = append(dst, b)
		}
	}
	return dst
}

// Expected returns the baseline's expected mentions for series h in the
// bucket starting at t (announced bursts not included), and the learned
// negative share; false if h is not interned.
func (w *Watcher) Expected(h WatchHandle, t time.Time) (mentions, negativeShare float64, ok bool) {
	if uint(h) >= uint(len(w.series)) {
		return 0, 0, false
	}
	s := &w.series[h]
	p := 0.0
	if s.totSum > 0 {
		p = s.negSum / s.totSum
	}
	return s.level * float64(s.profile[w.slot(t.Unix())]), p, true
}

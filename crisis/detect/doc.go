// Package detect catches a reputation crisis in the first minutes: a
// streaming detector over many series of per-bucket counts (mentions and
// negative mentions per minute, per brand, channel or topic) that raises
// one breakout per storm when volume, negative share or both break out of
// what is usual for that hour of that weekday, without paging on an
// ordinary Monday lunchtime peak or on an announced campaign.
//
// A [Watcher] interns each series to a [WatchHandle] ([Watcher.Intern])
// and is fed with [Watcher.Observe](handle, bucketStart, total, negative),
// which returns a [BreakoutPhase]: quiet, opened, ongoing or closed.
// [Watcher.Breakout] and [Watcher.Active] describe the breakouts (a
// [Breakout]: its number, kind, when it opened, was last high and closed,
// its highest-scoring bucket); [Watcher.Announce] declares a campaign
// [Burst]; [Watcher.MarshalBinary] and [Watcher.UnmarshalBinary] keep the
// learned state across a restart. Declaring an incident by hand is the
// incident layer's business: it needs nothing from here. A Watcher is not
// safe for concurrent use.
//
// # Method
//
// Expected mentions. The baseline of a bucket is level × profile: the
// profile holds one multiplicative factor per hour of the week (168 slots,
// Monday 00:00 first, in WatcherConfig.Location), interpolated linearly
// between hour centres, so daily and weekly cycles, lunch and evening
// peaks and quiet nights are learned; the level is the deseasonalized
// volume, an EWMA with a half-life of LevelHalfLife (3 days), which
// follows a slow trend. A slot learns each of its buckets with weight
// SlotAlpha (0.02, about a week and a half of memory, since a slot sees 60
// one-minute buckets a week), and with weight 1/n while it has seen fewer
// than 1/SlotAlpha, so the first week fills the profile. Once a day the
// profile is rescaled to mean 1 (and the level inversely) so the two
// cannot drift apart.
//
// Overdispersion. Mention counts are burstier than Poisson. The counts are
// modelled as negative binomial, variance mu + phi·mu², with phi
// estimated per series as EWMA((x−mu)² − mu) / EWMA(mu²) (half-life
// ShareHalfLife, one day).
//
// Volume score. A bucket's score is the normal quantile of its upper tail
// P(X ≥ x) under that negative binomial. Such a count is Poisson(λ) with λ
// gamma of mean mu and shape 1/phi, and P(Poisson(λ) ≥ x) = P(G ≤ λ) for
// G gamma of shape x, so the tail is that of a ratio of two gammas,
// P((G/x)/(λ/mu) ≤ mu/x); the cube roots of both are nearly normal
// (Wilson–Hilferty, as in Paulson's approximation of the F distribution):
// z = (1 − 1/(9x) − c·(1 − phi/9)) / √(1/(9x) + c²·phi/9), c = ∛(mu/x).
// Against the exact tail (TestTailZ), for scores of 2 to 6, it overstates
// by at most 0.01σ, and understates by at most 0.1σ from a mean of 7
// (phi ≤ 0.067) and 0.25σ from a mean of 1 (phi ≤ 0.2). The
// Wilson–Hilferty approximation taken the other way round, of a gamma with
// the count's mean and variance, which this package used first,
// understates the tail of a mean of 2 to 8 by 0.46σ to 0.75σ on
// TestTailZ's rows (a three-bucket sum of 25 against 7.63, phi/3 =
// 0.0223: 3.85, exact 4.36, this one 4.34), which made night spikes late.
// Unlike the Pearson residual (x−mu)/sd the score keeps the count's skew,
// so a busy minute on a small count is not mistaken for a 4σ event (while
// this package was written, Pearson residuals gave several false breakouts
// a month on the test streams, and a square-root or asinh transform, which
// understates the upper tail, caught spikes a bucket or more later). The
// score is only computed for buckets at least MinExcess (4) mentions above
// the baseline; under that floor a bucket scores 0, which is what keeps
// near-empty night buckets from paging.
//
// Negative share. The learned rate p is EWMA(negatives)/EWMA(mentions)
// (half-life ShareHalfLife); the negatives of a bucket of n mentions are
// beta-binomial around n·p, variance n·p(1−p)·D, with D ≥ 1 the EWMA of
// squared Pearson residuals. The score is the Wilson–Hilferty cube root of
// a gamma with their mean and variance (shape n·p/((1−p)·D)), for buckets at least MinNegativeExcess (3) negatives
// above n·p. Because n·p follows the bucket's own volume, a rise of the
// share is caught at constant volume.
//
// Breaking out. Three one-sided CUSUMs, S ← min(max(0, S + z − k), 3·Enter)
// with reference k = Reference (1.5): volume, negative share, and their
// combination (z_vol⁺ + z_neg⁺)/√2, which catches a moderate rise of both.
// A CUSUM reaching Enter (4.5) opens a breakout: one bucket at z ≥ 6
// opens it at once, two buckets at z ≥ 3.75 on the second. Two window
// scores, the last three buckets summed (mentions, and negatives) against
// three times their baseline, open one at Window (4.3): they catch a step
// too moderate for one bucket, such as a 4× rise on a night baseline of 3
// a minute. The cap on the CUSUMs bounds how long a breakout lasts after
// its storm.
//
// One storm, one breakout. While a breakout is open, high buckets update
// it (kind, last high bucket, peak) instead of opening another; it closes
// after CoolDown (10) consecutive buckets with every CUSUM under Exit (2),
// below Enter: the hysteresis that stops flapping.
//
// No poisoning. The baseline (level and profile) learns nothing from a
// bucket while the volume CUSUM is at or above Exit or a breakout is open;
// otherwise a bucket is clipped to the baseline plus 2 standard deviations
// before anything learns from it (negatives likewise, above 2σ), so a
// storm does not raise next week's baseline.
//
// Campaigns. An announced [Burst] (a window and a multiplier, for a series
// or a whole group) multiplies the expected volume in its window, and the
// baseline learns the count divided by the multiplier. A campaign larger
// than announced still breaks out.
//
// Warm-up. A series does not alert during its first Warmup (7 days):
// learning rates are 1/n there, and the CUSUMs stay at 0.
//
// # Measured on synthetic streams
//
// The tests generate, for seeds 1 to 8, six weeks of per-minute counts from
// a Monday: weekdays from 2 a minute at night to about 40 at the evening
// peak (20:30) with a lunch peak (12:30), lower and later weekends, +3% a
// week, gamma-Poisson noise of shape 15 (variance mu + mu²/15: 3.7 times
// Poisson at the peak), 10% negative, and an announced 3× campaign of four
// hours in week 4. With the default configuration:
//
//   - False breakouts on normal traffic after the one-week warm-up (five
//     weeks): 0, 0, 0, 0, 0, 1, 0, 2 (3 in 40 series-weeks; the test
//     allows 2 per seed). The sharper volume score alone raised them to 7;
//     Window 4.3 (rather than 4.25) and Reference 1.5 (rather than 1.25)
//     brought them back, with the same results for any Window from 4.27
//     to 4.33 and Reference from 1.3 to 1.6. The announced campaign opened none; unannounced,
//     it opened at least one (seeds 1 to 3).
//   - 5× volume for 30 minutes (weekday daytime, baselines 13 to 40 a
//     minute): opened in the onset bucket for 7 seeds, in the second for 1.
//   - Negative share from 10% to 40% at constant volume (peak hours, 33 to
//     42 a minute): opened in the first bucket for 0 seeds, in the second
//     for 7, in the third for 1.
//   - 4× volume at night (baselines 2.6 to 7.5 a minute): first bucket for
//     1 seed, second for 4, third for 3, as issue 16 asks. The hardest, seed
//     6 (TestNightSpikeSeed6), drew 12, 6 and 7 mentions against 2.6
//     expected, 2.8× on average, and opens on the three-bucket window in
//     the third (in the seventh with the earlier score).
//   - Each anomaly opened exactly one breakout; a 30-minute 5× spike closes
//     18 minutes after it ends (TestBreakoutLifecycle), and does not move next week's
//     baseline by more than 5%.
//
// # Cost
//
// A series' state is a fixed 928 bytes (168 float32 factors, and the
// counters), whatever the number of buckets seen. Observe does not
// allocate; BenchmarkObserve (10,000 series) measures about 32 ns and 530
// instructions per observation on one core (BENCHMARKS.md,
// "crisis/detect").
//
// Most scores change nothing: while no breakout is open, a volume score
// that cannot lift the volume or the combined CUSUM off 0, or a window
// score (mentions or negatives) that cannot reach Window, only has to be
// known to be small. Such a score is bounded without its cube root (the
// cube root's chord, below it, for the negative binomial tail; its
// tangent, above it, for the negatives' window) and computed only if the
// bucket opens a breakout, for its peak. The results are the same bit for
// bit as with every score computed (TestShortcutChangesNothing,
// TestGoldenDigest).
package detect

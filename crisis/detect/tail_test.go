package detect

import (
	"math"
	"testing"
)

// nbTail is the exact upper tail P(X ≥ x) of a negative binomial with mean
// mu and variance mu + phi·mu² (Poisson when phi = 0), summed from the pmf
// upward: the first term by math.Lgamma, the next ones by the ratio
// P(k+1)/P(k) = (k+r)/(k+1) · mu/(r+mu), r = 1/phi.
func nbTail(x int, mu, phi float64) float64 {
	fx := float64(x)
	lx, _ := math.Lgamma(fx + 1)
	var lp float64
	if phi == 0 {
		lp = fx*math.Log(mu) - mu - lx
	} else {
		r := 1 / phi
		a, _ := math.Lgamma(fx + r)
		b, _ := math.Lgamma(r)
		lp = a - b - lx + r*math.Log(r/(r+mu)) + fx*math.Log(mu/(r+mu))
	}
	t, sum := math.Exp(lp), 0.0
	for k := fx; t >= sum*1e-18; k++ {
		sum += t
		if phi == 0 {
			t *= mu / (k + 1)
		} else {
			t *= (k + 1/phi) / (k + 1) * mu / (1/phi + mu)
		}
	}
	return sum
}

// normalZ is the standard normal score whose upper tail is p.
func normalZ(p float64) float64 { return math.Sqrt2 * math.Erfcinv(2*p) }

// TestTailZ checks tailZ against the exact negative binomial tail. The
// table's tails were computed apart from this package, in Python (the pmf
// summed upward from x with math.lgamma; z by statistics.NormalDist); the
// grid against nbTail, a direct pmf sum. The first row is seed 6's night
// window: 25 mentions in three buckets against 7.63 expected, phi/3 of
// 0.067, where the gamma of the count's mean and variance scored 3.85.
func TestTailZ(t *testing.T) {
	for _, c := range []struct {
		x       int
		mu, phi float64
		tail, z float64
	}{
		{25, 7.63, 0.067 / 3, 6.379374118854542e-06, 4.364202273877996},
		{12, 2.55, 0.067, 0.00011635890233953637, 3.6805649124568487},
		{25, 7.63, 0, 5.094188348625493e-07, 4.887964749752928},
		{146, 75.6, 0.067 / 3, 2.2148204024471e-05, 4.0838459191399386},
		{20, 10, 0.067, 0.020555188080463756, 2.042415069791106},
		{60, 40, 0, 0.0018796285686450021, 2.897686867637897},
		{9, 2, 0, 0.00023744732826116213, 3.4945314490920567},
	} {
		if got := nbTail(c.x, c.mu, c.phi); math.Abs(got/c.tail-1) > 1e-9 {
			t.Errorf("nbTail(%d, %v, %v) = %v, Python %v", c.x, c.mu, c.phi, got, c.tail)
		}
		z := tailZ(float64(c.x), c.mu, c.phi)
		t.Logf("x %d, mu %v, phi %.4f: tailZ %.3f, exact %.3f, gamma of mean and variance %.3f",
			c.x, c.mu, c.phi, z, c.z, whZ(float64(c.x)/c.mu, c.mu/(1+c.phi*c.mu)))
		if d := z - c.z; d < -0.1 || d > 0.02 {
			t.Errorf("tailZ(%d, %v, %v) = %.3f, exact %.3f", c.x, c.mu, c.phi, z, c.z)
		}
	}
	if z := tailZ(25, 7.63, 0.067/3); z < 4.3 {
		t.Errorf("seed 6's night window scores %.3f, under the default Window 4.3", z)
	}
	// The grid: every count from mu+1 while the exact score is under 6.
	// tailZ never overstates by more than 0.01 and understates by at most
	// 0.25 (means ≥ 1, phi ≤ 0.2), 0.1 from a mean of 7 with phi ≤ 0.067.
	for _, phi := range []float64{0, 0.01, 0.0223, 0.067, 0.2} {
		for _, mu := range []float64{1, 2.5, 4, 7.63, 15, 40, 120, 400} {
			lo, hi := 0.0, 0.0
			for x := int(mu) + 1; ; x++ {
				e := normalZ(nbTail(x, mu, phi))
				if e > 6 {
					break
				}
				if e < 2 {
					continue
				}
				d := tailZ(float64(x), mu, phi) - e
				lo, hi = math.Min(lo, d), math.Max(hi, d)
			}
			bound := 0.25
			if mu >= 7 && phi <= 0.067 {
				bound = 0.1
			}
			if lo < -bound || hi > 0.01 {
				t.Errorf("phi %v, mu %v: tailZ − exact in [%.3f, %.3f], want within [−%v, 0.01]", phi, mu, lo, hi, bound)
			}
		}
	}
	if z := tailZ(0, 0, 0); z != 0 {
		t.Errorf("tailZ(0, 0, 0) = %v, want 0", z)
	}
}

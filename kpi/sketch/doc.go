// Package sketch summarizes a stream of non-negative values (response times
// in seconds) in bounded memory and answers quantile queries with a
// documented relative error. Sketches of parts merge into the sketch of the
// whole, so a KPI period or segment can be rolled up from its pieces.
//
// # Method
//
// The sketch is the one of DDSketch ("DDSketch: A Fast and Fully-Mergeable
// Quantile Sketch with Relative-Error Guarantees", Masson, Rim and Lee,
// VLDB 2019). With relative accuracy alpha, let
//
//	gamma = (1+a)/(1-a), a = alpha*(1-1e-7)
//
// (a is alpha shrunk by one part in ten million so that rounding in the
// logarithm below can never push the error past alpha). A value v with
// MinValue <= v <= MaxValue goes to bucket i = ceil(log_gamma(v)), which
// holds the values in (gamma^(i-1), gamma^i]. Values in [0, MinValue) are
// counted apart, in the zero bucket. Only the count of each bucket is kept,
// with the exact count, sum, minimum and maximum of all values.
//
// # Error bound
//
// Quantile(q) answers for the value of rank r = floor(q*(n-1)) (0-based) in
// the sorted sample of the n values added, as DDSketch does: q = 0 is the
// minimum, q = 1 the maximum, q = 0.5 with n = 4 the second smallest value.
// It finds the bucket i that holds rank r and returns
//
//	2*gamma^i/(gamma+1)
//
// clamped to [Min, Max] (ranks 0 and n-1 return Min and Max exactly). Every value x in (gamma^(i-1), gamma^i] satisfies
// |2*gamma^i/(gamma+1) - x| <= a*x < alpha*x, and clamping to [Min, Max]
// only moves the estimate towards x, so
//
//	|Quantile(q) - x_r| <= alpha * x_r
//
// where x_r is the exact value of rank r. When x_r < MinValue (the zero
// bucket) the error is absolute instead: the estimate is Min and both lie in
// [0, MinValue). The tests check the bound on exponential, log-normal,
// uniform and bimodal samples, and a fuzz target checks it on arbitrary
// input.
//
// # Memory
//
// A sketch keeps at most maxBuckets bucket counts (DefaultMaxBuckets = 2048,
// 16 KiB), whatever the number of values. With alpha = 0.01 one bucket
// spans 2% and 2048 buckets cover MinValue to about 1e8, so response times
// never fill them. When the buckets would span more than maxBuckets, the
// lowest ones collapse into one: the sketch keeps the highest maxBuckets
// indexes and counts every lower value in the lowest kept bucket. The bound
// then holds only for ranks above the collapsed bucket (and for rank 0,
// which is Min); other quantiles whose rank falls into it are
// overestimated. For sketches with the same maxBuckets, the buckets do not
// depend on the order of Add and Merge calls. Merging a sketch that
// collapsed (at a smaller maxBuckets) carries its collapsed bucket over.
//
// A Sketch is not safe for concurrent use.
package sketch

// Package cmkittest is the test kit for cmkit: a simulated clock, a fake
// platform, and the conformance suites that adapters and stores must pass.
//
// Application tests use Clock and FakeChannel to run cmkit services on
// simulated time against a platform that fails on demand. Adapter authors
// run TestChannel against their own channel; store authors run the suite of
// the package whose Store they implement. Nothing outside tests and
// examples should import this package.
//
// # Concepts
//
// Clock stands still until the test moves it; timers fire as it passes
// their deadlines, so a service's Run loop can be driven step by step.
//
// FakeChannel is a real cmkit.Channel held in memory. It implements every
// optional capability, records every post (Posts, Count reveal double
// posts), takes mentions from Feed, enforces its length and rate limits, and
// fails as real platforms fail: by Inject, one fault per call, or at random
// with FakeConfig.Rates. Its RetrySafety decides whether it publishes a
// repeated Post.ID again, so a publisher can be tested against idempotent,
// lookup-only and unsafe channels.
//
// TestChannel is the conformance suite for channels, modelled on
// gocloud.dev's drivertest: the adapter provides a ChannelHarness per
// subtest, the suite checks behaviour through the harness's view of the
// platform, and reports every problem in one run. FakeHarness turns a
// FakeChannel (or a decorator around one) into a harness.
//
// # Concurrency
//
// Clock and FakeChannel are safe for concurrent use.
package cmkittest

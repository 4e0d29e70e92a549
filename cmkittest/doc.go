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
// posts), takes mentions from Feed and public posts for Search from
// FeedPublic, enforces its length and rate limits, and fails as real
// platforms fail. Its RetrySafety decides whether it publishes a repeated
// Post.ID again, so a publisher can be tested against idempotent,
// lookup-only and unsafe channels.
//
// Its mentions and its public posts are streams, as a reader sees them: a
// log of deliveries that a cursor points into. Edit changes an item's text
// and delivers it again at the end of its stream, with the same ID and a
// later EditedAt, as platforms send an update; what was delivered before
// stays as it was, so a stored cursor replays exactly what it replayed
// before. Search matches whole words with strings.EqualFold, every word of
// the query; each cursor belongs to its query.
//
// # Faults
//
// Writes (Publish, PublishReply, Reply) and reads (ReadMentions, Search)
// fail apart, so that a reader's faults never consume a publisher's:
//
//	                  writes            reads
//	queued, in order  Inject            InjectRead
//	scheduled         -                 FakeConfig.ReadCycle ({0, 0, FaultTransient}: every third read)
//	random, seeded    FakeConfig.Rates  FakeConfig.ReadRates (a random stream of its own)
//	rate limit        RateLimit         ReadRateLimit (each in RateWindow)
//
// A failed read returns no page and changes nothing, whatever the fault, so
// a reader that keeps its cursor until a page arrives loses nothing and
// reads nothing twice; FaultLostResponse is the read the platform served
// and whose answer was lost. Attempts and ReadAttempts count the calls that
// reached the platform.
//
// # Conformance
//
// TestChannel is the conformance suite for channels, modelled on
// gocloud.dev's drivertest: the adapter provides a ChannelHarness per
// subtest, the suite checks behaviour through the harness's view of the
// platform, and reports every problem in one run. A harness that can also
// make public posts (SearchHarness) and edit what others wrote
// (EditHarness) unlocks the subtests of Search and of edits; both are
// optional interfaces, found by type assertion, so a harness written
// before them still compiles and gets those subtests skipped. FakeHarness
// turns a FakeChannel (or a decorator around one) into a harness that is
// all three.
//
// The suite is tested the way testing/fstest is: its own tests run it on
// deliberately broken channels (a double poster, a cursor with gaps, a
// search that repeats or ignores its cursor, a reader that loses edits,
// ...) and check that exactly the subtests that should fail do.
//
// # Concurrency
//
// Clock and FakeChannel are safe for concurrent use.
package cmkittest

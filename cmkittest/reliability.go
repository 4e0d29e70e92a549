package cmkittest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/roles"
)

// ReliabilityConfig describes one run of TestPublishReliability: which
// channels publish, how many posts, and how fast the fake clock moves.
type ReliabilityConfig struct {
	// Clock is the fake clock that the calendar, its publishers and the
	// platforms behind Channels share; the run starts at its current time
	// and advances it 5 s per step. Required.
	Clock *Clock
	// Channels are the channels under test, each with the platform's own
	// record of what it published. At least one; IDs must be distinct.
	Channels []ReliabilityChannel
	// Posts is how many calendar entries the run publishes, one variant
	// each, on Channels in turn. Required.
	Posts int
	// Spread is the span over which the entries are due, from the start
	// (0: 180 ms per post, which is past 40 posts a minute on each of up to
	// eight channels, so that rate limits bite).
	Spread time.Duration
	// Pace is the real time between two steps of the clock (0: 200 µs).
	Pace time.Duration
	// Text returns the text of the i-th post (nil: "post i").
	Text func(i int) string
	// Publisher, when set, tunes each publisher's configuration after the
	// run set its own: name, seed, Batch 25, Lease 2 minutes, MaxAttempts
	// 12, Backoff 10 s to 10 minutes, MaxLate 0 (off).
	Publisher func(*calendar.PublisherConfig)
	// Settle, when set, is called before every step of the clock. A run
	// whose calls take real time (HTTP to a fake server) waits there until
	// no call is in flight but those a fault holds until they time out, so
	// that the clock does not outrun the calls.
	Settle func()
	// MinPublished is the fraction of posts that must end published
	// (0: 0.8).
	MinPublished float64
}

// ReliabilityChannel is a channel under test and the platform's record of
// what it published.
type ReliabilityChannel struct {
	// Channel is the channel (the adapter) under test. Its Info().Brand is
	// the brand of its entries.
	Channel cmkit.Channel
	// Published returns how many times the platform holds the post with
	// this cmkit post ID: the platform's own record (the fake server's),
	// never the channel's answer. Required.
	Published func(id uuid.UUID) int
	// Total, when set, returns how many posts the platform holds in all.
	// The run then checks that it is at least the number of posts marked
	// sent on this channel and at most that plus those waiting for a
	// person: nothing was published under another ID.
	Total func() int
	// MayVerify lets this channel's posts end waiting for a person
	// (calendar.Verify, the variant calendar.Unknown), out at most once,
	// after an ambiguous attempt. That is always allowed on a channel whose
	// RetrySafety is cmkit.RetryUnsafe; on a safer channel the calendar
	// still hands a refusal after an ambiguous attempt to a person.
	MayVerify bool
	// Check, when set, is called for each of this channel's variants once
	// the run is over, with the count Published gave; an error fails the
	// run. Use it to compare what the platform holds under the receipt
	// with what was sent.
	Check func(v calendar.Variant, out int) error
}

// ReliabilityResult is what a run of TestPublishReliability observed, for
// assertions of the caller's own.
type ReliabilityResult struct {
	// Entries are the entries as they ended, in the order they were made.
	Entries []calendar.Entry
	// States counts the entries by final state.
	States map[calendar.State]int
	// RateLimited counts the attempts that carried a platform's
	// RetryAfter.
	RateLimited int
	// Lookups counts the attempts that were a lookup (FindPost) with
	// outcome found or absent.
	Lookups int
	// Steps is how many 5 s steps the clock took.
	Steps int
}

// LookupsAfter counts the lookups (attempts with outcome found or absent)
// made more than d after their variant's first attempt: lookups that came
// after an idempotency window of length d.
func (r ReliabilityResult) LookupsAfter(d time.Duration) int {
	n := 0
	for _, e := range r.Entries {
		for _, v := range e.Variants {
			if len(v.Attempts) == 0 {
				continue
			}
			first := v.Attempts[0].At
			for _, a := range v.Attempts {
				if isLookup(a) && a.At.Sub(first) > d {
					n++
				}
			}
		}
	}
	return n
}

func isLookup(a calendar.Attempt) bool {
	return a.Outcome == calendar.OutcomeFound || a.Outcome == calendar.OutcomeAbsent
}

// stepLength is how far the clock moves per step.
const stepLength = 5 * time.Second

// maxSteps bounds a run: 200,000 steps are 11.5 days of simulated time.
const maxSteps = 200_000

// TestPublishReliability is the calendar's reliability test over any
// channels: it makes cfg.Posts scheduled entries on cfg.Channels and runs
// four calendar.Publishers sharing one calendar.MemoryStore on cfg.Clock,
// one of them stopped after 300 steps and restarted under the same name
// after 600, while the clock moves 5 s per step, until nothing is
// scheduled or publishing. The platforms behind the channels inject the
// faults: the run only observes. Then it fails t unless every post is
//
//   - sent, published with its entry, out exactly once on its platform
//     (Published is 1), with a receipt for its post ID; or
//   - failed (rejected or dead) with its reason and not out at all; or
//   - waiting for a person (calendar.Verify) where the channel allows it
//     (see ReliabilityChannel.MayVerify), after an ambiguous attempt, out
//     at most once;
//
// and, where Total is set, the platform holds no post the calendar does not
// know, and at least cfg.MinPublished of the posts are published. None is
// lost, none doubled. It returns what it saw, for the caller's assertions
// about the fault mix (rate limits hit, lookups made, ...).
func TestPublishReliability(t *testing.T, cfg ReliabilityConfig) ReliabilityResult {
	t.Helper()
	r, err := newReliabilityRun(t, cfg)
	if err != nil {
		t.Fatalf("cmkittest.TestPublishReliability: %v", err)
	}
	r.publish(t)
	return r.check(t)
}

type reliabilityRun struct {
	cfg     ReliabilityConfig
	store   *calendar.MemoryStore
	cal     *calendar.Calendar
	entries []calendar.Entry
	byID    map[string]ReliabilityChannel
	steps   int
}

// newReliabilityRun checks cfg, fills in its defaults, and makes the
// calendar, its team and the entries.
func newReliabilityRun(t *testing.T, cfg ReliabilityConfig) (*reliabilityRun, error) {
	switch {
	case cfg.Clock == nil:
		return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Clock is required")
	case len(cfg.Channels) == 0:
		return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Channels: at least one channel is required")
	case cfg.Posts <= 0:
		return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Posts must be positive, not %d", cfg.Posts)
	case cfg.Spread < 0 || cfg.Pace < 0:
		return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Spread and Pace must not be negative")
	case cfg.MinPublished < 0 || cfg.MinPublished > 1:
		return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.MinPublished must be within [0, 1], not %v", cfg.MinPublished)
	}
	if cfg.Spread == 0 {
		cfg.Spread = time.Duration(cfg.Posts) * 180 * time.Millisecond
	}
	if cfg.Pace == 0 {
		cfg.Pace = 200 * time.Microsecond
	}
	if cfg.Text == nil {
		cfg.Text = func(i int) string { return fmt.Sprintf("post %d", i) }
	}
	if cfg.MinPublished == 0 {
		cfg.MinPublished = 0.8
	}
	r := &reliabilityRun{cfg: cfg, store: calendar.NewMemoryStore(), byID: map[string]ReliabilityChannel{}}
	var chans []cmkit.Channel
	var brands []string
	for i, c := range cfg.Channels {
		if c.Channel == nil || c.Published == nil {
			return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Channels[%d]: Channel and Published are required", i)
		}
		id := c.Channel.Info().ID
		if _, dup := r.byID[id]; dup {
			return nil, cmkit.Errorf(cmkit.ErrInvalid, "ReliabilityConfig.Channels[%d]: channel ID %q is used twice", i, id)
		}
		r.byID[id] = c
		chans = append(chans, c.Channel)
		if b := c.Channel.Info().Brand; !slices.Contains(brands, b) {
			brands = append(brands, b)
		}
	}

	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	team := &roles.Team{Members: []roles.Member{{ID: "sam"}, {ID: "bea"}}}
	for _, b := range brands {
		team.Grants = append(team.Grants,
			roles.Grant{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: b}},
			roles.Grant{Member: "bea", Role: roles.SeniorCM, Scope: roles.Scope{Brand: b}})
	}
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(cfg.Clock), roles.WithLogger(quiet))
	if err != nil {
		return nil, err
	}
	if err := dir.Bootstrap(ctx, team); err != nil {
		return nil, err
	}
	r.cal, err = calendar.New(r.store, calendar.WithTeam(dir), calendar.WithClock(cfg.Clock),
		calendar.WithChannels(chans...), calendar.WithLogger(quiet))
	if err != nil {
		return nil, err
	}
	start := cfg.Clock.Now()
	r.entries = make([]calendar.Entry, cfg.Posts)
	for i := range cfg.Posts {
		info := chans[i%len(chans)].Info()
		at := start.Add(cfg.Spread * time.Duration(i) / time.Duration(cfg.Posts))
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: info.Brand, State: calendar.Scheduled,
			At: at, DueAt: at, Variants: []calendar.Variant{{Channel: info.ID, State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: cfg.Text(i)}}}}
		if _, err := r.store.Put(ctx, e); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		r.entries[i] = e
	}
	return r, nil
}

// publisher makes a publisher named name.
func (r *reliabilityRun) publisher(t *testing.T, name string, seed uint64) *calendar.Publisher {
	t.Helper()
	pc := calendar.DefaultPublisherConfig()
	pc.Name, pc.Seed, pc.Batch, pc.Lease = name, seed, 25, 2*time.Minute
	pc.MaxAttempts, pc.Backoff, pc.MaxBackoff = 12, 10*time.Second, 10*time.Minute
	pc.MaxLate = 0
	if r.cfg.Publisher != nil {
		r.cfg.Publisher(&pc)
	}
	p, err := calendar.NewPublisher(r.cal, pc)
	if err != nil {
		t.Fatalf("cmkittest.TestPublishReliability: publisher %s: %v", name, err)
	}
	return p
}

// publish runs the publishers until nothing is scheduled or publishing.
func (r *reliabilityRun) publish(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var stop atomic.Bool
	var wg sync.WaitGroup
	defer func() { stop.Store(true); wg.Wait() }()
	run := func(ctx context.Context, p *calendar.Publisher) {
		defer wg.Done()
		for !stop.Load() && ctx.Err() == nil {
			if n, err := p.RunOnce(ctx); err != nil || n == 0 {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	for i := range 3 {
		wg.Add(1)
		go run(ctx, r.publisher(t, fmt.Sprintf("p%d", i+1), uint64(i)))
	}
	p4ctx, stopP4 := context.WithCancel(ctx)
	defer stopP4()
	wg.Add(1)
	go run(p4ctx, r.publisher(t, "p4", 4))

	restarted := false
	for r.steps = 0; ; r.steps++ {
		time.Sleep(r.cfg.Pace)
		if r.cfg.Settle != nil {
			r.cfg.Settle()
		}
		r.cfg.Clock.Advance(stepLength)
		if r.steps == 300 {
			stopP4() // stopped mid-run...
		}
		if r.steps == 600 {
			restarted = true // ...and restarted under the same name
			wg.Add(1)
			go run(ctx, r.publisher(t, "p4", 44))
		}
		if r.steps%100 == 99 && restarted && r.pending(t) == 0 {
			return
		}
		if r.steps >= maxSteps {
			t.Fatalf("cmkittest.TestPublishReliability: the publishers never finished: %d entries still scheduled or publishing after %d steps, such as %s",
				r.pending(t), r.steps, r.stuck())
		}
	}
}

// pending counts the entries still scheduled or publishing.
func (r *reliabilityRun) pending(t *testing.T) int {
	t.Helper()
	n := 0
	for _, err := range r.store.Query(context.Background(), calendar.Query{States: []calendar.State{calendar.Scheduled, calendar.Publishing}}) {
		if err != nil {
			t.Fatalf("cmkittest.TestPublishReliability: query: %v", err)
		}
		n++
	}
	return n
}

// stuck describes the first entry still scheduled or publishing.
func (r *reliabilityRun) stuck() string {
	for e, err := range r.store.Query(context.Background(), calendar.Query{States: []calendar.State{calendar.Scheduled, calendar.Publishing}}) {
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("entry %s, %s, variant %s (%s): attempts %+v", e.ID, e.State, e.Variants[0].State, e.Variants[0].Error, e.Variants[0].Attempts)
	}
	return "none"
}

// check reads every entry back and compares it with its platform's record.
func (r *reliabilityRun) check(t *testing.T) ReliabilityResult {
	t.Helper()
	res := ReliabilityResult{States: map[calendar.State]int{}, Steps: r.steps}
	sent, verify := map[string]int{}, map[string]int{}
	for _, want := range r.entries {
		e, err := r.store.Get(context.Background(), want.ID)
		if err != nil {
			t.Fatalf("cmkittest.TestPublishReliability: entry %s: %v", want.ID, err)
		}
		res.Entries = append(res.Entries, e)
		res.States[e.State]++
		v := e.Variants[0]
		for _, a := range v.Attempts {
			if a.RetryAfter > 0 {
				res.RateLimited++
			}
			if isLookup(a) {
				res.Lookups++
			}
		}
		c := r.byID[v.Channel]
		out := c.Published(v.Post.ID)
		if msg := r.verdict(c, e, v, out); msg != "" {
			t.Errorf("cmkittest.TestPublishReliability: entry %s (post %s) on %s ended %s/%s, out %d times on the platform: %s; attempts %+v",
				e.ID, v.Post.ID, v.Channel, e.State, v.State, out, msg, v.Attempts)
			continue
		}
		switch v.State {
		case calendar.Sent:
			sent[v.Channel]++
		case calendar.Unknown:
			verify[v.Channel]++
		}
		if c.Check != nil {
			if err := c.Check(v, out); err != nil {
				t.Errorf("cmkittest.TestPublishReliability: entry %s on %s: %v", e.ID, v.Channel, err)
			}
		}
	}
	for id, c := range r.byID {
		if c.Total == nil {
			continue
		}
		if total := c.Total(); total < sent[id] || total > sent[id]+verify[id] {
			t.Errorf("cmkittest.TestPublishReliability: the platform of %s holds %d posts; the calendar marked %d sent and %d waiting for a person: a post was published under another ID, or doubled",
				id, total, sent[id], verify[id])
		}
	}
	t.Logf("cmkittest.TestPublishReliability: %d posts on %d channels in %d steps: %v; %d attempts rate-limited, %d lookups",
		len(r.entries), len(r.byID), r.steps, res.States, res.RateLimited, res.Lookups)
	if least := int(r.cfg.MinPublished * float64(len(r.entries))); res.States[calendar.Published] < least {
		t.Errorf("cmkittest.TestPublishReliability: %d of %d posts published, want at least %d", res.States[calendar.Published], len(r.entries), least)
	}
	return res
}

// verdict says what is wrong with variant v of entry e, out times on the
// platform of c, or "" when nothing is.
func (r *reliabilityRun) verdict(c ReliabilityChannel, e calendar.Entry, v calendar.Variant, out int) string {
	if out > 1 {
		return "doubled"
	}
	switch v.State {
	case calendar.Sent:
		switch {
		case e.State != calendar.Published:
			return "a sent variant of an entry not published"
		case out != 1:
			return "marked sent but not on the platform: lost"
		case v.Receipt.PostID != v.Post.ID:
			return fmt.Sprintf("the receipt is for post %s", v.Receipt.PostID)
		}
	case calendar.Rejected, calendar.Dead:
		switch {
		case e.State != calendar.Failed:
			return "a failed variant of an entry not failed"
		case out != 0:
			return "marked failed but out on the platform"
		case v.Error == "" || len(v.Attempts) == 0:
			return "a failure without its reason or attempts"
		}
	case calendar.Unknown:
		switch {
		case e.State != calendar.Verify:
			return "an unknown variant of an entry not waiting for a person"
		case !c.MayVerify && c.Channel.Info().RetrySafety != cmkit.RetryUnsafe:
			return "waits for a person on a channel that must not need one"
		case !slices.ContainsFunc(v.Attempts, func(a calendar.Attempt) bool { return a.Outcome == calendar.OutcomeAmbiguous }):
			return "waits for a person without an ambiguous attempt"
		}
	default:
		return "neither sent, failed nor waiting for a person: lost"
	}
	return ""
}

// SettleHTTP is for runs whose channels call fake servers over HTTP, where
// calls take real time while the simulated clock moves in steps. It wraps
// base (nil: http.DefaultTransport) in a RoundTripper that counts the
// requests in flight, to give the channels' HTTP clients, and returns a
// ReliabilityConfig.Settle that waits, up to a second of real time per
// step, until no more requests are in flight than held reports the servers
// hold for a timeout fault (those end only when the clock moves the
// caller's deadline past).
func SettleHTTP(base http.RoundTripper, held func() int) (http.RoundTripper, func()) {
	if base == nil {
		base = http.DefaultTransport
	}
	t := &inFlight{base: base}
	return t, func() {
		for wait := 0; wait < 20_000 && t.n.Load() > int64(held()); wait++ {
			time.Sleep(50 * time.Microsecond)
		}
	}
}

// inFlight counts the requests in flight through base.
type inFlight struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (t *inFlight) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	defer t.n.Add(-1)
	return t.base.RoundTrip(r)
}

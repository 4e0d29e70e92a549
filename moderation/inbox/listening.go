package inbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/listen"
)

// listenConfig is what WithListening and WithSearch set.
type listenConfig struct {
	listener *listen.Listener
	tally    *listen.Tally
	matches  sync.Pool // *listen.Matches
	searches []search
	page     int
}

// search is a source of public posts: a channel's Searcher and the
// platform keywords asked for.
type search struct {
	channel, keywords string
}

func (s search) source() string { return "search/" + s.channel + "/" + s.keywords }

// WithListening counts every new inbound message (and every post the
// search sources bring) in t, for each saved query of l it matches, at
// the time its author posted it. Messages are matched once, when they
// first arrive; edits and duplicates are not counted again. t must have
// been made for l.
func WithListening(l *listen.Listener, t *listen.Tally) Option {
	return func(ib *Inbox) error {
		if l == nil || t == nil {
			return cmkit.Invalid("WithListening", "required", "a Listener and its Tally")
		}
		ib.listen.listener, ib.listen.tally = l, t
		ib.listen.matches.New = func() any { return new(listen.Matches) }
		return nil
	}
}

// WithSearch adds a source of public posts beyond the brand's own
// mentions: the registered channel channelID, which must implement
// cmkit.Searcher, asked for keywords (the platform's plain search; the
// saved queries of WithListening then decide what counts). Searched posts
// are counted, never turned into conversations. Search pulls them.
func WithSearch(channelID, keywords string) Option {
	return func(ib *Inbox) error {
		r, ok := ib.channels[channelID]
		switch {
		case !ok:
			return cmkit.Invalid("WithSearch.channel", "registered", "no channel %q (WithChannels comes first)", channelID)
		case keywords == "":
			return cmkit.Invalid("WithSearch.keywords", "required", "nothing to search for")
		}
		if _, ok := r.ch.(cmkit.Searcher); !ok {
			return cmkit.Invalid("WithSearch.channel", "capability", "channel %q cannot search (%s)", channelID, cmkit.CapSearch)
		}
		ib.listen.searches = append(ib.listen.searches, search{channelID, keywords})
		return nil
	}
}

// count matches m against the saved queries and counts it at at.
func (ib *Inbox) count(m *cmkit.Mention, at time.Time) {
	if ib.listen.listener == nil {
		return
	}
	ms := ib.listen.matches.Get().(*listen.Matches)
	ib.listen.listener.Match(ms, *m)
	if len(ms.Queries) > 0 {
		// Indexes come from the same listener, so only an instant
		// outside the retained buckets goes uncounted.
		_, _ = ib.listen.tally.Add(at, ms.Queries)
	}
	ib.listen.matches.Put(ms)
}

// Search pulls one page from every search source of WithSearch, after
// its checkpoint, counts the posts in the listening tally and moves the
// checkpoint; it returns how many posts it read. The checkpoint is
// committed before the posts are counted, so a crash in between loses
// that page's counts rather than counting it twice (the tally lives in
// memory and starts empty after a restart anyway).
func (ib *Inbox) Search(ctx context.Context) (int, error) {
	n := 0
	var errs []error
	for _, s := range ib.listen.searches {
		k, err := ib.searchOnce(ctx, s)
		n += k
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.source(), err))
		}
	}
	return n, errors.Join(errs...)
}

func (ib *Inbox) searchOnce(ctx context.Context, s search) (int, error) {
	r, _ := ib.channel(s.channel)
	cp, err := ib.store.Checkpoint(ctx, s.source())
	if err != nil {
		return 0, err
	}
	page, err := r.ch.(cmkit.Searcher).Search(ctx, s.keywords, cp.Cursor, ib.listen.page)
	if err != nil {
		return 0, err
	}
	if page.Next == cp.Cursor && len(page.Mentions) == 0 {
		return 0, nil
	}
	now := ib.now()
	cp.Cursor, cp.At = page.Next, now
	if err := ib.store.Commit(ctx, Write{Checkpoints: []Checkpoint{cp}}); err != nil {
		return 0, err
	}
	for i := range page.Mentions {
		m := &page.Mentions[i]
		if m.ChannelID == "" {
			m.ChannelID = s.channel
		}
		ib.count(m, postedAt(m, now))
	}
	return len(page.Mentions), nil
}

// postedAt is when the author posted m: its CreatedAt, unless zero or
// after now.
func postedAt(m *cmkit.Mention, now time.Time) time.Time {
	if t := m.CreatedAt; !t.IsZero() && !t.After(now) {
		return t
	}
	return now
}

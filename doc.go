// Package cmkit is an embeddable Go SDK for the work of community managers
// and social media managers: planning and publishing content across
// channels, answering and moderating the community, following a style guide
// and a crisis plan, and reporting KPIs.
//
// A product imports the packages it needs and wires them to its own storage
// and platform accounts; nothing runs as a separate service. This root
// package holds the vocabulary the other packages share: platforms and
// channels, posts and mentions, receipts and insights, the error classes and
// the clock.
//
// # Packages
//
//	cmkit       shared vocabulary (this package)
//	cmkittest   simulated clock, fake platform, conformance suites for
//	            adapters and stores
//	roles       team members, roles, scopes, authorization, approvals, audit
//	styleguide  brand voice and platform rules for drafts, with
//	            spelling (styleguide/spell) and readability
//	            (styleguide/readability)
//	calendar    content calendar, recurrence, slots and the publisher
//	moderation  the rule engine for what people say to the brand, with
//	            sentiment (moderation/sentiment) and language detection
//	            (moderation/langid); the inbox comes next
//	kpi         KPI definitions, the KPI sheet, reports
//	crisis      crisis plan, spike detection, incidents, escalation
//	examples/   runnable programs, starting with examples/quickstart
//
// Packages land one by one; the README says which are there today.
//
// # Concepts
//
// A Platform is a network or medium (X, Instagram, a blog). A Channel is one
// account on one platform, the unit everything is published to, moderated
// and reported on; ChannelInfo says whose it is (brand, country, product),
// what one post may contain (Limits) and how a publish can be retried
// (RetrySafety). A Post is content for one channel; publishing it yields a
// Receipt. A Mention is what someone says to or about a channel.
//
// Domain values are plain structs with JSON tags. IDs that cmkit creates are
// version 7 UUIDs (NewID); IDs that platforms assign stay strings.
//
// # Counting and limits
//
// Platforms count text their own way, and a post counted the wrong way is
// the first reason a scheduled post is rejected. PlatformLimits returns the
// Limits of each well-known platform (each figure with its source in the
// code); a channel reports its own in ChannelInfo.Limits. On a Limits:
//
//	Count        the length as the platform counts it: X weighs CJK and
//	             emoji 2 and every link 23, Bluesky counts grapheme
//	             clusters, Mastodon counts a remote mention by its local
//	             part, Threads counts emoji by their bytes
//	CheckText    which limits a text breaks, by how much, and where to cut
//	CheckPost    the same for a whole post: its title, its content
//	             warning (Mastodon counts it with the text), who may see
//	             it, and its media; ValidatePost returns it as errors
//	Truncate     the longest prefix that fits, with an ellipsis, cut
//	             between grapheme clusters and never inside a link
//	             (TruncateWords: between words)
//	SplitThread  a numbered thread whose every part fits, broken at spaces
//	             (SplitThreadWith: another numbering, or none)
//
// Counting and checking allocate nothing (CheckText appends to the caller's
// slice), so a calendar can check every variant before scheduling it and
// again before sending it. A product adds its own platform with a Limits
// value of its own, with Counter set when no Counting fits: there is no
// registry to fill at init time.
//
// # Channel capabilities
//
// Channel has two methods, Info and Publish. Everything else a platform can
// do is an optional one-method interface, found by a type assertion, the way
// io.WriterTo is found. What calls each, and what happens without it:
//
//	PostFinder       calendar's publisher, after an ambiguous publish on a
//	                 RetryAfterLookup channel; without it, no lookup retry
//	MentionReader    moderation's inbox and crisis monitoring; without it,
//	                 the channel has no inbox (ErrUnsupported)
//	Replier          moderation's replies; without it, ErrUnsupported
//	ThreadPublisher  calendar's publisher, for each part of a thread after
//	                 the first; without it, a thread is refused at Schedule
//	Hider            moderation's hide action; falls back to Deleter where
//	                 the rule allows, else ErrUnsupported
//	Deleter          moderation's delete action; without it, ErrUnsupported
//	InsightsFetcher  kpi, to fill the sheet; without it, values by hand
//	FollowerCounter  kpi, for audience growth; without it, values by hand
//	Searcher         listening beyond the account's own mentions; without
//	                 it, only what the account is told is heard
//
// An adapter that implements a capability but cannot use it for a given
// account or call returns an *UnsupportedError. Capabilities lists what a
// channel implements.
//
// # Writing a channel adapter
//
// Implement Channel for the platform's API, then each capability the API
// offers. Classify every failure (see Errors; an HTTP adapter maps each
// answer with ClassifyHTTP, and tests its mapping against
// cmkittest.HTTPStatusCases) and declare RetrySafety honestly (see Channel). Then run the conformance suite from a test in the
// adapter's own package:
//
//	func TestMyChannel(t *testing.T) {
//		cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
//			return newSandboxHarness(t) // a fresh account or sandbox
//		})
//	}
//
// An adapter that needs a platform SDK or a driver belongs in its own module
// under adapters/ (none exists yet), so that importing cmkit never pulls that
// dependency in.
//
// # Errors
//
// Every package wraps one of a small closed set of sentinel errors, which
// callers test with errors.Is and never by message text:
//
//	ErrNotFound     the item does not exist
//	ErrConflict     a stale version, a duplicate or a broken invariant;
//	                nothing was written
//	ErrForbidden    the actor lacks a permission; the error says which
//	ErrInvalid      input broke a rule; a *ValidationError names field and rule
//	ErrUnsupported  a channel or store cannot do this; also errors.ErrUnsupported
//	ErrRateLimited  a rate limit; a *RateLimitError carries RetryAfter
//
// Adapters also classify failures for retries by wrapping ErrTransient
// (certainly not applied), ErrAmbiguous (may have been applied) or
// ErrPermanent (retrying will not help); Classify reads the class, and
// treats anything unclassified as ambiguous. Bad input is never a panic and
// never half-applied.
//
// A message says its class once. Errorf makes an error of a class whose
// message is written in its own words, so that a package says
// `roles: member "ola" not found` rather than ending a sentence that
// already says so in ": cmkit: not found":
//
//	return cmkit.Errorf(cmkit.ErrNotFound, "roles: member %q not found", id)
//
// The typed errors (*ValidationError, *RateLimitError, *UnsupportedError,
// roles.ForbiddenError) read the same way, and wrapping an error with
// context ("calendar: line 3: %w") adds the context, never a second class.
//
// # Time
//
// Services take a Clock (SystemClock by default) and read it once per call;
// cmkittest.Clock simulates it. Wall-clock plans carry a *time.Location;
// programs built for minimal containers should import time/tzdata.
package cmkit

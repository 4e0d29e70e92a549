// Package calendar is the content calendar of a community team and the
// publisher that takes its posts out, built to hold the lines where
// scheduling tools fail: no post goes out twice, none is silently lost,
// nothing unapproved, paused or long overdue slips through, and a 09:00 post
// stays at 09:00 local time on both sides of a daylight-saving change.
//
// # Concepts
//
// An Entry is one piece of planned content. It targets one or more channels
// with one Variant each (a post written for that platform), and moves
// through its life: draft, in review, approved, scheduled, publishing, then
// published, failed, or waiting for a person (verify, held, expired), or
// cancelled. Calendar methods move it (Create, Update, Submit, Approve,
// Schedule, Cancel, Resolve); each move is authorized through an Authority
// (*roles.Directory) for the acting member of the context, recorded in the
// entry's History, and checked against the approval policy: a post that
// needs approval never reaches scheduled without it, and is checked again
// when its time comes.
//
// A variant may carry a thread (Variant.Thread): posts that follow its Post,
// each published as a reply to the one before it, on a channel that
// implements cmkit.ThreadPublisher (Schedule refuses a thread elsewhere,
// with cmkit.ErrUnsupported). Each part has its own post ID and is
// published behind its own write fence, in order; a thread cut short by a
// failure or a crash resumes at the first part that is not out, and no
// part is sent twice.
//
// Before scheduling, and again before sending, every variant is checked
// against its channel's limits counted the way that platform counts
// (cmkit.Limits.CheckPost, each part of a thread) and against pluggable Checkers such as the style
// guide; failures come back as a *CheckError listing each CheckFinding.
//
// Recurring content is a series (CreateSeries, ExtendSeries): one entry per
// occurrence of a recur.Recurrence, each editable or skippable on its own,
// and submitted, approved or scheduled together (SubmitSeries,
// ApproveSeries, ScheduleSeries) under the same rules as one entry. Each
// channel may have a posting plan (WithSlots: a recur.Slots of weekly
// slots, a minimum gap and blackouts); AddToQueue schedules an entry in the
// next free slot of all its channels, and Conflicts lists posts too close
// together or inside a blackout.
//
// Campaigns are data: the social media manager (roles.ManageCampaigns)
// creates, updates and closes them over the year (CreateCampaign,
// UpdateCampaign, CloseCampaign), and the Store keeps them, versioned like
// entries. An entry joins one by name (Entry.Campaign) only if it is
// active and of the entry's brand; Schedule, and the publisher before
// sending, check that the entry is planned within the campaign's dates and
// that the campaign is still open.
//
// # Views and files
//
// Entries yields the entries of a period by channel, brand, campaign, label
// or state, as an iterator. ExportICal writes those a Query selects (a
// campaign's, say) as an iCalendar file for Google Calendar or Outlook; ImportCSV reads a spreadsheet of posts, one
// row per post and channel, as Excel or a spreadsheet app saves it (comma,
// semicolon or tab between cells, byte-order mark or not). It checks every
// row before writing any and lists every bad row at once; CSVOptions set
// the separator, a zone for local times, and a dry run that writes
// nothing. A time with an offset but no zone is kept, with a CSVWarning:
// it has no daylight-saving protection.
//
// # Publishing
//
// A Publisher claims due entries from the Store with a lease (a time limit
// and a version that acts as a fencing token), and keeps state per variant:
// one channel failing never touches another, and a retry never touches a
// channel that succeeded. Before the first call to a platform it records
// the attempt as "sending"; the call then ends accepted, transient (retried
// with backoff, honouring rate limits), rejected, or ambiguous. An
// ambiguous outcome, or an attempt found still "sending" after a publisher
// died, is retried only on a channel that makes that safe (idempotent on
// the post ID, or able to look the post up first); otherwise the variant
// waits for a person to verify it. See Publisher for the full contract.
//
// # Guarantees
//
// These hold whatever the platforms, the clock and the people do; each is
// checked after every step of a seeded simulation (sim_test.go) with slow
// platforms, crashing publishers, clock jumps and people acting mid-call:
//
//   - No platform call starts unless the caller's lease covers it: the
//     write that records an attempt renews the lease, fenced by the
//     entry's version, and a call times out (on the calendar's clock)
//     well before that lease ends. A lookup followed by a publish renews
//     before the publish.
//   - The store never hands out an entry under a live lease, and people's
//     actions (Resolve, Resume, Cancel, edits) on an entry being published
//     never clear the lease: they never create a second sender.
//   - A platform's answer that arrives is never thrown away: an accepted
//     one marks its variant sent with the receipt even after the entry
//     changed or was taken over.
//   - Approval is judged on every channel an entry targets, and everyone
//     who changed the content since its last approval counts as its author.
//   - Approval, pauses, lateness and the send-time checks are checked every
//     time an entry is claimed, retries included.
//   - Processes that share a store must keep their clocks within lease −
//     call timeout of each other (90 seconds with the defaults).
//
// Pause holds entries (the whole calendar, a brand, a channel or a
// campaign) at once; Resume releases them with an explicit MissedPolicy for
// those whose time passed: hold them for a person, publish them now, or
// move them to the next free slot. Never a silent drop, never a burst.
//
// # Time
//
// Instants are stored as time.Time; plans keep the IANA zone they were made
// in (Entry.Zone). Wall-clock plans come from package recur, which computes
// them without the calendar: recurring plans (recur.Recurrence, an RFC 5545
// RRULE expanded lazily) and posting plans (recur.Slots) are wall-clock
// times plus an IANA zone, never UTC offsets or multiples of 24 hours, so a
// 09:00 post stays at 09:00 local time all year. On a change day, a wall
// time that does not exist moves forward by the gap (02:30 becomes 03:30)
// and one that exists twice is the first of the two instants (see
// recur.WallTime.In). Programs that run in minimal containers without a
// system time-zone database should import time/tzdata, as the examples do.
// Everything that depends on "now" reads the calendar's cmkit.Clock, so
// tests and drills run on simulated time.
//
// # Storage
//
// Store is small and in the calendar's terms: versioned writes of entries
// and campaigns, queries, and leased claims of due entries. MemoryStore is a complete default with
// a due index, and cmkittest.TestCalendarStore is the suite any other Store
// must pass, concurrent claimers included.
//
// # Concurrency
//
// Calendar, Publisher and MemoryStore are safe for concurrent use, and any
// number of publishers, in any number of processes, may share one Store.
//
// # Errors
//
// Every change carries the version of the entry it was made on
// (Entry.Version): a stale one wraps cmkit.ErrConflict, a missing one (zero)
// cmkit.ErrInvalid, so that nobody approves content they did not see.
// Cancel and Resolve also accept Latest.
//
// Illegal transitions and stale versions wrap cmkit.ErrConflict; denials
// wrap cmkit.ErrForbidden; bad input and failed checks wrap
// cmkit.ErrInvalid, naming the field or listing the findings.
package calendar

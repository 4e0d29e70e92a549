// Package inbox is the community team's inbox: one place over every
// channel where each mention becomes part of a conversation that someone
// owns, answers within an agreed time, routes to customer service, or
// hides when it is abuse; plus listening beyond the brand's own channels
// and a ranking of the people whose voice carries.
//
// The rule engine (package moderation) judges every inbound message; the
// inbox keeps what follows from the judgement: conversations with their
// status, labels, priority, queue and owner, SLA due times, the ticket in
// customer service, and what each person said to the brand. Everything
// goes through a Store, one atomic Write per change under optimistic
// versions; NewMemoryStore is the default, and cmkittest.TestInboxStore
// checks any other.
//
// # Setting up
//
//	ib, err := inbox.New(inbox.NewMemoryStore(),
//		inbox.WithTeam(directory),                // *roles.Directory: who may do what
//		inbox.WithEngine(engine),                 // *moderation.Engine: the rules
//		inbox.WithChannels(instagram, mastodon),  // cmkit.Channel adapters
//		inbox.WithSLA(madridHours, policies...),  // optional
//		inbox.WithHandoff(helpdesk),              // optional: customer service
//		inbox.WithListening(listener, tally))     // optional: saved queries
//	go ib.Run(ctx) // pulls, moderates, assigns, hands off, sends SLA timers
//
// Run repeats Step on the inbox's clock; a product that schedules its own
// work calls Step, or its parts (PullAll, Moderate, AutoAssign, Handoffs,
// SLATimers, Search), itself. Webhooks call Push.
//
// # Ingest
//
// Pull reads one page from a channel's cmkit.MentionReader after the
// checkpoint of the source "mentions/<channel>" and stores the page's
// items and the new checkpoint in one Store.Commit: a crash before that
// write repeats the page, a crash after it repeats nothing, so every item
// is stored exactly once (a test feeds 10,000 mentions through failing
// reads, pages read twice and out of order, and crashes with restarts).
// Push stores webhook deliveries the same way. An item is known by
// "item/<channel>/<platform ID>": a delivery with a later
// cmkit.Mention.EditedAt is an edit (judged again; the old version goes
// onto Message.Edits; abuse edited into clean text is hidden like a new
// item); any other repeat is a counted duplicate that writes nothing.
// Hides and deletes on the platform are written as sending before the
// call and retried by Moderate with backoff, so a crash never loses one.
//
// # Conversations
//
// Direct messages group by author and channel ("dm/<channel>/<author>").
// Other items group by the platform's thread ID, then by the stored item
// they answer (InReplyTo), and otherwise start a conversation of their
// own. A reply or mention that arrives before its parent binds
// "parent/<channel>/<ID>" so the parent joins it when it comes; comments
// (whose parent is the brand's own post) never do, so comments on one post
// stay separate conversations. A new message reopens a resolved, waiting
// or replied conversation. A rule's priority, queue and flags go onto the
// conversation; its support action routes it to customer service; a rule
// that hides the first message makes the conversation StatusHidden.
//
// Every change by a member (SetStatus, Label, SetPriority, SetQueue,
// AddNote, Assign, Reply, Route, Hide, Delete) takes the acting member
// from the context (roles.WithActor), is authorized through the team on
// the conversation's roles.Resource (its channel's brand, country and
// product), carries the Version the member read, and is written with an
// Activity in the same commit (and in the roles audit log when
// WithAuditLog is set), then reported to the WithHook function.
//
// # Assignment
//
// Agents (SetAgent) take conversations from queues. AutoAssign gives the
// open unassigned conversations, highest priority then oldest,
// round-robin to the agent of their queue who is available, under
// capacity and allowed to answer them (roles scopes: an agent limited to
// Spain never gets a Polish conversation), committing the conversation
// and the agent together so that the agent's version fences concurrent
// assigners. An agent who becomes unavailable gives back their open
// conversations; conversations reopened later go back to the queue at the
// next step. Manual Assign may exceed capacity, but only to members
// allowed to answer.
//
// # Replies and collisions
//
// An answer conflicts only with another answer: when one was started
// after the version the member read and did not fail, Reply returns a
// *ReplyConflict (wrapping cmkit.ErrConflict) naming who answered and
// when, instead of a second answer. Otherwise Reply checks the text with
// the platform's own counting and the ReplyChecker (the style guide,
// through a small interface), commits a write fence (the outbound message
// "sending"), calls the channel's cmkit.Replier with the message ID as the
// post's ID, and records sent, failed (the fence lifts) or unknown (a
// person settles it with VerifyReply). An ambiguous failure is retried
// only as the channel's cmkit.RetrySafety allows. The fence holds a lease
// (WithReplyLease) and the platform calls end within a shorter timeout on
// the inbox's clock; an answer left "sending" by a process that died is
// taken over by RecoverReplies once the lease ends: sent again where that
// cannot publish it twice, otherwise left to a person. Nobody, person or
// process, settles an answer under a live lease. Canned responses
// (WithCannedResponses) are chosen by the conversation's language: the
// exact tag, then its primary language, then "*".
//
// # SLAs on business hours
//
// WithSLA sets policies (first response, next response, resolution, a
// warning before each) per queue and minimum priority, measured in the
// business hours of a BusinessHours calendar (*hours.Schedule: weekly
// hours in an IANA zone, holidays, exceptions, correct across DST). Every
// write brings a conversation's SLAState up to date (its due times and
// SLAState.Next, when its next timer fires); SLATimers sends each warning
// and breach once, recording it before the event; SLAReport measures
// attainment from the messages.
//
// # Customer service
//
// Route (or a rule's support action) marks a conversation escalated with
// its ticket due; Handoffs delivers due tickets through the Handoff
// interface with exponential backoff (never sooner than a rate limit's
// RetryAfter) and keeps the helpdesk's reference on the conversation.
// Delivery is at least once: the helpdesk is called before the outcome is
// committed, so a crash repeats the call with the same Key
// ("conversation/<id>"), on which the helpdesk must deduplicate
// (MemoryHandoff does). A new customer message updates the ticket.
//
// # Listening and opinion leaders
//
// WithListening counts every new inbound message once in a listen.Tally,
// for each saved query of a listen.Listener it matches (boolean queries,
// phrases, NEAR/n; see package moderation/listen), so that share of voice
// against named competitors can be read from the tally. WithSearch adds
// sources beyond the brand's mentions: a channel's cmkit.Searcher asked
// for keywords, pulled by Search with its own checkpoint; what it brings
// is counted, not turned into conversations.
//
// Each inbound message also updates its author's AuthorRecord for the
// brand in the same commit. Leaders ranks them:
//
//	score = (1 + log10(1 + followers))
//	      × (mentions + 2·log10(1 + reactions))
//	      × 2^(−age / half-life)          (age since their last message; 30 days)
//	      × (1 + marked / mentions)        (messages a rule marked as an opinion leader's)
//
// with their mean sentiment towards the brand and the evidence (counts
// and their latest messages) shown, not scored.
//
// # Why a sub-package
//
// DESIGN.md places the inbox in moderation; it lives in moderation/inbox
// because the engine and the inbox would otherwise both want New, Option
// and WithClock in one package, and the engine stands on its own (the
// inbox imports it, never the reverse).
package inbox

// Package inbox is the community team's inbox: one place over every
// channel where each mention becomes part of a conversation that someone
// owns, answers within an agreed time, routes to customer service, or
// hides when it is abuse.
//
// The rule engine (package moderation) judges every inbound message; the
// inbox keeps what follows from the judgement: conversations, their
// status, labels, priority, queue and owner, SLA due times, the ticket in
// customer service, and what each person said to the brand.
//
// Everything the inbox keeps goes through a Store in one atomic Write per
// change, under optimistic versions (NewMemoryStore is the default;
// cmkittest.TestInboxStore checks any other).
package inbox

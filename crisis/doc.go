// Package crisis holds a brand's crisis plan as code: who is paged at
// which severity, how fast they must acknowledge, who is paged next, what
// may be said and who approves it, and what is paused or tightened on
// entry.
//
// A Plan has severity levels, least severe first (for example watch,
// minor, major, critical). Each Level has:
//
//   - entry Criteria: thresholds on an alert's volume ratio (observed over
//     expected mentions) and negative share, or manual declaration only.
//     They are data: Criteria.Met and Plan.LevelFor read them, the package
//     runs nothing by itself;
//   - Responders, by role (a roles role name, limited to a roles.Scope) or
//     by member ID, and an acknowledgement deadline (AckWithin);
//   - EscalationSteps: who is paged next, how long after the level was
//     entered, and at what repeat interval (never shorter than MinRepeat);
//   - holding Statements per BCP 47 language and per channel;
//   - the approval chain any public statement needs, as roles.Step values,
//     so statements are judged by roles' approval policy (Level.ApprovalRule);
//   - EntryActions: pause scheduled publishing for the brand or listed
//     channels with an explicit MissedPosts policy for resuming, switch
//     moderation to a named stricter rule set, put the style guide in crisis
//     mode, notify customer service.
//
// The actions go through small interfaces the package declares and a
// program wires: Publishing, Moderation, StyleGuide and Notifier. The
// package does not import calendar, moderation or kpi.
//
// Plans are Go values or JSON. ParsePlan reads JSON strictly and
// Plan.Validate checks a plan against a roles.RoleSet; every error wraps
// cmkit.ErrInvalid and names the spot, such as
// "levels[2].escalation[0].role".
//
// Plans are versioned: Version is a number the owner raises on each change,
// and Plan.Ref returns a PlanRef (ID, version and a SHA-256 of the plan's
// JSON). An incident records the PlanRef of the plan it opened under;
// PlanRef.Compare orders revisions and reports two different revisions
// sharing one version number as a conflict.
//
// # Incidents
//
// A Service (New, with WithPlan and WithNotifier, and WithPublishing,
// WithModeration, WithStyleGuide as the plan's entry actions need) runs
// the plan's incidents. Service.Open opens an Incident from a
// detect.Breakout at the level Plan.LevelFor gives its peak;
// Service.Declare opens one by hand for a member with
// roles.DeclareCrisis (checked through an Authority, WithTeam). Entering a
// level runs its EntryActions through the interfaces and records what
// they did in Incident.Undo (pause IDs with their MissedPosts policy, the
// moderation rule set from before the crisis, the style guide's crisis
// mode), so Service.Resolve (roles.ResolveCrisis) undoes exactly that.
//
// An incident moves through IncidentDetected, IncidentAcknowledged,
// IncidentResponding, IncidentMonitoring, IncidentResolved and
// IncidentReviewed (Acknowledge, Advance, Resolve, RecordReview);
// ChangeLevel (roles.EscalateCrisis) moves it to another level. Every
// change appends TimelineEntry values (alerts, acknowledgements, pages,
// level and state changes, actions, statements, notes added with Note)
// in the same Store.Commit that writes the incident, fenced by its
// Version.
//
// Paging runs from the store on the service's clock: Service.Step (or
// Run, which repeats it) sends the pages whose time came. A level's
// responders are paged on entry; each escalation step is paged at the
// level's entry time plus its After, then every Repeat, until someone
// acknowledges. Due times lie on that fixed grid, never on when the last
// page happened to go out, so repeats do not drift; a Step that comes
// late sends one page for the slots it missed and goes back to the grid.
// A page is recorded (a TimelinePage entry and an UnsentPage), and its
// schedule moved on, in one version-fenced write before it is sent, so
// services sharing a store, or a service restarted over it, never page
// twice for one slot. The send is claimed for PageLease: a page whose
// sending failed is sent again at the next Step, and one whose process
// died during the call is sent again once the lease has run out, by any
// service over the store, each time with the same Page.ID, up to
// MaxPageAttempts sends (then the timeline says it was given up). Pages
// are thus delivered at least once, and exactly once by a Notifier that
// remembers the IDs it delivered. A notice to customer service
// (EntryActions.NotifyCustomerService) goes out the same way.
//
// Changes that run side effects claim the incident first. Service.Resolve
// marks the incident as resolving (Incident.Resolving, for ResolveLease)
// in a fenced write before it undoes anything, so a second Resolve, or a
// level change whose actions the undoing would miss, is refused with
// cmkit.ErrConflict meanwhile (the level change gives back what its own
// actions took), and a Resolve whose process died is taken over once the
// lease has run out. An incident opened from a breakout has an ID derived
// from the breakout, so two services given the same breakout at once
// open one incident, and the one refused gives back what its entry
// actions took.
//
// An incident keeps the PlanRef of the revision it opened under, and pages
// by the plan its service runs: a service restarted with a newer revision
// (a phone tree updated mid-incident) pages by it from the next page on.
//
// MemoryStore is a Store in memory; cmkittest.TestCrisisStore checks any
// Store. WithRoleSet lets a plan name a team's own roles.
//
// # Statements
//
// Public statements go through the approval chain of the incident's
// level, judged by roles. The team given to WithTeam must also be a
// StatementApprover (*roles.Directory is); otherwise every statement call
// fails with an error wrapping cmkit.ErrUnsupported.
//
// Service.DraftStatement writes a PublicStatement on the Incident for one
// language and channel, from a text or from the level's holding statement
// (Level.HoldingStatement: the channel's own, else the language-wide one).
// Drafting and editing need roles.DraftPost on the channel: a statement is
// a post in the brand's name, and its approval chain, not the drafting
// permission, guards what goes out. The drafter is an author, and so is
// every member who edits it (Service.EditStatement); an edit makes a new
// version, and approvals of earlier versions no longer count. Editing,
// approving and publishing name the version the member read; another one
// is cmkit.ErrConflict, so nobody approves or publishes a text they did
// not see, and two editors never overwrite each other.
//
// Service.ApproveStatement asks roles for the acting member's approval of
// the current version, with the level's chain as the policy
// (Level.ApprovalRule) and the statement as a roles.Item of kind
// roles.KindStatement on the brand and channel. roles decides: an author
// never approves their own statement, and a member the chain does not
// name gets cmkit.ErrForbidden. Each step approved is a
// TimelineStatementApproval entry; the complete chain moves the statement
// to StatementApproved (TimelineStatementApproved). Service.StatementStatus
// says which steps are open and who can approve them.
//
// When the incident changes level, approvals count for the step of the
// same name in the new level's chain, judged again against it: a
// statement stays approved only if they complete the new chain
// (otherwise it is drafted again, TimelineStatementReopened), and a draft
// they complete becomes approved.
//
// Service.PublishStatement refuses, with cmkit.ErrConflict, a statement
// whose current version the chain does not approve. It needs
// roles.PublishPost on the channel and publishes through a
// StatementPublisher (WithStatementPublisher) in two version-fenced
// writes: the first moves the statement to StatementPublishing, so it can
// no longer change, the second records the publisher's receipt. The
// publisher gets the statement's ID as idempotency key, so after a failure
// or a lost answer, publishing again posts once; concurrent calls record
// one publication. The first write also claims the publisher call for
// StatementLease: when the call fails, or the process dies during it,
// Service.Step calls the publisher again, with the same ID, once the
// lease ran out (at most MaxPublishAttempts calls, then the timeline says
// it gave up and a person publishes again), so an approved statement a
// member pressed "publish" on goes out even if nobody presses again.
//
// A closed incident refuses new statements, edits, approvals and
// publications (cmkit.ErrInvalid), but a publication already started
// finishes, and Service.WithdrawStatement still withdraws a statement
// that is not publishing or published.
//
// # Drills
//
// A team rehearses its plan with a Drill: the plan, a Scenario (the usual
// mentions of one series, optionally by hour of the day, surges that
// multiply them for a while and may raise their negative share, announced
// surges standing for campaigns, and scripted steps of people: declare,
// acknowledge, change level, move state, note, resolve) and, optionally,
// the team whose grants decide what each person may do. Drill.Run feeds a
// detect.Watcher eight days of usual traffic so it has learned it, then
// runs the scenario on simulated time: the watcher's breakouts open
// incidents through a Service, pages fall due on the plan's grid, the
// scripted steps run at their instants (a step due at the same instant
// as a page runs first), and the entry actions go to recording stand-ins,
// so nothing real is paged or paused. The counts are Poisson draws from
// the scenario's Seed, so a drill can be run again, unchanged, after the
// plan changed. ParseScenario reads a scenario from JSON as strictly as
// ParsePlan reads a plan.
//
// The DrillReport says when the first surge began and in which bucket it
// was detected, the incidents as they ended, every page (when, to whom,
// responders or which escalation step), every call to publishing,
// moderation and the style guide (what was paused, switched and
// resumed), the timelines, and the problems a team should look at: a
// surge that opened no incident, an alert with no surge or during an
// announced one, a breakout no level applies to, a scripted step refused
// or with no incident to act on, an acknowledgement later than the
// plan's deadline or missing, an incident still open at the end.
// DrillReport.WriteTo writes it for people, times as offsets from the
// start.
package crisis

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
// JSON). An incident is to record the PlanRef of the plan it opened under;
// PlanRef.Compare orders revisions and reports two different revisions
// sharing one version number as a conflict.
package crisis

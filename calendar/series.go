package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
)

// maxOccurrences bounds how many entries one CreateSeries or ExtendSeries
// call makes, so that a rule without an end cannot fill the store.
const maxOccurrences = 1000

// CreateSeries makes a recurring series: one draft entry per occurrence of
// rec from its start up to (not including) until, each a copy of template
// at the occurrence's time, linked by Entry.Series. The first entry keeps
// the recurrence. Each occurrence is then an entry of its own: edit one
// with Update, skip one with Cancel, without touching the others; or skip
// and move occurrences beforehand with rec.Overrides and rec.ExDates.
// Expansion follows the zone's rules, so a 09:00 Europe/Madrid series stays
// at 09:00 local time across daylight-saving changes. The acting member
// needs roles.DraftPost, as for Create. At most 1,000 occurrences per call;
// ExtendSeries adds more later.
func (c *Calendar) CreateSeries(ctx context.Context, template Entry, rec recur.Recurrence, until time.Time) ([]Entry, error) {
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	if until.IsZero() {
		return nil, cmkit.Invalid("until", "required", "a series is made up to a date; ExtendSeries adds more later")
	}
	var out []Entry
	err := c.expand(ctx, &rec, template, rec.Start.In(rec.Location), until, func(e Entry) (Entry, error) {
		if len(out) == 0 {
			r := rec
			e.Recurrence = &r
		}
		created, err := c.Create(ctx, e)
		if err != nil {
			return Entry{}, err
		}
		if len(out) == 0 {
			// The first entry names the series after itself.
			created.Series = created.ID
			if created, err = c.store.Put(ctx, created); err != nil {
				return Entry{}, err
			}
		}
		return created, nil
	}, &out)
	if err != nil {
		c.rollback(ctx, out)
		return nil, err
	}
	if len(out) == 0 {
		return nil, cmkit.Invalid("until", "range", "no occurrence of the rule falls before %s", until.Format(time.RFC3339))
	}
	return out, nil
}

// ExtendSeries adds the occurrences of a series after its last entry, up to
// until, copying the series' first entry.
func (c *Calendar) ExtendSeries(ctx context.Context, series uuid.UUID, until time.Time) ([]Entry, error) {
	root, err := c.store.Get(ctx, series)
	if err != nil {
		return nil, err
	}
	if root.Recurrence == nil || root.Series != root.ID {
		return nil, cmkit.Invalid("series", "not_a_series", "entry %s does not start a series", series)
	}
	last := root.Occurrence
	for e, err := range c.store.Query(ctx, Query{Series: series}) {
		if err != nil {
			return nil, err
		}
		if e.Occurrence.After(last) {
			last = e.Occurrence
		}
	}
	template := root.Clone()
	template.Recurrence = nil
	var out []Entry
	err = c.expand(ctx, root.Recurrence, template, last.Add(time.Second), until, func(e Entry) (Entry, error) {
		return c.Create(ctx, e)
	}, &out)
	if err != nil {
		c.rollback(ctx, out)
		return nil, err
	}
	return out, nil
}

// expand creates an entry for each occurrence of rec in [from, until).
func (c *Calendar) expand(ctx context.Context, rec *recur.Recurrence, template Entry, from, until time.Time,
	create func(Entry) (Entry, error), out *[]Entry) error {
	for occ := range rec.Occurrences(from, until) {
		if len(*out) == maxOccurrences {
			return cmkit.Invalid("until", "max_occurrences", "more than %d occurrences; make the series in parts with ExtendSeries", maxOccurrences)
		}
		e := template.Clone()
		e.At, e.Occurrence, e.Zone = occ.At, occ.Original, rec.Location.String()
		if len(*out) > 0 {
			e.Series = (*out)[0].Series // the first names the series
		}
		created, err := create(e)
		if err != nil {
			return fmt.Errorf("calendar: occurrence at %s: %w", occ.At.Format(time.RFC3339), err)
		}
		*out = append(*out, created)
	}
	return nil
}

// SubmitSeries submits every draft of a series for review, as Submit does
// for each (same permission), and returns the entries it moved.
func (c *Calendar) SubmitSeries(ctx context.Context, series uuid.UUID) ([]Entry, error) {
	return c.eachInSeries(ctx, series, Draft, c.Submit)
}

// ApproveSeries approves every entry of a series that is in review, as
// Approve does for each: the same rules (four eyes, the approver's role)
// apply to every occurrence, and each approval is recorded on its entry.
// It returns the entries it changed.
func (c *Calendar) ApproveSeries(ctx context.Context, series uuid.UUID) ([]Entry, error) {
	return c.eachInSeries(ctx, series, InReview, c.Approve)
}

// ScheduleSeries schedules every approved entry of a series at its planned
// time, as Schedule does for each, and returns the entries it scheduled.
func (c *Calendar) ScheduleSeries(ctx context.Context, series uuid.UUID) ([]Entry, error) {
	return c.eachInSeries(ctx, series, Approved, c.Schedule)
}

// eachInSeries applies step to the series' entries in state from, in time
// order, stopping at the first error (entries already moved stay moved: each
// step is a complete change of one entry).
func (c *Calendar) eachInSeries(ctx context.Context, series uuid.UUID, from State,
	step func(context.Context, uuid.UUID, int64) (Entry, error)) ([]Entry, error) {
	var todo []Entry
	for e, err := range c.store.Query(ctx, Query{Series: series, States: []State{from}}) {
		if err != nil {
			return nil, err
		}
		todo = append(todo, e)
	}
	if len(todo) == 0 {
		if _, err := c.store.Get(ctx, series); err != nil {
			return nil, err
		}
	}
	out := make([]Entry, 0, len(todo))
	for _, e := range todo {
		moved, err := step(ctx, e.ID, e.Version)
		if err != nil {
			return out, err
		}
		out = append(out, moved)
	}
	return out, nil
}

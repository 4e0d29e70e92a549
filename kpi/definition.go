package kpi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi/expr"
)

// Definition is a KPI as the social media manager defines it: what it is
// called, what it measures, which way it should move, how it is computed
// (a built-in formula, or a custom expression over measures) and the
// targets set for it per segment and period.
type Definition struct {
	// ID identifies the KPI in the sheet and in reports; unique among the
	// definitions loaded together.
	ID string `json:"id"`
	// Name is the KPI's human name.
	Name string `json:"name"`
	// Description says what the KPI is for.
	Description string `json:"description,omitempty"`
	// Unit is the unit of the value. With a built-in formula it defaults
	// to, and must equal, the formula's unit.
	Unit Unit `json:"unit,omitempty"`
	// Goal says which way the KPI should move. With a built-in formula it
	// defaults to the formula's goal.
	Goal *Goal `json:"goal,omitempty"`
	// Formula names a built-in formula (see BuiltinFormulas). Exactly one
	// of Formula and Expression is set.
	Formula string `json:"formula,omitempty"`
	// Expression is a custom formula over measures, in the kpi/expr
	// language ("(saves + shares) / posts"); its unit is required. A
	// measure reads as its sum over the period (a snapshot as its last
	// reading) and has no value when nothing of it was recorded, so a KPI
	// filled in by hand is not shown as 0; sum(saves, shares) skips a
	// measure without value where that is wanted.
	Expression string `json:"expression,omitempty"`
	// Competitors names the competitors share of voice compares against
	// (required for, and only allowed with, share_of_voice).
	Competitors []string `json:"competitors,omitempty"`
	// Targets are the values aimed at; see TargetFor.
	Targets []Target `json:"targets,omitempty"`

	builtin *BuiltinFormula
	custom  *expr.Expr
}

// Target is a value a KPI should reach for a segment, for one kind of
// period, optionally only between two instants.
type Target struct {
	// Segment is what the target is for; the zero Segment is everything.
	Segment Segment `json:"segment"`
	// Period is the kind of period the target is for (in JSON "day",
	// "week", "month" or "quarter"); the zero PeriodKind is every kind.
	Period PeriodKind `json:"period,omitzero"`
	// From, when set, is the first instant the target applies.
	From time.Time `json:"from,omitzero"`
	// Until, when set, is the instant the target stops applying
	// (exclusive).
	Until time.Time `json:"until,omitzero"`
	// Value is the value aimed at: finite and not negative.
	Value float64 `json:"value"`
}

// MarshalText returns "higher" or "lower".
func (g Goal) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads "higher" or "lower".
func (g *Goal) UnmarshalText(b []byte) error {
	switch string(b) {
	case "higher":
		*g = HigherIsBetter
	case "lower":
		*g = LowerIsBetter
	default:
		return cmkit.Invalid("goal", "unknown", "%q: want higher or lower", b)
	}
	return nil
}

// maxIDLen bounds a KPI ID.
const maxIDLen = 64

// Validate checks d and prepares it for Eval: it resolves the formula and
// fills the unit and goal from a built-in formula. Errors wrap
// cmkit.ErrInvalid and name the field ("targets[0].value").
func (d *Definition) Validate() error { return d.validate("") }

func (d *Definition) validate(at string) error {
	if d.ID == "" || len(d.ID) > maxIDLen || strings.TrimSpace(d.ID) != d.ID {
		return cmkit.Invalid(at+"id", "format", "%q: want 1 to %d bytes without surrounding spaces", d.ID, maxIDLen)
	}
	if strings.TrimSpace(d.Name) == "" {
		return cmkit.Invalid(at+"name", "required", "KPI %q has no name", d.ID)
	}
	if d.Unit != "" && !d.Unit.Valid() {
		return cmkit.Invalid(at+"unit", "unknown", "%q: want one of %v", d.Unit, units)
	}
	if d.Goal != nil && *d.Goal != HigherIsBetter && *d.Goal != LowerIsBetter {
		return cmkit.Invalid(at+"goal", "unknown", "%d: want higher or lower", *d.Goal)
	}
	var builtin *BuiltinFormula
	var custom *expr.Expr
	switch {
	case d.Formula != "" && d.Expression != "":
		return cmkit.Invalid(at+"formula", "exclusive", "KPI %q sets both formula and expression; want one", d.ID)
	case d.Formula != "":
		f, ok := LookupFormula(d.Formula)
		if !ok {
			return cmkit.Invalid(at+"formula", "unknown", "%q is not a built-in formula", d.Formula)
		}
		if d.Unit != "" && d.Unit != f.Unit {
			return cmkit.Invalid(at+"unit", "mismatch", "%q: formula %s is in %s", d.Unit, f.Name, f.Unit)
		}
		builtin = f
	case d.Expression != "":
		if d.Unit == "" {
			return cmkit.Invalid(at+"unit", "required", "a custom expression needs a unit")
		}
		e, err := expr.Parse(d.Expression)
		if err != nil {
			return cmkit.Invalid(at+"expression", "syntax", "%v", err)
		}
		custom = e
	default:
		return cmkit.Invalid(at+"formula", "required", "KPI %q needs a formula or an expression", d.ID)
	}
	if err := d.validateCompetitors(at, builtin); err != nil {
		return err
	}
	for i, t := range d.Targets {
		if err := t.validate(fmt.Sprintf("%stargets[%d].", at, i)); err != nil {
			return err
		}
	}
	d.builtin, d.custom = builtin, custom
	if builtin != nil {
		d.Unit = builtin.Unit
		if d.Goal == nil {
			g := builtin.Goal
			d.Goal = &g
		}
	} else if d.Goal == nil {
		g := HigherIsBetter
		d.Goal = &g
	}
	return nil
}

func (d *Definition) validateCompetitors(at string, builtin *BuiltinFormula) error {
	sov := builtin == ShareOfVoice
	if sov && len(d.Competitors) == 0 {
		return cmkit.Invalid(at+"competitors", "required", "share of voice needs at least one competitor")
	}
	if !sov && len(d.Competitors) > 0 {
		return cmkit.Invalid(at+"competitors", "unexpected", "only share_of_voice reads competitors")
	}
	for i, c := range d.Competitors {
		if strings.TrimSpace(c) == "" || slices.Contains(d.Competitors[:i], c) {
			return cmkit.Invalid(fmt.Sprintf("%scompetitors[%d]", at, i), "format", "%q: want a non-blank name, each once", c)
		}
	}
	return nil
}

func (t Target) validate(at string) error {
	if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) || t.Value < 0 {
		return cmkit.Invalid(at+"value", "range", "%v: want a finite value, not negative", t.Value)
	}
	if t.Period > PeriodQuarter {
		return cmkit.Invalid(at+"period", "unknown", "%s: want day, week, month, quarter or none", t.Period)
	}
	if !t.From.IsZero() && !t.Until.IsZero() && !t.From.Before(t.Until) {
		return cmkit.Invalid(at+"until", "range", "%s is not after from %s", t.Until.Format(time.RFC3339), t.From.Format(time.RFC3339))
	}
	return nil
}

// applies reports whether t is for segment seg, period kind period, at
// instant at.
func (t Target) applies(seg Segment, period PeriodKind, at time.Time) bool {
	return t.Segment.Covers(seg) && (t.Period == 0 || t.Period == period) &&
		(t.From.IsZero() || !at.Before(t.From)) && (t.Until.IsZero() || at.Before(t.Until))
}

// specificity orders targets: more segment fields set wins, then a named
// period over none, then a validity range over none.
func (t Target) specificity() int {
	n := 0
	for _, f := range []string{t.Segment.Brand, string(t.Segment.Platform), t.Segment.Channel, t.Segment.Country, t.Segment.Campaign} {
		if f != "" {
			n += 4
		}
	}
	if t.Period != 0 {
		n += 2
	}
	if !t.From.IsZero() || !t.Until.IsZero() {
		n++
	}
	return n
}

// TargetFor returns the target that applies to segment seg for a period
// of kind period starting at at: among
// the targets whose segment covers seg, whose period is period or empty
// and whose validity range holds at, the most specific one (the most
// segment fields set; then one naming the period; then one with a
// validity range). Of equally specific targets the first listed wins. It
// returns false when no target applies.
func (d *Definition) TargetFor(seg Segment, period PeriodKind, at time.Time) (Target, bool) {
	best, found := -1, false
	var out Target
	for _, t := range d.Targets {
		if !t.applies(seg, period, at) {
			continue
		}
		if s := t.specificity(); s > best {
			best, out, found = s, t, true
		}
	}
	return out, found
}

// Eval computes the KPI over in: a built-in formula reads in.Own and, for
// share of voice, exactly the competitors the definition names (one
// missing from in.Competitors leaves the KPI without a value); a custom
// expression reads measures from in.Own (a count's or distribution's
// sum, a snapshot's last reading). It returns false when the KPI has no
// value (see BuiltinFormula) and for a definition that was not validated.
func (d *Definition) Eval(in FormulaInput) (float64, bool) {
	switch {
	case in.Own == nil:
		return 0, false
	case d.builtin == ShareOfVoice:
		named := make(map[string]Totals, len(d.Competitors))
		for _, c := range d.Competitors {
			named[c] = in.Competitors[c] // nil when absent: no value
		}
		return d.builtin.Eval(FormulaInput{Own: in.Own, Competitors: named})
	case d.builtin != nil:
		return d.builtin.Eval(in)
	case d.custom != nil:
		return d.custom.Eval(func(name string) (float64, bool) { return measureValue(in.Own, Measure(name)) })
	}
	return 0, false
}

// measureValue is what a custom expression reads for m: a snapshot's last
// reading, otherwise the sum; false when nothing was recorded.
func measureValue(t Totals, m Measure) (float64, bool) {
	if m.Kind() == MeasureSnapshot {
		return t.Last(m)
	}
	if t.Count(m) == 0 {
		return 0, false // nothing recorded: no value, not 0
	}
	return t.Sum(m), true
}

// maxDefinitionsSize bounds a definitions document.
const maxDefinitionsSize = 4 << 20

// ParseDefinitions reads a JSON document {"kpis": [Definition, ...]}
// strictly: unknown fields, an unknown unit, goal, formula or period, a
// duplicate ID, a negative or non-finite target value or trailing data
// is an error wrapping cmkit.ErrInvalid that names the entry
// ("kpis[2].targets[0].value"). The definitions returned are validated;
// on error none is returned.
func ParseDefinitions(data []byte) ([]Definition, error) {
	if len(data) > maxDefinitionsSize {
		return nil, cmkit.Invalid("kpis", "max_size", "%d bytes; at most %d", len(data), maxDefinitionsSize)
	}
	var doc struct {
		KPIs []json.RawMessage `json:"kpis"`
	}
	if err := strictJSON(data, &doc); err != nil {
		return nil, cmkit.Invalid("kpis", "json", "%v", err)
	}
	defs := make([]Definition, len(doc.KPIs))
	ids := make(map[string]int, len(doc.KPIs))
	for i, raw := range doc.KPIs {
		at := fmt.Sprintf("kpis[%d]", i)
		var entry struct {
			Definition
			Targets []json.RawMessage `json:"targets,omitempty"`
		}
		if err := strictJSON(raw, &entry); err != nil {
			return nil, cmkit.Invalid(at, "json", "%v", err)
		}
		d := entry.Definition
		d.Targets = make([]Target, len(entry.Targets))
		for j, rt := range entry.Targets {
			if err := strictJSON(rt, &d.Targets[j]); err != nil {
				return nil, cmkit.Invalid(fmt.Sprintf("%s.targets[%d]", at, j), "json", "%v", err)
			}
		}
		if err := d.validate(at + "."); err != nil {
			return nil, err
		}
		if j, dup := ids[d.ID]; dup {
			return nil, cmkit.Invalid(at+".id", "duplicate", "%q is also kpis[%d].id", d.ID, j)
		}
		ids[d.ID] = i
		defs[i] = d
	}
	return defs, nil
}

// strictJSON decodes one JSON value into v, refusing unknown fields and
// trailing data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

package promotion

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// Limits on a jury's scale and weights, so that every total fits an int64
// with room to spare.
const (
	maxPoints = 1000
	maxWeight = 1000
)

// Contestant is an entry in a contest: its key (opaque, as in a draw) and
// when it was entered, which breaks ties.
type Contestant struct {
	// Entry is the entry's key; non-empty and unique within a contest.
	Entry string `json:"entry"`
	// EnteredAt is when the entry arrived; required. Among otherwise tied
	// entries the earlier one ranks higher.
	EnteredAt time.Time `json:"entered_at"`
}

// Standing is one entry's place in a contest's ranking.
type Standing struct {
	// Place is 1 for the first entry, 2 for the next, and so on; ties are
	// always broken, so no two standings share a place.
	Place int `json:"place"`
	// Entry is the entry's key.
	Entry string `json:"entry"`
	// EnteredAt is the entry's time, the tie-break after the score.
	EnteredAt time.Time `json:"entered_at"`
	// Score ranks the entries. With a jury it is the weighted points: the
	// sum over criteria of the weight times the points every juror gave
	// on that criterion. With votes it is the number of counted votes.
	Score int64 `json:"score"`
	// Criteria are, with a jury, the points all jurors gave on each
	// criterion, in the order the criteria are listed (the first
	// tie-breaks); nil with votes.
	Criteria []int64 `json:"criteria,omitempty"`
	// Average is, with a jury, the weighted mean of the points one juror
	// gave, on the jury's scale from 0 to MaxPoints; for people to read
	// (ranking uses Score). Zero with votes.
	Average float64 `json:"average,omitempty"`
}

// Criterion is one thing a jury scores, such as creativity or fit with the
// brand, and how much it counts.
type Criterion struct {
	// Name is the criterion's name, non-empty and unique in a contest.
	Name string `json:"name"`
	// Weight multiplies the criterion's points in the score, 1 to 1000.
	Weight int `json:"weight"`
}

// JuryScore is one recorded score: the points one juror gave one entry on
// one criterion.
type JuryScore struct {
	// Juror is one of the contest's Jurors.
	Juror string `json:"juror"`
	// Entry is one of the contest's Contestants' keys.
	Entry string `json:"entry"`
	// Criterion is the Name of one of the contest's Criteria.
	Criterion string `json:"criterion"`
	// Points is from 0 to the contest's MaxPoints.
	Points int `json:"points"`
}

// JuryContest is the record of a contest judged by a jury: the criteria,
// the jurors, the scale, the entries and every score given. Its ranking is
// a pure function of the record (Rank), so anyone holding the record (in
// JSON) gets the same result.
type JuryContest struct {
	// Criteria are the criteria in order of precedence: the first one
	// breaks a tie in the score first.
	Criteria []Criterion `json:"criteria"`
	// Jurors are the jurors' IDs, non-empty and unique.
	Jurors []string `json:"jurors"`
	// MaxPoints is the top of the scale each score is on (from 0), 1 to
	// 1000.
	MaxPoints int `json:"max_points"`
	// Contestants are the entries judged.
	Contestants []Contestant `json:"contestants"`
	// Scores are the recorded scores, in any order: exactly one per
	// juror, entry and criterion.
	Scores []JuryScore `json:"scores"`
}

// Rank ranks the contest's entries from its recorded scores. An entry
// ranks higher when, comparing in this order:
//
//  1. its Score (weighted points) is higher;
//  2. its points on the first listed criterion are higher, then on the
//     second, and so on;
//  3. it was entered earlier (EnteredAt);
//  4. its key sorts first, bytewise.
//
// Points are whole numbers, so scores compare exactly, and the order of
// Scores does not matter. A record with a missing, repeated or
// out-of-scale score, an unknown juror, entry or criterion, or a bad
// criterion, juror or contestant is an error wrapping cmkit.ErrInvalid
// that names each problem (joined with errors.Join), and no ranking.
func (c JuryContest) Rank() ([]Standing, error) {
	entries, err := checkContestants(c.Contestants)
	if err != nil {
		return nil, err
	}
	var errs []error
	if c.MaxPoints < 1 || c.MaxPoints > maxPoints {
		errs = append(errs, cmkit.Invalid("max_points", "range", "%d, want 1 to %d", c.MaxPoints, maxPoints))
	}
	crit := make(map[string]int, len(c.Criteria))
	if len(c.Criteria) == 0 {
		errs = append(errs, cmkit.Invalid("criteria", "required", "a jury needs at least one criterion"))
	}
	for i, cr := range c.Criteria {
		field := fmt.Sprintf("criteria[%d]", i)
		if err := checkName(field+".name", cr.Name, crit); err != nil {
			errs = append(errs, err)
		} else {
			crit[cr.Name] = i
		}
		if cr.Weight < 1 || cr.Weight > maxWeight {
			errs = append(errs, cmkit.Invalid(field+".weight", "range", "%d, want 1 to %d", cr.Weight, maxWeight))
		}
	}
	jurors := make(map[string]int, len(c.Jurors))
	if len(c.Jurors) == 0 {
		errs = append(errs, cmkit.Invalid("jurors", "required", "a jury needs at least one juror"))
	}
	for i, j := range c.Jurors {
		if err := checkName(fmt.Sprintf("jurors[%d]", i), j, jurors); err != nil {
			errs = append(errs, err)
		} else {
			jurors[j] = i
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	nc, nj := len(c.Criteria), len(c.Jurors)
	slot := func(e, j, k int) int { return (e*nj+j)*nc + k }
	given := make([]int32, len(c.Contestants)*nj*nc) // points + 1; 0 = missing
	for i, s := range c.Scores {
		field := fmt.Sprintf("scores[%d]", i)
		e, eok := entries[s.Entry]
		j, jok := jurors[s.Juror]
		k, kok := crit[s.Criterion]
		switch {
		case !jok:
			errs = append(errs, cmkit.Invalid(field+".juror", "unknown", "%q is not a juror", s.Juror))
		case !eok:
			errs = append(errs, cmkit.Invalid(field+".entry", "unknown", "%q is not an entry", s.Entry))
		case !kok:
			errs = append(errs, cmkit.Invalid(field+".criterion", "unknown", "%q is not a criterion", s.Criterion))
		case s.Points < 0 || s.Points > c.MaxPoints:
			errs = append(errs, cmkit.Invalid(field+".points", "range", "%d, want 0 to %d", s.Points, c.MaxPoints))
		case given[slot(e, j, k)] != 0:
			errs = append(errs, cmkit.Invalid(field, "repeated", "juror %q already scored entry %q on %q", s.Juror, s.Entry, s.Criterion))
		default:
			given[slot(e, j, k)] = int32(s.Points) + 1
		}
	}
	for e, ct := range c.Contestants {
		for j, juror := range c.Jurors {
			for k, cr := range c.Criteria {
				if given[slot(e, j, k)] == 0 {
					errs = append(errs, cmkit.Invalid("scores", "missing", "juror %q has not scored entry %q on %q", juror, ct.Entry, cr.Name))
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var weights int64
	for _, cr := range c.Criteria {
		weights += int64(cr.Weight)
	}
	out := make([]Standing, len(c.Contestants))
	for e, ct := range c.Contestants {
		st := Standing{Entry: ct.Entry, EnteredAt: ct.EnteredAt, Criteria: make([]int64, nc)}
		for j := range nj {
			for k := range nc {
				st.Criteria[k] += int64(given[slot(e, j, k)] - 1)
			}
		}
		for k, cr := range c.Criteria {
			st.Score += int64(cr.Weight) * st.Criteria[k]
		}
		st.Average = float64(st.Score) / float64(weights*int64(nj))
		out[e] = st
	}
	slices.SortFunc(out, func(a, b Standing) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := slices.CompareFunc(b.Criteria, a.Criteria, cmp.Compare[int64]); c != 0 {
			return c
		}
		return earlierEntry(a, b)
	})
	for i := range out {
		out[i].Place = i + 1
	}
	return out, nil
}

// earlierEntry orders standings by entry time, then key: the last
// tie-breaks of every ranking.
func earlierEntry(a, b Standing) int {
	if c := a.EnteredAt.Compare(b.EnteredAt); c != 0 {
		return c
	}
	return cmp.Compare(a.Entry, b.Entry)
}

// checkName checks one of a list of names that must be non-empty and
// unique; seen holds the names before it.
func checkName(field, name string, seen map[string]int) error {
	if name == "" {
		return cmkit.Invalid(field, "required", "empty")
	}
	if i, dup := seen[name]; dup {
		return cmkit.Invalid(field, "unique", "%q is listed twice (first at index %d)", name, i)
	}
	return nil
}

// checkContestants checks a contest's entries and returns their indexes
// by key.
func checkContestants(cs []Contestant) (map[string]int, error) {
	if len(cs) == 0 {
		return nil, cmkit.Invalid("contestants", "required", "a contest needs at least one entry")
	}
	idx := make(map[string]int, len(cs))
	var errs []error
	for i, c := range cs {
		field := fmt.Sprintf("contestants[%d]", i)
		if err := checkName(field+".entry", c.Entry, idx); err != nil {
			errs = append(errs, err)
		} else {
			idx[c.Entry] = i
		}
		if c.EnteredAt.IsZero() {
			errs = append(errs, cmkit.Invalid(field+".entered_at", "required", "entry %q has no entry time", c.Entry))
		}
	}
	return idx, errors.Join(errs...)
}

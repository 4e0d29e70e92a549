package promotion_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

var t0 = time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)

func contestants(keys ...string) []promotion.Contestant {
	out := make([]promotion.Contestant, len(keys))
	for i, k := range keys {
		out[i] = promotion.Contestant{Entry: k, EnteredAt: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// jury builds a contest where points[entry][juror][criterion] are the
// scores.
func jury(cs []promotion.Contestant, crit []promotion.Criterion, jurors []string, points [][][]int) promotion.JuryContest {
	c := promotion.JuryContest{Criteria: crit, Jurors: jurors, MaxPoints: 10, Contestants: cs}
	for e, ct := range cs {
		for j, juror := range jurors {
			for k, cr := range crit {
				c.Scores = append(c.Scores, promotion.JuryScore{Juror: juror, Entry: ct.Entry, Criterion: cr.Name, Points: points[e][j][k]})
			}
		}
	}
	return c
}

func order(st []promotion.Standing) []string {
	out := make([]string, len(st))
	for i, s := range st {
		if s.Place != i+1 {
			panic("place out of order")
		}
		out[i] = s.Entry
	}
	return out
}

// hasValidation reports whether err joins a *cmkit.ValidationError with
// field and rule whose detail contains each of details.
func hasValidation(err error, field, rule string, details ...string) bool {
	if !errors.Is(err, cmkit.ErrInvalid) {
		return false
	}
	var walk func(error) bool
	walk = func(e error) bool {
		if ve, ok := e.(*cmkit.ValidationError); ok && ve.Field == field && ve.Rule == rule {
			for _, d := range details {
				if !strings.Contains(ve.Detail, d) {
					return false
				}
			}
			return true
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			return slices.ContainsFunc(j.Unwrap(), walk)
		}
		return false
	}
	return walk(err)
}

var twoCriteria = []promotion.Criterion{{Name: "creativity", Weight: 2}, {Name: "brand fit", Weight: 1}}

func TestJuryRankWeightsAndTieBreaks(t *testing.T) {
	cs := contestants("d", "c", "b", "a", "e")
	// Scores per entry (two jurors × creativity, brand fit):
	//   d: 2·(5+5) + (5+5) = 30
	//   c: 2·(6+6) + (3+3) = 30, more creativity than d: above d
	//   b: 2·(5+5) + (5+5) = 30, same as d, entered later: below d
	//   a: 2·(5+5) + (5+5) = 30, entered after b: below b
	//   e: 2·(10+10) + (0+0) = 40, first despite no brand fit
	c := jury(cs, twoCriteria, []string{"ana", "ola"}, [][][]int{
		{{5, 5}, {5, 5}}, {{6, 3}, {6, 3}}, {{5, 5}, {5, 5}}, {{5, 5}, {5, 5}}, {{10, 0}, {10, 0}},
	})
	st, err := c.Rank()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := order(st), []string{"e", "c", "d", "b", "a"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
	if st[0].Score != 40 || !slices.Equal(st[0].Criteria, []int64{20, 0}) || st[0].Average != 40.0/6 {
		t.Fatalf("e = %+v", st[0])
	}
	// Same entry time: key order decides.
	cs[2].EnteredAt, cs[3].EnteredAt = t0, t0
	cs[0].EnteredAt = t0.Add(time.Hour)
	st, _ = c.Rank()
	if got, want := order(st), []string{"e", "c", "a", "b", "d"}; !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
}

// TestJuryRankIsAFunctionOfTheRecord: the ranking comes from the recorded
// scores alone: shuffled, or read back from JSON, they rank the same; and
// it agrees with a direct recomputation on random contests.
func TestJuryRankIsAFunctionOfTheRecord(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 17))
	for round := range 200 {
		n := 1 + r.IntN(12)
		keys := make([]string, n)
		for i := range keys {
			keys[i] = string(rune('a' + i))
		}
		r.Shuffle(n, func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		cs := contestants(keys...)
		for i := range cs {
			cs[i].EnteredAt = t0.Add(time.Duration(r.IntN(3)) * time.Second) // ties on time
		}
		crit := []promotion.Criterion{{Name: "x", Weight: 1 + r.IntN(3)}, {Name: "y", Weight: 1 + r.IntN(3)}}
		jurors := []string{"j1", "j2", "j3"}
		points := make([][][]int, n)
		for e := range points {
			points[e] = make([][]int, 3)
			for j := range 3 {
				points[e][j] = []int{r.IntN(3), r.IntN(3)} // few values: many ties
			}
		}
		c := jury(cs, crit, jurors, points)
		st, err := c.Rank()
		if err != nil {
			t.Fatal(err)
		}
		// Direct recomputation of the documented rule.
		type row struct {
			key   string
			score int
			x, y  int
			at    time.Time
		}
		rows := make([]row, n)
		for e := range n {
			rows[e] = row{key: cs[e].Entry, at: cs[e].EnteredAt}
			for j := range 3 {
				rows[e].x += points[e][j][0]
				rows[e].y += points[e][j][1]
			}
			rows[e].score = crit[0].Weight*rows[e].x + crit[1].Weight*rows[e].y
		}
		slices.SortFunc(rows, func(a, b row) int {
			switch {
			case a.score != b.score:
				return b.score - a.score
			case a.x != b.x:
				return b.x - a.x
			case a.y != b.y:
				return b.y - a.y
			case !a.at.Equal(b.at):
				return a.at.Compare(b.at)
			}
			return strings.Compare(a.key, b.key)
		})
		for i := range rows {
			if st[i].Entry != rows[i].key || st[i].Score != int64(rows[i].score) {
				t.Fatalf("round %d: place %d is %+v, want %+v", round, i+1, st[i], rows[i])
			}
		}
		// Shuffled, and through JSON.
		r.Shuffle(len(c.Scores), func(i, j int) { c.Scores[i], c.Scores[j] = c.Scores[j], c.Scores[i] })
		text, _ := json.Marshal(c)
		var back promotion.JuryContest
		if err := json.Unmarshal(text, &back); err != nil {
			t.Fatal(err)
		}
		again, err := back.Rank()
		if err != nil || !reflect.DeepEqual(again, st) {
			t.Fatalf("round %d: recorded scores rank %+v, want %+v (%v)", round, again, st, err)
		}
	}
}

func TestJuryRankRejectsBadRecords(t *testing.T) {
	good := func() promotion.JuryContest {
		return jury(contestants("a", "b"), twoCriteria, []string{"ana", "ola"}, [][][]int{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}})
	}
	if _, err := good().Rank(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name        string
		change      func(*promotion.JuryContest)
		field, rule string
		details     []string
	}{
		{"missing score", func(c *promotion.JuryContest) { c.Scores = slices.Delete(c.Scores, 5, 6) }, "scores", "missing", []string{`"ana"`, `"b"`, `"brand fit"`}},
		{"repeated score", func(c *promotion.JuryContest) { c.Scores = append(c.Scores, c.Scores[0]) }, "scores[8]", "repeated", nil},
		{"unknown juror", func(c *promotion.JuryContest) { c.Scores[2].Juror = "eve" }, "scores[2].juror", "unknown", nil},
		{"unknown entry", func(c *promotion.JuryContest) { c.Scores[2].Entry = "z" }, "scores[2].entry", "unknown", nil},
		{"unknown criterion", func(c *promotion.JuryContest) { c.Scores[2].Criterion = "speed" }, "scores[2].criterion", "unknown", nil},
		{"too many points", func(c *promotion.JuryContest) { c.Scores[3].Points = 11 }, "scores[3].points", "range", nil},
		{"negative points", func(c *promotion.JuryContest) { c.Scores[3].Points = -1 }, "scores[3].points", "range", nil},
		{"no scale", func(c *promotion.JuryContest) { c.MaxPoints = 0 }, "max_points", "range", nil},
		{"zero weight", func(c *promotion.JuryContest) {
			c.Criteria = []promotion.Criterion{{"creativity", 0}, {"brand fit", 1}}
		}, "criteria[0].weight", "range", nil},
		{"repeated criterion", func(c *promotion.JuryContest) {
			c.Criteria = []promotion.Criterion{{"creativity", 1}, {"creativity", 1}}
		}, "criteria[1].name", "unique", nil},
		{"no criteria", func(c *promotion.JuryContest) { c.Criteria = nil }, "criteria", "required", nil},
		{"no jurors", func(c *promotion.JuryContest) { c.Jurors = nil }, "jurors", "required", nil},
		{"empty juror", func(c *promotion.JuryContest) { c.Jurors = []string{"ana", ""} }, "jurors[1]", "required", nil},
		{"no contestants", func(c *promotion.JuryContest) { c.Contestants = nil }, "contestants", "required", nil},
		{"repeated contestant", func(c *promotion.JuryContest) { c.Contestants = contestants("a", "a") }, "contestants[1].entry", "unique", nil},
		{"no entry time", func(c *promotion.JuryContest) { c.Contestants[1].EnteredAt = time.Time{} }, "contestants[1].entered_at", "required", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			jc := good()
			c.change(&jc)
			st, err := jc.Rank()
			if st != nil || !hasValidation(err, c.field, c.rule, c.details...) {
				t.Fatalf("Rank = %v, %v; want %s %s", st, err, c.field, c.rule)
			}
		})
	}
	// Every missing score is named.
	jc := good()
	jc.Scores = jc.Scores[:4] // entry b has no score at all
	_, err := jc.Rank()
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 4 {
		t.Fatalf("%d errors, want 4: %v", n, err)
	}
}

func TestVoteCount(t *testing.T) {
	cs := contestants("red", "blue", "green")
	vote := func(account, entry string, minutes int) promotion.Vote {
		return promotion.Vote{Account: account, Entry: entry, At: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	votes := []promotion.Vote{
		vote("ana", "blue", 5),
		vote("ana", "red", 3), // ana's first vote: counts
		vote("bot1", "green", 1),
		vote("ola", "green", 2),
		vote("", "red", 2),
		vote("jan", "purple", 2),
		vote("bot1", "green", 4),
		vote("eva", "red", 7),
		vote("eva", "blue", 7), // same instant: "blue" < "red", blue counts
		vote("kim", "blue", 9),
	}
	calls := map[string]int{}
	flagged := func(account string) (string, bool) {
		calls[account]++
		if strings.HasPrefix(account, "bot") {
			return "account created 2 hours before voting", true
		}
		return "", false
	}
	vc := promotion.VoteContest{Contestants: cs, Votes: votes}
	got, err := vc.Count(flagged)
	if err != nil {
		t.Fatal(err)
	}
	// red: ana; blue: eva, kim; green: ola.
	if o := order(got.Standings); !slices.Equal(o, []string{"blue", "red", "green"}) || got.Counted != 4 {
		t.Fatalf("standings %+v, counted %d", got.Standings, got.Counted)
	}
	if got.Standings[0].Score != 2 || got.Standings[1].Score != 1 || got.Standings[2].Score != 1 {
		t.Fatalf("scores %+v", got.Standings)
	}
	wantExcluded := []promotion.ExcludedVote{
		{Vote: votes[0], Why: promotion.VoteRepeated, Detail: `the vote for "red" at 2026-03-29T01:33:00Z counts`},
		{Vote: votes[2], Why: promotion.VoteFlagged, Detail: "account created 2 hours before voting"},
		{Vote: votes[4], Why: promotion.VoteNoAccount},
		{Vote: votes[5], Why: promotion.VoteUnknownEntry},
		{Vote: votes[6], Why: promotion.VoteFlagged, Detail: "account created 2 hours before voting"},
		{Vote: votes[7], Why: promotion.VoteRepeated, Detail: `the vote for "blue" at 2026-03-29T01:37:00Z counts`},
	}
	if !reflect.DeepEqual(got.Excluded, wantExcluded) {
		t.Fatalf("excluded\n%+v\nwant\n%+v", got.Excluded, wantExcluded)
	}
	for account, n := range calls {
		if n != 1 {
			t.Errorf("flagged(%q) called %d times", account, n)
		}
	}

	// The order of the votes does not change the result.
	r := rand.New(rand.NewPCG(1, 1))
	for range 20 {
		shuffled := slices.Clone(votes)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, err := promotion.VoteContest{Contestants: cs, Votes: shuffled}.Count(flagged)
		if err != nil || !reflect.DeepEqual(again.Standings, got.Standings) || again.Counted != got.Counted ||
			len(again.Excluded) != len(got.Excluded) {
			t.Fatalf("shuffled votes count %+v", again)
		}
	}

	// Read back from JSON, the record counts the same.
	text, _ := json.Marshal(vc)
	var back promotion.VoteContest
	if err := json.Unmarshal(text, &back); err != nil {
		t.Fatal(err)
	}
	if again, err := back.Count(flagged); err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("from JSON: %+v, %v", again, err)
	}

	// Without fraud signals, bot1 counts once; ties go to the earlier entry.
	got, _ = vc.Count(nil)
	if o := order(got.Standings); !slices.Equal(o, []string{"blue", "green", "red"}) || got.Counted != 5 {
		t.Fatalf("without flags: %+v", got)
	}

	if _, err := (promotion.VoteContest{Contestants: contestants("a", "")}).Count(nil); !hasValidation(err, "contestants[1].entry", "required") {
		t.Fatalf("Count = %v", err)
	}
}

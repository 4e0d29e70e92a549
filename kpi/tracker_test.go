package kpi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Warsaw on machines without a zone database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
	"github.com/cmkit/cmkit/roles"
)

var (
	sheetES = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-es", Country: "ES"}
	sheetPL = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-pl", Country: "PL"}
)

// sheetTeam returns a directory with sam (smm, team-wide), ana (junior CM
// of acme in Spain), ola (junior CM of acme in Poland) and kuba (intern).
func sheetTeam(t testing.TB) *roles.Directory {
	t.Helper()
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	err = dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ana"}, {ID: "ola"}, {ID: "kuba"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager},
			{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
			{Member: "kuba", Role: roles.Intern, Scope: roles.Scope{Brand: "acme"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func asMember(member string) context.Context { return roles.WithActor(context.Background(), member) }

// sheetTracker returns a tracker with KPIs reach (target 1000 a week) and
// sov (share of voice against rival), and sheet "weekly": both KPIs for
// sheetES and sheetPL, weeks 2026-W10 to 2026-W12.
func sheetTracker(t testing.TB) (*kpi.Tracker, *cmkittest.Clock) {
	t.Helper()
	clock := cmkittest.NewClock(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	tr, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(t)), kpi.WithClock(clock),
		kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Define(asMember("sam"),
		kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach", Targets: []kpi.Target{{Period: kpi.PeriodWeek, Value: 1000}}},
		kpi.Definition{ID: "sov", Name: "Share of voice", Formula: "share_of_voice", Competitors: []string{"rival"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.DefineSheet(asMember("sam"), kpi.Sheet{ID: "weekly", Title: "Weekly", KPIs: []string{"reach", "sov"},
		Segments: []kpi.Segment{sheetES, sheetPL}, From: mustPeriod(t, "2026-W10"), To: mustPeriod(t, "2026-W12")})
	if err != nil {
		t.Fatal(err)
	}
	return tr, clock
}

func TestTrackerNeedsTeam(t *testing.T) {
	if _, err := kpi.New(kpi.NewMemoryStore()); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("New without a team: %v, want cmkit.ErrInvalid", err)
	}
	if _, err := kpi.New(nil, kpi.WithTeam(sheetTeam(t))); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("New without a store: %v, want cmkit.ErrInvalid", err)
	}
}

func TestTrackerAuthorization(t *testing.T) {
	tr, _ := sheetTracker(t)
	def := kpi.Definition{ID: "impressions", Name: "Impressions", Formula: "impressions"}
	for _, who := range []string{"kuba", "ana", ""} {
		if err := tr.Define(asMember(who), def); !errors.Is(err, cmkit.ErrForbidden) {
			t.Errorf("%q defines a KPI: %v, want cmkit.ErrForbidden", who, err)
		}
	}
	sheet := kpi.Sheet{ID: "monthly", Title: "Monthly", KPIs: []string{"reach"}, Segments: []kpi.Segment{sheetPL},
		From: mustPeriod(t, "2026-01"), To: mustPeriod(t, "2026-12")}
	if _, err := tr.DefineSheet(asMember("kuba"), sheet); !errors.Is(err, cmkit.ErrForbidden) {
		t.Errorf("an intern defines a sheet: %v, want cmkit.ErrForbidden", err)
	}
	defs, _ := tr.Definitions(context.Background())
	if len(defs) != 2 {
		t.Errorf("after refused definitions there are %d, want 2", len(defs))
	}
	plCell := kpi.CellRef{KPI: "reach", Segment: sheetPL, Period: mustPeriod(t, "2026-W10")}
	if _, err := tr.Enter(asMember("ana"), "weekly", plCell, 5, 0); !errors.Is(err, cmkit.ErrForbidden) {
		t.Errorf("a junior CM of ES enters a PL cell: %v, want cmkit.ErrForbidden", err)
	}
	if _, err := tr.Enter(asMember("kuba"), "weekly", plCell, 5, 0); !errors.Is(err, cmkit.ErrForbidden) {
		t.Errorf("an intern enters a cell: %v, want cmkit.ErrForbidden", err)
	}
	if _, err := tr.Cell(context.Background(), "weekly", plCell); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("after refused entries the cell reads %v, want cmkit.ErrNotFound", err)
	}
	if _, err := tr.Enter(asMember("ola"), "weekly", plCell, 5, 0); err != nil {
		t.Errorf("a junior CM of PL enters a PL cell: %v", err)
	}
}

func TestTrackerDefineIsAllOrNothing(t *testing.T) {
	tr, _ := sheetTracker(t)
	err := tr.Define(asMember("sam"), kpi.Definition{ID: "impressions", Name: "Impressions", Formula: "impressions"},
		kpi.Definition{ID: "bad", Name: "Bad", Formula: "no_such_formula"})
	if !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("defining with one bad definition: %v, want cmkit.ErrInvalid", err)
	}
	err = tr.Define(asMember("sam"), kpi.Definition{ID: "x", Name: "X", Formula: "reach"}, kpi.Definition{ID: "x", Name: "X", Formula: "reach"})
	if !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("defining one ID twice: %v, want cmkit.ErrInvalid", err)
	}
	defs, _ := tr.Definitions(context.Background())
	if len(defs) != 2 {
		t.Errorf("after refused definitions there are %d, want 2", len(defs))
	}
	// A redefinition replaces the stored one.
	if err := tr.Define(asMember("sam"), kpi.Definition{ID: "reach", Name: "Reach (all)", Formula: "reach"}); err != nil {
		t.Fatal(err)
	}
	defs, _ = tr.Definitions(context.Background())
	if defs[0].ID != "reach" || defs[0].Name != "Reach (all)" || len(defs[0].Targets) != 0 {
		t.Errorf("after a redefinition reach is %+v", defs[0])
	}
	// A sheet naming an undefined KPI.
	_, err = tr.DefineSheet(asMember("sam"), kpi.Sheet{ID: "s", Title: "S", KPIs: []string{"nope"}, Segments: []kpi.Segment{sheetES},
		From: mustPeriod(t, "2026-01"), To: mustPeriod(t, "2026-02")})
	if !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a sheet of an undefined KPI: %v, want cmkit.ErrInvalid", err)
	}
}

func TestSheetValidate(t *testing.T) {
	good := kpi.Sheet{ID: "s", Title: "S", KPIs: []string{"reach"}, Segments: []kpi.Segment{sheetES},
		From: mustPeriod(t, "2026-01"), To: mustPeriod(t, "2026-03")}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := map[string]func(s *kpi.Sheet){
		"no id":              func(s *kpi.Sheet) { s.ID = "" },
		"no title":           func(s *kpi.Sheet) { s.Title = " " },
		"no KPI":             func(s *kpi.Sheet) { s.KPIs = nil },
		"a KPI twice":        func(s *kpi.Sheet) { s.KPIs = []string{"a", "a"} },
		"no segment":         func(s *kpi.Sheet) { s.Segments = nil },
		"a segment twice":    func(s *kpi.Sheet) { s.Segments = []kpi.Segment{sheetES, sheetES} },
		"no from":            func(s *kpi.Sheet) { s.From = kpi.Period{} },
		"no to":              func(s *kpi.Sheet) { s.To = kpi.Period{} },
		"kinds differ":       func(s *kpi.Sheet) { s.To = mustPeriod(t, "2026-W10") },
		"to before from":     func(s *kpi.Sheet) { s.From, s.To = s.To, s.From },
		"too many periods":   func(s *kpi.Sheet) { s.From, s.To = mustPeriod(t, "2026-01-01"), mustPeriod(t, "2029-01-01") },
		"a negative version": func(s *kpi.Sheet) { s.Version = -1 },
	}
	for what, spoil := range bad {
		s := good
		spoil(&s)
		if err := s.Validate(); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("a sheet with %s: %v, want cmkit.ErrInvalid", what, err)
		}
	}
}

func TestEnterHistoryAndVersions(t *testing.T) {
	tr, clock := sheetTracker(t)
	ref := kpi.CellRef{KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W11")}
	c, err := tr.Enter(asMember("ana"), "weekly", ref, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	t1 := clock.Now()
	clock.Advance(time.Hour)
	if _, err := tr.Enter(asMember("ana"), "weekly", ref, 999, 0); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("version 0 of a filled cell: %v, want cmkit.ErrInvalid", err)
	}
	c, err = tr.Enter(asMember("sam"), "weekly", ref, 120, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Enter(asMember("ana"), "weekly", ref, 999, 1); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale version: %v, want cmkit.ErrConflict", err)
	}
	other := ref
	other.Period = mustPeriod(t, "2026-W12")
	if _, err := tr.Enter(asMember("ana"), "weekly", other, 1, 3); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a version of an empty cell: %v, want cmkit.ErrNotFound", err)
	}
	got, err := tr.Cell(context.Background(), "weekly", ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.Value != 120 || got.By != "sam" || !got.At.Equal(t1.Add(time.Hour)) || got.Version != 2 {
		t.Errorf("the cell is %+v, want 120 by sam at version 2", got)
	}
	if len(got.History) != 1 || got.History[0].Value != 100 || got.History[0].By != "ana" || !got.History[0].At.Equal(t1) {
		t.Errorf("the history is %+v, want 100 by ana at %v", got.History, t1)
	}
	if c.Version != got.Version || len(c.History) != 1 {
		t.Errorf("Enter returned %+v, the store holds %+v", c, got)
	}
	bad := map[string]kpi.CellRef{
		"a KPI not in the sheet":     {KPI: "nope", Segment: sheetES, Period: ref.Period},
		"a segment not in the sheet": {KPI: "reach", Segment: kpi.Segment{Brand: "acme"}, Period: ref.Period},
		"a period before the sheet":  {KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W09")},
		"a month in a weekly sheet":  {KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-03")},
	}
	for what, r := range bad {
		if _, err := tr.Enter(asMember("sam"), "weekly", r, 1, 0); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("entering %s: %v, want cmkit.ErrInvalid", what, err)
		}
	}
	if _, err := tr.Enter(asMember("sam"), "nope", ref, 1, 0); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("entering in no sheet: %v, want cmkit.ErrNotFound", err)
	}
}

func TestConcurrentEnter(t *testing.T) {
	tr, _ := sheetTracker(t)
	ref := kpi.CellRef{KPI: "reach", Segment: sheetPL, Period: mustPeriod(t, "2026-W10")}
	const writers, each = 6, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				for attempt := 0; attempt < 1000; attempt++ {
					var version int64
					if c, err := tr.Cell(context.Background(), "weekly", ref); err == nil {
						version = c.Version
					}
					_, err := tr.Enter(asMember("ola"), "weekly", ref, float64(w*100+i), version)
					if err == nil {
						break
					}
					if !errors.Is(err, cmkit.ErrConflict) && !errors.Is(err, cmkit.ErrInvalid) {
						t.Errorf("Enter: %v", err)
						return
					}
				}
			}
		}()
	}
	// Readers and recorders alongside.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 50 {
			if err := tr.Record(kpi.Reach, sheetPL, time.Date(2026, 3, 2, 10, i, 0, 0, time.UTC), 1); err != nil {
				t.Error(err)
			}
			if _, err := tr.Rows(context.Background(), "weekly"); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	c, err := tr.Cell(context.Background(), "weekly", ref)
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != writers*each || len(c.History) != writers*each-1 {
		t.Errorf("after %d entries the cell is at version %d with %d earlier values", writers*each, c.Version, len(c.History))
	}
}

func TestRowsSideBySide(t *testing.T) {
	tr, _ := sheetTracker(t)
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) // in 2026-W11
	for _, r := range []struct {
		m   kpi.Measure
		seg kpi.Segment
		v   float64
	}{
		{kpi.Reach, sheetES, 700}, {kpi.Reach, sheetES, 500},
		{kpi.Mentions, sheetES, 30}, {kpi.Mentions, kpi.Segment{Brand: "rival", Platform: "mastodon", Country: "ES"}, 10},
	} {
		if err := tr.Record(r.m, r.seg, at, r.v); err != nil {
			t.Fatal(err)
		}
	}
	ref := kpi.CellRef{KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W11")}
	if _, err := tr.Enter(asMember("ana"), "weekly", ref, 1150, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := tr.Rows(context.Background(), "weekly")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0].KPI != "reach" || rows[0].Segment != sheetES || rows[2].KPI != "sov" || len(rows[0].Cells) != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	c := rows[0].Cells[1]
	if c.Period.String() != "2026-W11" || c.Manual == nil || c.Manual.Value != 1150 || c.Manual.By != "ana" || c.Version != 1 ||
		c.Computed == nil || *c.Computed != 1200 || c.Target == nil || *c.Target != 1000 {
		t.Errorf("reach ES 2026-W11: %s", showCell(c))
	}
	if c := rows[0].Cells[0]; c.Manual != nil || c.Computed != nil || c.Target == nil {
		t.Errorf("reach ES 2026-W10 (nothing recorded): %s", showCell(c))
	}
	if c := rows[2].Cells[1]; c.Computed == nil || *c.Computed != 75 || c.Target != nil {
		t.Errorf("sov ES 2026-W11: %s, want computed 75 (30 of 40 mentions), no target", showCell(c))
	}
}

func showCell(c kpi.SheetCell) string {
	f := func(v *float64) string {
		if v == nil {
			return "none"
		}
		return fmt.Sprint(*v)
	}
	m := "none"
	if c.Manual != nil {
		m = fmt.Sprintf("%v by %s", c.Manual.Value, c.Manual.By)
	}
	return fmt.Sprintf("%s manual %s (v%d) computed %s target %s", c.Period, m, c.Version, f(c.Computed), f(c.Target))
}

func TestConcurrentDefine(t *testing.T) {
	tr, _ := sheetTracker(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = tr.Define(asMember("sam"), kpi.Definition{ID: "new", Name: fmt.Sprint("New ", i), Formula: "reach"})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, cmkit.ErrConflict):
			t.Errorf("a concurrent Define: %v, want nil or cmkit.ErrConflict", err)
		}
	}
	if ok == 0 {
		t.Error("no concurrent Define succeeded")
	}
}

// TestTrackerZone: periods are read in the WithZone time zone: Monday
// 00:30 in Warsaw is Sunday in UTC, so it counts in the next week only
// in Warsaw.
func TestTrackerZone(t *testing.T) {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err) // the tests embed time/tzdata
	}
	for _, tc := range []struct {
		loc  *time.Location
		week int // the cell of 2026-W10 (0) or 2026-W11 (1) that counts it
	}{{time.UTC, 0}, {warsaw, 1}} {
		tr, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(t)), kpi.WithZone(tc.loc),
			kpi.WithLogger(slog.New(slog.DiscardHandler)))
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Define(asMember("sam"), kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach"}); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.DefineSheet(asMember("sam"), kpi.Sheet{ID: "w", Title: "W", KPIs: []string{"reach"},
			Segments: []kpi.Segment{sheetPL}, From: mustPeriod(t, "2026-W10"), To: mustPeriod(t, "2026-W11")}); err != nil {
			t.Fatal(err)
		}
		// Monday 2026-03-09 00:30 in Warsaw is Sunday 23:30 UTC.
		if err := tr.Record(kpi.Reach, sheetPL, time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), 5); err != nil {
			t.Fatal(err)
		}
		rows, err := tr.Rows(context.Background(), "w")
		if err != nil {
			t.Fatal(err)
		}
		if c := rows[0].Cells[tc.week]; c.Computed == nil || *c.Computed != 5 {
			t.Errorf("in %s: %s, want computed 5", tc.loc, showCell(c))
		}
	}
	if _, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(t)), kpi.WithZone(nil)); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("WithZone(nil): %v, want cmkit.ErrInvalid", err)
	}
}

func TestDefineSheetVersions(t *testing.T) {
	tr, _ := sheetTracker(t)
	s, err := tr.Sheet(context.Background(), "weekly")
	if err != nil || s.Version != 1 || s.Kind() != kpi.PeriodWeek || len(s.Periods()) != 3 {
		t.Fatalf("Sheet: %+v, %v", s, err)
	}
	again := s
	again.Version = 0
	if _, err := tr.DefineSheet(asMember("sam"), again); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("redefining at version 0: %v, want cmkit.ErrConflict", err)
	}
	s.Title = "Weekly, 2026"
	got, err := tr.DefineSheet(asMember("sam"), s)
	if err != nil || got.Version != 2 || got.Title != s.Title {
		t.Errorf("redefining at version 1: %+v, %v; want version 2", got, err)
	}
	if _, err := tr.DefineSheet(asMember("sam"), s); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("redefining at a stale version: %v, want cmkit.ErrConflict", err)
	}
	if _, err := tr.Sheet(context.Background(), "nope"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Sheet of no sheet: %v, want cmkit.ErrNotFound", err)
	}
	if _, err := tr.Rows(context.Background(), "nope"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Rows of no sheet: %v, want cmkit.ErrNotFound", err)
	}
}

// What a Collector writes through the Tracker's Recorder is what the
// sheet computes from, and the posts land in the PostKeeper of WithPosts.
func TestTrackerRecorderFeedsTheSheet(t *testing.T) {
	posts := kpi.NewPostKeeper(0, 0)
	tr, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(t)), kpi.WithPosts(posts),
		kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Define(asMember("sam"), kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.DefineSheet(asMember("sam"), kpi.Sheet{ID: "w", Title: "W", KPIs: []string{"reach"},
		Segments: []kpi.Segment{sheetES}, From: mustPeriod(t, "2026-W10"), To: mustPeriod(t, "2026-W10")}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) // in 2026-W10
	var rec kpi.Recorder = tr.Recorder()
	seg := sheetES
	if err := rec.AddCount(seg, kpi.Reach, at, 700); err != nil {
		t.Fatal(err)
	}
	if err := rec.KeepPostInsights(kpi.TrackedPost{Channel: seg.Channel, PlatformID: "p1", PublishedAt: at, Segment: seg},
		cmkit.Insights{PlatformID: "p1", Reach: 700, Reactions: 30}); err != nil {
		t.Fatal(err)
	}
	rows, err := tr.Rows(context.Background(), "w")
	if err != nil {
		t.Fatal(err)
	}
	if c := rows[0].Cells[0]; c.Computed == nil || *c.Computed != 700 {
		t.Fatalf("computed reach = %v, want 700", c.Computed)
	}
	if posts.Len() != 1 {
		t.Fatalf("PostKeeper holds %d posts, want 1", posts.Len())
	}
	if tr.Location() != time.UTC {
		t.Fatalf("Location() = %v, want UTC", tr.Location())
	}
	if _, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(t)), kpi.WithPosts(nil)); !errors.Is(err, cmkit.ErrInvalid) {
		t.Fatalf("WithPosts(nil): %v, want ErrInvalid", err)
	}
}

package kpi_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/cmkit/cmkit/kpi"
	"github.com/cmkit/cmkit/roles"
)

// The social media manager defines the KPIs and a monthly sheet per
// platform; a community manager fills it in from a spreadsheet saved
// with Spanish settings (";" separator, UTF-8 with a BOM).
func Example_fillingTheSheetFromCSV() {
	ctx := context.Background()
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ana"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager},
			{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	tracker, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(team), kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}

	asSam := roles.WithActor(ctx, "sam")
	err = tracker.Define(asSam,
		kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach",
			Targets: []kpi.Target{{Period: kpi.PeriodMonth, Value: 50000}}},
		kpi.Definition{ID: "er", Name: "Engagement rate", Formula: "engagement_rate_reach",
			Targets: []kpi.Target{{Value: 3}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	from, _ := kpi.ParsePeriod("2026-01")
	to, _ := kpi.ParsePeriod("2026-03")
	instagram := kpi.Segment{Brand: "acme", Platform: "instagram", Country: "ES"}
	_, err = tracker.DefineSheet(asSam, kpi.Sheet{ID: "es-2026-q1", Title: "Acme España, Q1",
		KPIs: []string{"reach", "er"}, Segments: []kpi.Segment{instagram}, From: from, To: to})
	if err != nil {
		fmt.Println(err)
		return
	}

	file := "\ufeffkpi;brand;platform;channel;country;campaign;value;2026-01;2026-02;2026-03\r\n" +
		"reach;acme;instagram;;ES;;manual;48200;51030;\r\n" +
		"er;acme;instagram;;ES;;manual;3.1;2.85;\r\n"
	n, err := tracker.ImportCSV(roles.WithActor(ctx, "ana"), "es-2026-q1", strings.NewReader(file), kpi.SheetCSVOptions{})
	fmt.Println("cells entered:", n, err)

	rows, err := tracker.Rows(ctx, "es-2026-q1")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows {
		for _, c := range r.Cells {
			manual, target := "-", "-"
			if c.Manual != nil {
				manual = fmt.Sprintf("%v by %s", c.Manual.Value, c.Manual.By)
			}
			if c.Target != nil {
				target = fmt.Sprint(*c.Target)
			}
			fmt.Printf("%-5s %s %s: %s (target %s)\n", r.KPI, r.Segment.Platform, c.Period, manual, target)
		}
	}
	// Output:
	// cells entered: 4 <nil>
	// reach instagram 2026-01: 48200 by ana (target 50000)
	// reach instagram 2026-02: 51030 by ana (target 50000)
	// reach instagram 2026-03: - (target 50000)
	// er    instagram 2026-01: 3.1 by ana (target 3)
	// er    instagram 2026-02: 2.85 by ana (target 3)
	// er    instagram 2026-03: - (target 3)
}

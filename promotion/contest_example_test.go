package promotion_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit/promotion"
)

// A photo contest judged by a jury of two on two criteria, creativity
// counting twice as much as fit with the brand. Two entries tie on the
// weighted score; the one with more points on creativity, the first
// criterion, ranks higher.
func ExampleJuryContest_Rank() {
	at := func(hhmm string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04", "2026-05-04 "+hhmm)
		return t
	}
	contest := promotion.JuryContest{
		Criteria:  []promotion.Criterion{{Name: "creativity", Weight: 2}, {Name: "brand fit", Weight: 1}},
		Jurors:    []string{"marta", "tomasz"},
		MaxPoints: 10,
		Contestants: []promotion.Contestant{
			{Entry: "instagram:ana.garcia", EnteredAt: at("09:12")},
			{Entry: "x:jkowalski", EnteredAt: at("10:40")},
			{Entry: "tiktok:zofia_k", EnteredAt: at("11:05")},
		},
	}
	score := func(juror, entry string, creativity, fit int) {
		contest.Scores = append(contest.Scores,
			promotion.JuryScore{Juror: juror, Entry: entry, Criterion: "creativity", Points: creativity},
			promotion.JuryScore{Juror: juror, Entry: entry, Criterion: "brand fit", Points: fit})
	}
	score("marta", "instagram:ana.garcia", 7, 9)
	score("tomasz", "instagram:ana.garcia", 8, 8) // 2×15 + 17 = 47
	score("marta", "x:jkowalski", 9, 6)
	score("tomasz", "x:jkowalski", 8, 7) // 2×17 + 13 = 47, more creativity
	score("marta", "tiktok:zofia_k", 6, 5)
	score("tomasz", "tiktok:zofia_k", 5, 8) // 2×11 + 13 = 35

	standings, err := contest.Rank()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range standings {
		fmt.Printf("%d. %-21s score %d, by criterion %v, average %.2f/10\n", s.Place, s.Entry, s.Score, s.Criteria, s.Average)
	}

	// A missing score stops the ranking and says whose.
	contest.Scores = contest.Scores[:len(contest.Scores)-1]
	_, err = contest.Rank()
	fmt.Println(err)
	// Output:
	// 1. x:jkowalski           score 47, by criterion [17 13], average 7.83/10
	// 2. instagram:ana.garcia  score 47, by criterion [15 17], average 7.83/10
	// 3. tiktok:zofia_k        score 35, by criterion [11 13], average 5.83/10
	// cmkit: invalid scores: missing: juror "tomasz" has not scored entry "tiktok:zofia_k" on "brand fit"
}

// A vote among three entries: one vote per account, and the votes of an
// account the caller's fraud signals flag are left out, with the reason.
func ExampleVoteContest_Count() {
	at := func(minute int) time.Time { return time.Date(2026, 5, 10, 12, minute, 0, 0, time.UTC) }
	contest := promotion.VoteContest{
		Contestants: []promotion.Contestant{
			{Entry: "recipe:paella", EnteredAt: at(0)},
			{Entry: "recipe:pierogi", EnteredAt: at(1)},
			{Entry: "recipe:gazpacho", EnteredAt: at(2)},
		},
		Votes: []promotion.Vote{
			{Account: "x:lola", Entry: "recipe:paella", At: at(10)},
			{Account: "x:kasia", Entry: "recipe:pierogi", At: at(11)},
			{Account: "x:lola", Entry: "recipe:gazpacho", At: at(12)},
			{Account: "x:new_acc_8812", Entry: "recipe:pierogi", At: at(13)},
			{Account: "x:piotr", Entry: "recipe:paella", At: at(14)},
		},
	}
	// The product's fraud signals: here, accounts created that day.
	createdToday := map[string]bool{"x:new_acc_8812": true}
	flagged := func(account string) (string, bool) {
		return "account created on the day of the vote", createdToday[account]
	}
	count, err := contest.Count(flagged)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range count.Standings {
		fmt.Printf("%d. %s: %d\n", s.Place, s.Entry, s.Score)
	}
	for _, x := range count.Excluded {
		fmt.Printf("not counted: %s for %s: %s (%s)\n", x.Vote.Account, x.Vote.Entry, x.Why, x.Detail)
	}
	// Output:
	// 1. recipe:paella: 2
	// 2. recipe:pierogi: 1
	// 3. recipe:gazpacho: 0
	// not counted: x:lola for recipe:gazpacho: repeated (the vote for "recipe:paella" at 2026-05-10T12:10:00Z counts)
	// not counted: x:new_acc_8812 for recipe:pierogi: flagged (account created on the day of the vote)
}

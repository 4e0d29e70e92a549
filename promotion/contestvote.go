package promotion

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Vote is one recorded vote: an account voted for an entry at a time.
type Vote struct {
	// Account is the voter's account, as the platform identifies it.
	Account string `json:"account"`
	// Entry is the key of the entry voted for.
	Entry string `json:"entry"`
	// At is when the vote was cast; an account's earliest vote counts.
	At time.Time `json:"at"`
}

// VoteExclusion says why a vote was not counted.
type VoteExclusion string

// Why a vote is not counted, checked in this order.
const (
	// VoteNoAccount: the vote names no account.
	VoteNoAccount VoteExclusion = "no_account"
	// VoteUnknownEntry: the vote is for an entry the contest does not
	// have.
	VoteUnknownEntry VoteExclusion = "unknown_entry"
	// VoteFlagged: the caller's fraud signals flagged the account (a
	// brand-new account, near-duplicate texts, ...); Detail says why.
	VoteFlagged VoteExclusion = "flagged"
	// VoteRepeated: the account's vote was already counted (one vote per
	// account); Detail names the counted vote's entry.
	VoteRepeated VoteExclusion = "repeated"
)

// ExcludedVote is a vote that was not counted, and why.
type ExcludedVote struct {
	// Vote is the vote as recorded.
	Vote Vote `json:"vote"`
	// Why is the first reason that applied.
	Why VoteExclusion `json:"why"`
	// Detail is the fraud signal's reason for VoteFlagged, and names the
	// vote that counts for VoteRepeated; empty otherwise.
	Detail string `json:"detail,omitempty"`
}

// VoteCount is a vote's outcome: the ranking and every vote not counted.
type VoteCount struct {
	// Standings rank every contestant, those without votes included.
	Standings []Standing `json:"standings"`
	// Counted is the number of votes counted.
	Counted int `json:"counted"`
	// Excluded are the votes not counted, in the order of the record's
	// Votes.
	Excluded []ExcludedVote `json:"excluded,omitempty"`
}

// VoteContest is the record of a contest decided by votes: the entries and
// every vote cast. Count is a pure function of it and of the fraud
// signals, so the same record gives the same result.
type VoteContest struct {
	// Contestants are the entries voted on.
	Contestants []Contestant `json:"contestants"`
	// Votes are every vote cast, in the order they arrived.
	Votes []Vote `json:"votes"`
}

// Count counts one vote per account. A vote is excluded, with the first
// reason that applies (see VoteExclusion), when it names no account, is
// for an unknown entry, comes from an account that flagged reports as
// fraudulent (flagged is called once per account and may be nil), or is
// not the account's first vote: the earliest remaining vote counts, and
// between two at the same instant, the one for the entry whose key sorts
// first. The order of Votes does not change the standings.
//
// Entries rank by counted votes, then earlier EnteredAt, then key
// (bytewise). A missing or repeated entry key or a missing entry time is
// an error wrapping cmkit.ErrInvalid.
func (c VoteContest) Count(flagged func(account string) (reason string, ok bool)) (VoteCount, error) {
	entries, err := checkContestants(c.Contestants)
	if err != nil {
		return VoteCount{}, err
	}
	why := make([]VoteExclusion, len(c.Votes))
	detail := make([]string, len(c.Votes))
	flags := map[string]string{}
	checked := map[string]bool{}
	var candidates []int // votes that may count, by index
	for i, v := range c.Votes {
		switch _, known := entries[v.Entry]; {
		case v.Account == "":
			why[i] = VoteNoAccount
		case !known:
			why[i] = VoteUnknownEntry
		default:
			if !checked[v.Account] {
				checked[v.Account] = true
				if flagged != nil {
					if reason, ok := flagged(v.Account); ok {
						flags[v.Account] = reason
					}
				}
			}
			if reason, ok := flags[v.Account]; ok {
				why[i], detail[i] = VoteFlagged, reason
			} else {
				candidates = append(candidates, i)
			}
		}
	}
	// The account's first vote: by time, then entry key.
	slices.SortStableFunc(candidates, func(a, b int) int {
		va, vb := c.Votes[a], c.Votes[b]
		return cmp.Or(cmp.Compare(va.Account, vb.Account), va.At.Compare(vb.At), cmp.Compare(va.Entry, vb.Entry))
	})
	votes := make([]int64, len(c.Contestants))
	var out VoteCount
	counted := -1 // the vote that counts for the current account
	for _, i := range candidates {
		v := c.Votes[i]
		if counted >= 0 && c.Votes[counted].Account == v.Account {
			first := c.Votes[counted]
			why[i] = VoteRepeated
			detail[i] = fmt.Sprintf("the vote for %q at %s counts", first.Entry, first.At.Format(time.RFC3339Nano))
			continue
		}
		counted = i
		votes[entries[v.Entry]]++
		out.Counted++
	}
	for i, w := range why {
		if w != "" {
			out.Excluded = append(out.Excluded, ExcludedVote{Vote: c.Votes[i], Why: w, Detail: detail[i]})
		}
	}
	out.Standings = make([]Standing, len(c.Contestants))
	for e, ct := range c.Contestants {
		out.Standings[e] = Standing{Entry: ct.Entry, EnteredAt: ct.EnteredAt, Score: votes[e]}
	}
	slices.SortFunc(out.Standings, func(a, b Standing) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), earlierEntry(a, b))
	})
	for i := range out.Standings {
		out.Standings[i].Place = i + 1
	}
	return out, nil
}

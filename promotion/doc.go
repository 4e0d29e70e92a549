// Package promotion runs contests and giveaways that anyone can verify
// were fair: a giveaway's winners come from a commit–reveal draw over a
// frozen, hashed entry list (Commit, FreezeEntries, Draw, Verify), and a
// contest's ranking is a pure function of the recorded jury scores or votes
// (JuryContest.Rank, VoteContest.Count).
package promotion

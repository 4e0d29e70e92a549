package promotion

import (
	"crypto/sha256"
	"strconv"
)

// DecisionsDigest is the SHA-256 of the decisions on subs, as the audit
// record of the AddEntries call that stored them quotes it ("decisions
// sha256 …"), so that the hash-chained audit log vouches for every
// entry's acceptance or rejection, not only for their counts. Each
// submission adds one line, "<seq>\t<key>\t<outcome>\n", where outcome is
// "accepted" or the rejection's Reason; the digest is over the lines in
// the order given. To check a stored promotion, read its submissions in
// order (Store.Submissions), cut them at the ranges the audit records
// name ("submissions 9-16"), and compare each range's digest with its
// record.
func DecisionsDigest(subs []StoredSubmission) Digest {
	h := sha256.New()
	var line []byte
	for i := range subs {
		s := &subs[i]
		line = strconv.AppendInt(line[:0], int64(s.Seq), 10)
		line = append(line, '\t')
		line = append(line, s.Submission.Key()...)
		line = append(line, '\t')
		if s.Submission.Accepted {
			line = append(line, "accepted"...)
		} else {
			line = append(line, s.Submission.Reason...)
		}
		line = append(line, '\n')
		h.Write(line)
	}
	var d Digest
	h.Sum(d[:0])
	return d
}

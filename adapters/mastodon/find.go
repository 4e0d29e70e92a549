package mastodon

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// ClockSkew is how much earlier than the channel's clock said a status's
// created_at may be (the server's clock may run behind): FindPost reads the
// account's statuses back to the post's first send minus ClockSkew.
const ClockSkew = 5 * time.Minute

// pageSize is the largest page of GET /api/v1/accounts/:id/statuses
// (docs.joinmastodon.org/methods/accounts/#statuses: limit, max 40).
const pageSize = 40

// FindPost tells whether the post id, sent earlier by this channel, is on
// the account, and returns its receipt.
//
// Mastodon keeps no trace of a cmkit post ID that a client can read: the
// Idempotency-Key is neither returned nor queryable, and expires after an
// hour. So FindPost recognises the post by what was sent, from the
// Journal:
//
//  1. A post the Journal does not know was never sent by this channel (or
//     before a restart with a fresh MemoryJournal): ErrNotFound.
//  2. A post whose status is known (Publish got an answer, or an earlier
//     FindPost claimed one) is confirmed with GET /api/v1/statuses/:id; a
//     status deleted since gives an error wrapping cmkit.ErrConflict, which
//     is not ErrNotFound, so that nothing republishes what a person deleted.
//  3. Otherwise FindPost reads the account's own statuses
//     (GET /api/v1/accounts/:id/statuses): those newer than the newest
//     status the channel had seen when it first sent the post
//     (Record.After, with min_id), or, when it had seen none, newest first
//     back to the first send minus ClockSkew (following the Link header),
//     and takes the oldest
//     one with the same spoiler_text, visibility, in_reply_to_id, number of
//     attachments and exact source text (GET /api/v1/statuses/:id/source;
//     statuses whose rendered content already differs are skipped without
//     that call) that no other post of the Journal has claimed. It claims
//     it in the Journal, so two posts never share one status.
//  4. Nothing matches: ErrNotFound.
//
// Limits: two posts with the same text, content warning, visibility, reply
// target and attachment count, sent within a lookup of each other, are
// interchangeable: each gets one of the matching statuses, and no status
// is counted twice. A post edited on the server after it was sent no
// longer matches. Reading more than Config.LookupLimit statuses without
// reaching the first send gives an error that is not ErrNotFound (the
// publisher then asks a person), never a guess.
func (ch *Channel) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	rec, err := ch.journal.Get(ctx, id)
	if err != nil {
		if errors.Is(err, cmkit.ErrNotFound) {
			return cmkit.Receipt{}, err
		}
		return cmkit.Receipt{}, fmt.Errorf("%w: mastodon: journal: %w", cmkit.ErrAmbiguous, err)
	}
	if rec.PlatformID != "" {
		var st status
		_, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v1/statuses/" + url.PathEscape(rec.PlatformID)}, &st)
		if isNotFound(err) {
			return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrNotFound, "mastodon: post %s was published as status %s, which has been deleted", id, rec.PlatformID)
		}
		if err != nil {
			return cmkit.Receipt{}, fmt.Errorf("mastodon: finding post %s: %w", id, err)
		}
		return ch.receipt(id, st), nil
	}
	st, err := ch.scan(ctx, rec)
	if err != nil {
		return cmkit.Receipt{}, fmt.Errorf("mastodon: finding post %s: %w", id, err)
	}
	return ch.receipt(id, st), nil
}

// scan looks for rec among the account's own statuses; see FindPost.
func (ch *Channel) scan(ctx context.Context, rec Record) (status, error) {
	acct, err := ch.accountID(ctx)
	if err != nil {
		return status{}, err
	}
	path := "/api/v1/accounts/" + url.PathEscape(acct) + "/statuses"
	if rec.After != "" {
		return ch.scanForward(ctx, path, rec)
	}
	since := rec.FirstSent.Add(-ClockSkew)
	var matches []status // newest first
	maxID, read := "", 0
	for {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}, "exclude_reblogs": {"true"}}
		if maxID != "" {
			q.Set("max_id", maxID)
		}
		var page []status
		ans, err := ch.do(ctx, call{method: http.MethodGet, path: path, query: q}, &page)
		if err != nil {
			return status{}, err
		}
		done := len(page) == 0
		for _, st := range page {
			if st.CreatedAt.Before(since) {
				done = true
				break
			}
			if candidate(st, rec) {
				matches = append(matches, st)
			}
		}
		read += len(page)
		if done {
			break
		}
		if maxID = nextMaxID(ans.link); maxID == "" {
			break
		}
		if read >= ch.lookupLimit {
			return status{}, tooMany(read)
		}
	}
	slices.Reverse(matches) // oldest first
	for _, st := range matches {
		if ok, err := ch.confirm(ctx, st, rec); ok || err != nil {
			return st, err
		}
	}
	return status{}, notFound(rec)
}

// scanForward reads the statuses newer than rec.After, oldest first, with
// min_id pagination, and stops at the first that is the post.
func (ch *Channel) scanForward(ctx context.Context, path string, rec Record) (status, error) {
	minID, read := rec.After, 0
	for {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}, "exclude_reblogs": {"true"}, "min_id": {minID}}
		var page []status
		if _, err := ch.do(ctx, call{method: http.MethodGet, path: path, query: q}, &page); err != nil {
			return status{}, err
		}
		if len(page) == 0 {
			return status{}, notFound(rec)
		}
		// min_id answers the page just after it, newest first.
		slices.SortFunc(page, func(a, b status) int { return compareIDs(a.ID, b.ID) })
		for _, st := range page {
			if !candidate(st, rec) {
				continue
			}
			if ok, err := ch.confirm(ctx, st, rec); ok || err != nil {
				return st, err
			}
		}
		if next := page[len(page)-1].ID; compareIDs(next, minID) > 0 {
			minID = next
		} else {
			return status{}, notFound(rec) // a server that ignores min_id
		}
		if read += len(page); read >= ch.lookupLimit {
			return status{}, tooMany(read)
		}
	}
}

// candidate reports whether st may be the post rec describes, from what
// the list of statuses shows.
func candidate(st status, rec Record) bool {
	return st.SpoilerText == rec.ContentWarning && st.Visibility == rec.Visibility &&
		st.InReplyToID == rec.InReplyTo && len(st.MediaAttachments) == rec.Media && maybeText(st.Content, rec.Text)
}

// confirm reads st's source text and, when it is rec's, claims st for
// rec's post; it reports whether the claim holds.
func (ch *Channel) confirm(ctx context.Context, st status, rec Record) (bool, error) {
	var src struct {
		Text string `json:"text"`
	}
	_, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v1/statuses/" + url.PathEscape(st.ID) + "/source"}, &src)
	if isNotFound(err) {
		return false, nil // deleted meanwhile
	}
	if err != nil || src.Text != rec.Text {
		return false, err
	}
	owner, err := ch.journal.Claim(ctx, rec.PostID, st.ID)
	if err != nil {
		return false, fmt.Errorf("%w: journal: %w", cmkit.ErrAmbiguous, err)
	}
	return owner == rec.PostID, nil
}

func notFound(rec Record) error {
	return cmkit.Errorf(cmkit.ErrNotFound, "mastodon: no status of the account matches post %s", rec.PostID)
}

func tooMany(read int) error {
	return cmkit.Errorf(cmkit.ErrAmbiguous, "mastodon: read %d statuses without reaching the post's first send; cannot tell", read)
}

var (
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reBreak = regexp.MustCompile(`(?i)<br\s*/?>|</p>\s*<p>`)
	reSpace = regexp.MustCompile(`\s+`)
)

// plainText turns a status's HTML content into text: line breaks for
// <br /> and paragraph breaks, tags removed, entities decoded.
func plainText(content string) string {
	s := reBreak.ReplaceAllString(content, "\n")
	return html.UnescapeString(reTag.ReplaceAllString(s, ""))
}

// maybeText reports whether content, a status's rendered HTML, can be text.
// Without links or mentions Mastodon's formatter only escapes the text and
// marks line breaks, so the two must agree but for white space; with an
// anchor (a mention shows "@user" for "@user@domain", a link may be
// shortened) it cannot tell, and says yes, leaving the source to decide.
func maybeText(content, text string) bool {
	if strings.Contains(content, "<a ") {
		return true
	}
	return reSpace.ReplaceAllString(plainText(content), "") == reSpace.ReplaceAllString(text, "")
}

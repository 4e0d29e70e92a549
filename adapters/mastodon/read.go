package mastodon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cmkit/cmkit"
)

// The page sizes of the lists the channel reads: notifications take up to
// 80 (docs.joinmastodon.org/methods/notifications/#get), search results
// up to 40 (docs.joinmastodon.org/methods/search/#v2).
const (
	notificationPage = 80
	searchPage       = 40
)

// ReadMentions returns up to limit statuses that mention the account
// (notifications of type "mention": replies to its posts, mentions
// elsewhere and direct messages), oldest first, after the cursor after.
//
// The cursor is the ID of the last notification read, passed as min_id to
// GET /api/v1/notifications, which answers the page immediately newer than
// it (newest first; the channel reverses it). The zero Cursor reads from
// the oldest notification the server keeps. Mention.ID is the status's ID,
// which Reply, SetHidden and Insights take. Kind is KindDirectMessage for
// a direct status, KindComment for a reply to one of the account's
// statuses, and KindMention otherwise. Edits are not delivered again:
// Mastodon notifies edits ("update") only of statuses the account boosted.
func (ch *Channel) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	if limit <= 0 || limit > notificationPage {
		limit = notificationPage
	}
	acct, err := ch.accountID(ctx)
	if err != nil {
		return cmkit.MentionPage{}, fmt.Errorf("mastodon: reading mentions: %w", err)
	}
	q := url.Values{"types[]": {"mention"}, "limit": {strconv.Itoa(limit)}}
	if after != "" {
		if !numeric(string(after)) {
			return cmkit.MentionPage{}, cmkit.Invalid("cursor", "format", "not a cursor of this channel")
		}
		q.Set("min_id", string(after))
	} else {
		q.Set("min_id", "0")
	}
	var notes []struct {
		ID     string  `json:"id"`
		Type   string  `json:"type"`
		Status *status `json:"status"`
	}
	if _, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v1/notifications", query: q}, &notes); err != nil {
		return cmkit.MentionPage{}, fmt.Errorf("mastodon: reading mentions: %w", err)
	}
	slices.Reverse(notes)
	page := cmkit.MentionPage{Mentions: []cmkit.Mention{}, Next: after}
	for _, n := range notes {
		page.Next = cmkit.Cursor(n.ID)
		if n.Type != "mention" || n.Status == nil {
			continue
		}
		page.Mentions = append(page.Mentions, ch.mention(*n.Status, acct))
	}
	return page, nil
}

// Search returns up to limit public statuses holding every word of query
// (GET /api/v2/search, type statuses), oldest first, newer than the cursor
// after, which is the ID of the last status returned, sent as min_id.
//
// A server searches full text only when its operator enabled Elasticsearch
// or OpenSearch, and then only among statuses that opted in to search;
// otherwise it finds hashtags and nothing else. The channel sorts each
// page by ID; a server that ranks results by relevance rather than by ID
// may leave out, in one page, some of the statuses after the cursor.
func (ch *Channel) Search(ctx context.Context, query string, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	if strings.TrimSpace(query) == "" {
		return cmkit.MentionPage{}, cmkit.Invalid("query", "required", "search needs a word")
	}
	if limit <= 0 || limit > searchPage {
		limit = searchPage
	}
	q := url.Values{"q": {query}, "type": {"statuses"}, "limit": {strconv.Itoa(limit)}, "resolve": {"false"}}
	if after != "" {
		if !numeric(string(after)) {
			return cmkit.MentionPage{}, cmkit.Invalid("cursor", "format", "not a cursor of this channel")
		}
		q.Set("min_id", string(after))
	} else {
		q.Set("min_id", "0")
	}
	var res struct {
		Statuses []status `json:"statuses"`
	}
	if _, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v2/search", query: q}, &res); err != nil {
		return cmkit.MentionPage{}, fmt.Errorf("mastodon: searching: %w", err)
	}
	slices.SortFunc(res.Statuses, func(a, b status) int { return compareIDs(a.ID, b.ID) })
	page := cmkit.MentionPage{Mentions: []cmkit.Mention{}, Next: after}
	for _, st := range res.Statuses {
		if after != "" && compareIDs(st.ID, string(after)) <= 0 {
			continue
		}
		m := ch.mention(st, "")
		m.Kind = cmkit.KindMention
		page.Mentions = append(page.Mentions, m)
		page.Next = cmkit.Cursor(st.ID)
	}
	return page, nil
}

// mention turns a status into a Mention; own is the account's ID.
func (ch *Channel) mention(st status, own string) cmkit.Mention {
	kind := cmkit.KindMention
	switch {
	case st.Visibility == "direct":
		kind = cmkit.KindDirectMessage
	case st.InReplyToID != "" && st.InReplyToAccountID == own:
		kind = cmkit.KindComment
	}
	return cmkit.Mention{ID: st.ID, ChannelID: ch.info.ID, Kind: kind,
		Author: cmkit.Author{ID: st.Account.ID, Handle: st.Account.Acct, DisplayName: st.Account.DisplayName,
			Followers: st.Account.FollowersCount, CreatedAt: st.Account.CreatedAt},
		Text: strings.TrimSpace(plainText(st.Content)), Language: st.Language, URL: st.URL, InReplyTo: st.InReplyToID,
		Reactions: st.FavouritesCount + st.ReblogsCount, CreatedAt: st.CreatedAt, EditedAt: st.EditedAt}
}

func numeric(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareIDs orders Mastodon IDs, decimal strings of snowflake numbers:
// the shorter is smaller, and equal lengths compare as text.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

package bluesky

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// notificationPage is the largest page listNotifications serves
// ("maximum": 100 in lexicons/app/bsky/notification/listNotifications.json).
const notificationPage = 100

// notification is app.bsky.notification.listNotifications#notification.
type notification struct {
	URI    string `json:"uri"`
	CID    string `json:"cid"`
	Author struct {
		DID         string `json:"did"`
		Handle      string `json:"handle"`
		DisplayName string `json:"displayName"`
	} `json:"author"`
	Reason    string     `json:"reason"`
	Record    postRecord `json:"record"`
	IndexedAt string     `json:"indexedAt"`
}

// position is where a notification sits in the stream cmkit reads: by
// indexedAt, then URI.
type position struct {
	at  time.Time
	uri string
}

func (p position) after(q position) bool {
	if c := p.at.Compare(q.at); c != 0 {
		return c > 0
	}
	return p.uri > q.uri
}

// cursor encodes p as a cmkit.Cursor: indexedAt in RFC 3339 with
// nanoseconds, a space, the URI.
func (p position) cursor() cmkit.Cursor {
	return cmkit.Cursor(p.at.UTC().Format(time.RFC3339Nano) + " " + p.uri)
}

func parseCursor(c cmkit.Cursor) (position, bool) {
	at, uri, ok := strings.Cut(string(c), " ")
	if !ok {
		return position{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil || !strings.HasPrefix(uri, "at://") {
		return position{}, false
	}
	return position{t, uri}, true
}

// ReadMentions returns the mentions, replies and quotes of the account
// (app.bsky.notification.listNotifications with reasons mention, reply
// and quote) that arrived after the position after, oldest first, at most
// limit of them (limit <= 0 means 100).
//
// listNotifications serves the newest first and pages backwards with its
// own cursor; ReadMentions pages back until it reaches after (or the
// oldest notification the AppView keeps) and returns the oldest new ones.
// Its cursor holds the last delivered notification's indexedAt and URI,
// so it may be stored and resumes without gaps or duplicates. Bluesky
// posts are not edited, so no mention is delivered twice. A reply straight
// to one of the account's posts is cmkit.KindComment, a reply further down
// a thread cmkit.KindReply, a mention or a quote cmkit.KindMention.
func (c *Channel) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	if limit <= 0 {
		limit = notificationPage
	}
	var from position
	if after != "" {
		var ok bool
		if from, ok = parseCursor(after); !ok {
			return cmkit.MentionPage{}, cmkit.Invalid("cursor", "format", "not a Bluesky mention cursor")
		}
	}
	var fresh []notification
	var pos []position
	q := url.Values{"limit": {strconv.Itoa(notificationPage)}, "reasons": {"mention", "reply", "quote"}}
	for {
		var out struct {
			Cursor        string         `json:"cursor"`
			Notifications []notification `json:"notifications"`
		}
		if err := c.client.call(ctx, "app.bsky.notification.listNotifications", q, nil, &out, true); err != nil {
			return cmkit.MentionPage{}, err
		}
		reached := false
		for _, n := range out.Notifications {
			if n.Reason != "mention" && n.Reason != "reply" && n.Reason != "quote" {
				continue
			}
			at, err := time.Parse(time.RFC3339Nano, n.IndexedAt)
			if err != nil {
				continue
			}
			p := position{at, n.URI}
			if after != "" && !p.after(from) {
				reached = true
				continue
			}
			fresh, pos = append(fresh, n), append(pos, p)
		}
		if reached || out.Cursor == "" || len(out.Notifications) == 0 || out.Cursor == q.Get("cursor") {
			break
		}
		q.Set("cursor", out.Cursor)
	}
	idx := make([]int, len(fresh))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if pos[a].after(pos[b]) {
			return 1
		}
		if pos[b].after(pos[a]) {
			return -1
		}
		return 0
	})
	idx = slices.CompactFunc(idx, func(a, b int) bool { return pos[a] == pos[b] })
	if len(idx) > limit {
		idx = idx[:limit]
	}
	page := cmkit.MentionPage{Mentions: make([]cmkit.Mention, 0, len(idx)), Next: after}
	for _, i := range idx {
		page.Mentions = append(page.Mentions, c.mention(fresh[i], pos[i].at))
		page.Next = pos[i].cursor()
	}
	return page, nil
}

// mention turns a notification into a cmkit.Mention.
func (c *Channel) mention(n notification, indexedAt time.Time) cmkit.Mention {
	m := cmkit.Mention{ID: n.URI, ChannelID: c.info.ID, Kind: cmkit.KindMention, Text: n.Record.Text,
		Author:    cmkit.Author{ID: n.Author.DID, Handle: n.Author.Handle, DisplayName: n.Author.DisplayName},
		CreatedAt: indexedAt.UTC(), ThreadID: n.URI}
	if t, err := time.Parse(time.RFC3339Nano, n.Record.CreatedAt); err == nil {
		m.CreatedAt = t.UTC()
	}
	if len(n.Record.Langs) > 0 {
		m.Language = n.Record.Langs[0]
	}
	if u, ok := parseURI(n.URI); ok {
		handle := n.Author.Handle
		if handle == "" {
			handle = u.repo
		}
		m.URL = "https://bsky.app/profile/" + handle + "/post/" + u.rkey
	}
	if r := n.Record.Reply; r != nil {
		m.InReplyTo, m.ThreadID = r.Parent.URI, r.Root.URI
	}
	if n.Reason == "reply" {
		m.Kind = cmkit.KindReply
		if m.InReplyTo == m.ThreadID {
			m.Kind = cmkit.KindComment
		}
	}
	return m
}

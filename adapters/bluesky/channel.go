package bluesky

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// defaultTimeout bounds one HTTP request when Config.HTTPClient is nil.
const defaultTimeout = 30 * time.Second

// postCollection is the collection of Bluesky posts.
const postCollection = "app.bsky.feed.post"

// Channel is one Bluesky account as a cmkit.Channel. It publishes posts
// idempotently on their cmkit ID (see RecordKey) and implements PostFinder,
// ThreadPublisher, Replier, MentionReader, Deleter, InsightsFetcher and
// FollowerCounter. It is safe for concurrent use. Make one with New.
type Channel struct {
	info   cmkit.ChannelInfo
	client *client
	limits cmkit.Limits
}

var (
	_ cmkit.Channel         = (*Channel)(nil)
	_ cmkit.PostFinder      = (*Channel)(nil)
	_ cmkit.ThreadPublisher = (*Channel)(nil)
	_ cmkit.Replier         = (*Channel)(nil)
	_ cmkit.MentionReader   = (*Channel)(nil)
	_ cmkit.Deleter         = (*Channel)(nil)
	_ cmkit.InsightsFetcher = (*Channel)(nil)
	_ cmkit.FollowerCounter = (*Channel)(nil)
)

// New returns the channel cfg describes. It checks cfg (a
// *cmkit.ValidationError names the field) but does not call the PDS: the
// channel logs in on its first call.
func New(cfg Config) (*Channel, error) {
	cfg, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	limits, _ := cmkit.PlatformLimits(cmkit.Bluesky)
	return &Channel{
		info: cmkit.ChannelInfo{ID: cfg.ID, Platform: cmkit.Bluesky, Handle: "@" + cfg.Handle, Brand: cfg.Brand,
			Country: cfg.Country, Product: cfg.Product, Languages: cfg.Languages, Limits: limits,
			RetrySafety: cmkit.RetryIdempotent},
		client: newClient(cfg.PDS, cfg.HTTPClient, cfg.Handle, cfg.AppPassword, cfg.Clock, cfg.Logger),
		limits: limits,
	}, nil
}

// Info describes the channel: Bluesky's limits (300 graphemes, 3000
// bytes) and RetryIdempotent. It returns a copy.
func (c *Channel) Info() cmkit.ChannelInfo {
	info := c.info
	info.Languages = slices.Clone(info.Languages)
	return info
}

// postRecord is an app.bsky.feed.post record
// (bluesky-social/atproto lexicons/app/bsky/feed/post.json).
type postRecord struct {
	Type      string     `json:"$type"`
	Text      string     `json:"text"`
	CreatedAt string     `json:"createdAt"`
	Langs     []string   `json:"langs,omitempty"`
	Facets    []facet    `json:"facets,omitempty"`
	Reply     *replyRef  `json:"reply,omitempty"`
	Labels    *selfLabel `json:"labels,omitempty"`
}

// createInput is the input of com.atproto.repo.createRecord for a post.
type createInput struct {
	Repo       string     `json:"repo"`
	Collection string     `json:"collection"`
	Rkey       string     `json:"rkey"`
	Record     postRecord `json:"record"`
}

// replyRef is app.bsky.feed.post#replyRef: the thread's first post and the
// post answered.
type replyRef struct {
	Root   strongRef `json:"root"`
	Parent strongRef `json:"parent"`
}

// strongRef is com.atproto.repo.strongRef: a record's URI and CID.
type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// selfLabel is com.atproto.label.defs#selfLabels, for Post.Sensitive.
type selfLabel struct {
	Type   string         `json:"$type"`
	Values []selfLabelVal `json:"values"`
}

type selfLabelVal struct {
	Val string `json:"val"`
}

// recordOut is what getRecord answers.
type recordOut struct {
	URI   string     `json:"uri"`
	CID   string     `json:"cid"`
	Value postRecord `json:"value"`
}

// Publish publishes post as an app.bsky.feed.post record under the key
// RecordKey(post.ID), with facets for its links, mentions and hashtags,
// its language and, when post.InReplyTo names a post's at:// URI, the
// reply references. The post is checked against Bluesky's limits (300
// graphemes, with cmkit's counting) before any call.
//
// Publish is idempotent on post.ID: the PDS refuses a second record under
// one key, and Publish then reads the record there (getRecord) and, when
// it holds this post's text, returns its receipt. When the record holds
// another text, the error wraps cmkit.ErrConflict.
func (c *Channel) Publish(ctx context.Context, post cmkit.Post) (cmkit.Receipt, error) {
	return c.publish(ctx, post, post.InReplyTo)
}

// PublishReply publishes post as an answer to parent, one of the
// account's own posts, continuing a thread. It is Publish with parent's
// PlatformID as the post answered.
func (c *Channel) PublishReply(ctx context.Context, parent cmkit.Receipt, post cmkit.Post) (cmkit.Receipt, error) {
	return c.publish(ctx, post, parent.PlatformID)
}

// Reply publishes post as an answer to the mention with the at:// URI
// mentionID, in the mention's thread. It is idempotent like Publish.
func (c *Channel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	return c.publish(ctx, post, mentionID)
}

func (c *Channel) publish(ctx context.Context, post cmkit.Post, inReplyTo string) (cmkit.Receipt, error) {
	if err := c.limits.ValidatePost(post); err != nil {
		return cmkit.Receipt{}, err
	}
	if len(post.Media) > 0 {
		return cmkit.Receipt{}, &cmkit.UnsupportedError{Channel: c.info.ID, Capability: "media",
			Detail: "post.media: uploading blobs is not built; the post is not published without its media"}
	}
	rkey, err := RecordKey(post.ID)
	if err != nil {
		return cmkit.Receipt{}, err
	}
	did, err := c.client.did(ctx)
	if err != nil {
		return cmkit.Receipt{}, err
	}
	rec := postRecord{Type: postCollection, Text: post.Text,
		CreatedAt: c.client.clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	if post.Language != "" {
		rec.Langs = []string{post.Language}
	}
	if post.Sensitive {
		rec.Labels = &selfLabel{Type: "com.atproto.label.defs#selfLabels", Values: []selfLabelVal{{Val: "graphic-media"}}}
	}
	if rec.Facets, err = facets(ctx, post.Text, c.resolveHandle); err != nil {
		return cmkit.Receipt{}, err
	}
	if inReplyTo != "" {
		if rec.Reply, err = c.replyTo(ctx, inReplyTo); err != nil {
			return cmkit.Receipt{}, err
		}
	}
	in := createInput{did, postCollection, rkey, rec}
	var out strongRef
	err = c.client.call(ctx, "com.atproto.repo.createRecord", nil, in, &out, true)
	if err == nil {
		if out.URI == "" {
			return cmkit.Receipt{}, cmkit.Unconfirmed(200, "createRecord answered no URI")
		}
		return c.receipt(post.ID, out.URI, rec.CreatedAt), nil
	}
	var xe *xrpcError
	if !errors.As(err, &xe) || xe.Status != http.StatusInternalServerError {
		return cmkit.Receipt{}, err
	}
	// An earlier call may have made the record, and the PDS refused this
	// one: a second record under one key is an HTTP 500,
	// InternalServerError "There is already a value at key", thrown by
	// the MST's add (packages/repo/src/mst/mst.ts) and turned into a 500
	// by xrpc-server (packages/xrpc-server/src/errors.ts). Any 500 may
	// hide a record, so read the key to tell. A lost answer stays
	// ambiguous here: the retry that follows meets the 500 and confirms.
	rc, ok, cerr := c.confirm(ctx, did, rkey, post)
	if cerr != nil {
		return cmkit.Receipt{}, cerr
	}
	if ok {
		return rc, nil
	}
	return cmkit.Receipt{}, err
}

// confirm reads the record at rkey after an ambiguous createRecord. It
// returns the receipt when the record holds post ("already published"),
// ok false when there is no record, and an error wrapping
// cmkit.ErrConflict when the record holds another text; when it cannot
// read, it returns ok false and no error, and the caller keeps the
// ambiguous error.
func (c *Channel) confirm(ctx context.Context, did, rkey string, post cmkit.Post) (cmkit.Receipt, bool, error) {
	got, err := c.getRecord(ctx, did, rkey)
	if err != nil {
		return cmkit.Receipt{}, false, nil
	}
	if got.Value.Text != post.Text {
		return cmkit.Receipt{}, false, cmkit.Errorf(cmkit.ErrConflict,
			"bluesky: the record %s, the key of post %s, holds another text", got.URI, post.ID)
	}
	c.client.log.Debug("bluesky: post already published", "uri", got.URI, "post_id", post.ID)
	return c.receipt(post.ID, got.URI, got.Value.CreatedAt), true, nil
}

func (c *Channel) getRecord(ctx context.Context, repo, rkey string) (recordOut, error) {
	q := url.Values{"repo": {repo}, "collection": {postCollection}, "rkey": {rkey}}
	var out recordOut
	err := c.client.call(ctx, "com.atproto.repo.getRecord", q, nil, &out, true)
	return out, err
}

// receipt makes the receipt of the record uri, published at createdAt.
func (c *Channel) receipt(id uuid.UUID, uri, createdAt string) cmkit.Receipt {
	at, err := time.Parse(time.RFC3339Nano, createdAt)
	if err != nil {
		at = c.client.clock.Now()
	}
	rc := cmkit.Receipt{PostID: id, ChannelID: c.info.ID, PlatformID: uri, PublishedAt: at.UTC()}
	if u, ok := parseURI(uri); ok {
		rc.URL = "https://bsky.app/profile/" + u.repo + "/post/" + u.rkey
	}
	return rc
}

// replyTo builds the reply references to the post at uri: parent is that
// post, root its thread's first post (its own reply root, or itself).
func (c *Channel) replyTo(ctx context.Context, uri string) (*replyRef, error) {
	u, ok := parseURI(uri)
	if !ok || u.collection != postCollection {
		return nil, cmkit.Errorf(cmkit.ErrNotFound, "bluesky: %q is not the at:// URI of a post", uri)
	}
	parent, err := c.getRecord(ctx, u.repo, u.rkey)
	if err != nil {
		return nil, err
	}
	ref := strongRef{URI: parent.URI, CID: parent.CID}
	root := ref
	if parent.Value.Reply != nil && parent.Value.Reply.Root.URI != "" {
		root = parent.Value.Reply.Root
	}
	return &replyRef{Root: root, Parent: ref}, nil
}

// resolveHandle resolves a handle with com.atproto.identity.resolveHandle;
// "" for a handle that does not resolve (HandleNotFound, or the PDS's
// "Unable to resolve handle", packages/pds/src/api/com/atproto/identity/resolveHandle.ts).
func (c *Channel) resolveHandle(ctx context.Context, handle string) (string, error) {
	var out struct {
		DID string `json:"did"`
	}
	err := c.client.call(ctx, "com.atproto.identity.resolveHandle", url.Values{"handle": {handle}}, nil, &out, false)
	var xe *xrpcError
	switch {
	case err == nil:
		return out.DID, nil
	case errors.Is(err, cmkit.ErrNotFound),
		errors.As(err, &xe) && xe.Status == 400 && strings.Contains(xe.Message, "Unable to resolve handle"):
		return "", nil
	}
	return "", err
}

// atURI is a parsed at://repo/collection/rkey.
type atURI struct{ repo, collection, rkey string }

func parseURI(s string) (atURI, bool) {
	rest, ok := strings.CutPrefix(s, "at://")
	if !ok {
		return atURI{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return atURI{}, false
	}
	return atURI{parts[0], parts[1], parts[2]}, true
}

// FindPost returns the receipt of the post with the cmkit ID id, read from
// its record key (see RecordKey), or an error wrapping cmkit.ErrNotFound.
func (c *Channel) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	rkey, err := RecordKey(id)
	if err != nil {
		return cmkit.Receipt{}, err
	}
	did, err := c.client.did(ctx)
	if err != nil {
		return cmkit.Receipt{}, err
	}
	got, err := c.getRecord(ctx, did, rkey)
	if err != nil {
		return cmkit.Receipt{}, err
	}
	return c.receipt(id, got.URI, got.Value.CreatedAt), nil
}

// Delete deletes one of the account's posts by its at:// URI
// (com.atproto.repo.deleteRecord). The PDS answers a delete of a missing
// record with success (packages/pds/src/api/com/atproto/repo/deleteRecord.ts),
// so Delete reads the record first and returns an error wrapping
// cmkit.ErrNotFound when it is gone. A post of another account cannot be
// deleted: *cmkit.UnsupportedError.
func (c *Channel) Delete(ctx context.Context, platformID string) error {
	u, ok := parseURI(platformID)
	if !ok || u.collection != postCollection {
		return cmkit.Errorf(cmkit.ErrNotFound, "bluesky: %q is not the at:// URI of a post", platformID)
	}
	did, err := c.client.did(ctx)
	if err != nil {
		return err
	}
	if u.repo != did {
		return &cmkit.UnsupportedError{Channel: c.info.ID, Capability: cmkit.CapDelete,
			Detail: "Bluesky lets an account delete only its own posts"}
	}
	if _, err := c.getRecord(ctx, did, u.rkey); err != nil {
		return err
	}
	in := map[string]string{"repo": did, "collection": postCollection, "rkey": u.rkey}
	return c.client.call(ctx, "com.atproto.repo.deleteRecord", nil, in, nil, true)
}

// Insights reads a post's counts with app.bsky.feed.getPosts: likes as
// Reactions, replies as Comments, reposts and quotes together as Shares,
// bookmarks as Saves. Bluesky reports no impressions, reach, clicks or
// video views; Insights.Missing names them. A post the AppView does not
// return gives an error wrapping cmkit.ErrNotFound.
func (c *Channel) Insights(ctx context.Context, platformID string) (cmkit.Insights, error) {
	if _, ok := parseURI(platformID); !ok {
		return cmkit.Insights{}, cmkit.Errorf(cmkit.ErrNotFound, "bluesky: %q is not an at:// URI", platformID)
	}
	var out struct {
		Posts []struct {
			URI           string `json:"uri"`
			LikeCount     int64  `json:"likeCount"`
			RepostCount   int64  `json:"repostCount"`
			ReplyCount    int64  `json:"replyCount"`
			QuoteCount    int64  `json:"quoteCount"`
			BookmarkCount int64  `json:"bookmarkCount"`
		} `json:"posts"`
	}
	if err := c.client.call(ctx, "app.bsky.feed.getPosts", url.Values{"uris": {platformID}}, nil, &out, true); err != nil {
		return cmkit.Insights{}, err
	}
	for _, p := range out.Posts {
		if p.URI == platformID {
			return cmkit.Insights{PlatformID: platformID, Reactions: p.LikeCount, Comments: p.ReplyCount,
				Shares: p.RepostCount + p.QuoteCount, Saves: p.BookmarkCount, FetchedAt: c.client.clock.Now(),
				Missing: []cmkit.Metric{cmkit.MetricImpressions, cmkit.MetricReach, cmkit.MetricClicks, cmkit.MetricVideoViews}}, nil
		}
	}
	return cmkit.Insights{}, cmkit.Errorf(cmkit.ErrNotFound, "bluesky: getPosts does not know %s", platformID)
}

// FollowerCount reads the account's followersCount with
// app.bsky.actor.getProfile.
func (c *Channel) FollowerCount(ctx context.Context) (int64, error) {
	did, err := c.client.did(ctx)
	if err != nil {
		return 0, err
	}
	var out struct {
		FollowersCount int64 `json:"followersCount"`
	}
	if err := c.client.call(ctx, "app.bsky.actor.getProfile", url.Values{"actor": {did}}, nil, &out, true); err != nil {
		return 0, err
	}
	return out.FollowersCount, nil
}

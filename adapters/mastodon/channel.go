package mastodon

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// MediaScheme prefixes a cmkit.Media URL that references an attachment
// already uploaded to the account's server (POST /api/v2/media) by its
// media ID: "mastodon-media:109876543210". Publish sends those IDs as
// media_ids; it uploads nothing.
const MediaScheme = "mastodon-media:"

// Channel is one Mastodon account, as a cmkit.Channel with the
// capabilities PostFinder, ThreadPublisher, Replier, MentionReader,
// Searcher, Hider, Deleter, InsightsFetcher and FollowerCounter. It
// declares cmkit.RetryAfterLookup (see the package documentation for why
// not RetryIdempotent). Make one with New; it is safe for concurrent use.
type Channel struct {
	info        cmkit.ChannelInfo
	base        *url.URL
	token       string
	secretForms []string
	http        *http.Client
	clock       cmkit.Clock
	log         *slog.Logger
	journal     Journal
	hide        HideAction
	lookupLimit int

	mu      sync.Mutex
	account string // the token's account ID, read once
	newest  string // the newest own status ID seen, for Record.After
}

var (
	_ cmkit.Channel         = (*Channel)(nil)
	_ cmkit.PostFinder      = (*Channel)(nil)
	_ cmkit.ThreadPublisher = (*Channel)(nil)
	_ cmkit.Replier         = (*Channel)(nil)
	_ cmkit.MentionReader   = (*Channel)(nil)
	_ cmkit.Searcher        = (*Channel)(nil)
	_ cmkit.Hider           = (*Channel)(nil)
	_ cmkit.Deleter         = (*Channel)(nil)
	_ cmkit.InsightsFetcher = (*Channel)(nil)
	_ cmkit.FollowerCounter = (*Channel)(nil)
)

// New opens the channel that cfg describes. It checks cfg (errors wrap
// cmkit.ErrInvalid and name the field) and does not call the server.
func New(cfg Config) (*Channel, error) {
	base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	limits := cfg.Limits
	if limits == (cmkit.Limits{}) {
		limits, _ = cmkit.PlatformLimits(cmkit.Mastodon)
	}
	id := cfg.ChannelID
	if id == "" {
		id = "mastodon:" + base.Host
	}
	info := cmkit.ChannelInfo{ID: id, Platform: cmkit.Mastodon, Handle: cfg.Handle, Brand: cfg.Brand,
		Country: cfg.Country, Product: cfg.Product, Languages: slices.Clone(cfg.Languages), Limits: limits,
		RetrySafety: cmkit.RetryAfterLookup}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	ch := &Channel{info: info, base: base, token: cfg.Token, http: cfg.HTTPClient, clock: cfg.Clock,
		log: cfg.Logger, journal: cfg.Journal, hide: cfg.Hide, lookupLimit: cfg.LookupLimit,
		secretForms: []string{cfg.Token, url.QueryEscape(cfg.Token), url.PathEscape(cfg.Token)}}
	if ch.http == nil {
		timeout := cfg.Timeout
		if timeout == 0 {
			timeout = DefaultTimeout
		}
		ch.http = &http.Client{Timeout: timeout}
	}
	if ch.clock == nil {
		ch.clock = cmkit.SystemClock()
	}
	if ch.log == nil {
		ch.log = slog.New(slog.DiscardHandler)
	}
	if ch.journal == nil {
		ch.journal = NewMemoryJournal()
	}
	if ch.lookupLimit == 0 {
		ch.lookupLimit = DefaultLookupLimit
	}
	return ch, nil
}

// Info describes the channel; it does not call the server.
func (ch *Channel) Info() cmkit.ChannelInfo {
	info := ch.info
	info.Languages = slices.Clone(info.Languages)
	return info
}

// Publish posts post as a status (POST /api/v1/statuses) with its text,
// content warning (spoiler_text), sensitive flag, visibility, language,
// media references (see MediaScheme) and reply target, and the header
// Idempotency-Key set to post.ID. It checks post against Info().Limits
// first, counting as Mastodon counts, and calls nothing when it does not
// fit (an error wrapping cmkit.ErrInvalid). Before sending, it records the
// post in the Journal for FindPost.
func (ch *Channel) Publish(ctx context.Context, post cmkit.Post) (cmkit.Receipt, error) {
	if post.ID == uuid.Nil {
		return cmkit.Receipt{}, cmkit.Invalid("post.id", "required", "a post needs an ID")
	}
	if err := ch.info.Limits.ValidatePost(post); err != nil {
		return cmkit.Receipt{}, fmt.Errorf("mastodon: %w", err)
	}
	media := make([]string, 0, len(post.Media))
	for i, m := range post.Media {
		id, ok := strings.CutPrefix(m.URL, MediaScheme)
		if !ok || id == "" {
			return cmkit.Receipt{}, cmkit.Invalid(fmt.Sprintf("post.media[%d].url", i), "format",
				"want %s followed by the ID of media uploaded to the server", MediaScheme)
		}
		media = append(media, id)
	}
	if err := cmkit.NotSent(ctx); err != nil {
		return cmkit.Receipt{}, err
	}
	vis := visibilityOf(post.Visibility)
	rec := Record{PostID: post.ID, Text: post.Text, ContentWarning: post.ContentWarning, Visibility: vis,
		InReplyTo: post.InReplyTo, Media: len(media), FirstSent: ch.clock.Now(), After: ch.newestSeen()}
	if err := ch.journal.Begin(ctx, rec); err != nil {
		return cmkit.Receipt{}, fmt.Errorf("%w: mastodon: journal: %w", cmkit.ErrTransient, err)
	}
	params := statusParams{Status: post.Text, MediaIDs: media, InReplyToID: post.InReplyTo, Sensitive: post.Sensitive,
		SpoilerText: post.ContentWarning, Visibility: vis, Language: post.Language}
	var st status
	if _, err := ch.do(ctx, call{method: http.MethodPost, path: "/api/v1/statuses", body: params, idemKey: post.ID.String()}, &st); err != nil {
		return cmkit.Receipt{}, fmt.Errorf("mastodon: publishing post %s: %w", post.ID, err)
	}
	// The status is out; a journal failure now must not turn it into an
	// error that invites a retry, so it is only logged.
	if _, err := ch.journal.Claim(ctx, post.ID, st.ID); err != nil {
		ch.log.LogAttrs(ctx, slog.LevelWarn, "mastodon journal claim failed", slog.String("post", post.ID.String()),
			slog.String("status", st.ID), slog.String("error", ch.redact(err.Error())))
	}
	return ch.receipt(post.ID, st), nil
}

// PublishReply publishes post as a reply to parent, one of the account's
// own statuses, for threads. Contract and retries are those of Publish.
func (ch *Channel) PublishReply(ctx context.Context, parent cmkit.Receipt, post cmkit.Post) (cmkit.Receipt, error) {
	if parent.PlatformID == "" {
		return cmkit.Receipt{}, cmkit.Invalid("parent.platform_id", "required", "a reply needs its parent's status ID")
	}
	post.InReplyTo = parent.PlatformID
	return ch.Publish(ctx, post)
}

// Reply publishes post as a public answer to the status mentionID (a
// Mention.ID). Contract and retries are those of Publish; a status that
// does not exist gives an error wrapping cmkit.ErrNotFound.
func (ch *Channel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	if mentionID == "" {
		return cmkit.Receipt{}, cmkit.Invalid("mention_id", "required", "a reply needs the status it answers")
	}
	post.InReplyTo = mentionID
	return ch.Publish(ctx, post)
}

// newestSeen returns the newest of the account's status IDs the channel
// has seen in a receipt.
func (ch *Channel) newestSeen() string {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	return ch.newest
}

// receipt makes the receipt of post id, published as st, and remembers st
// as the newest status seen when it is.
func (ch *Channel) receipt(id uuid.UUID, st status) cmkit.Receipt {
	ch.mu.Lock()
	if compareIDs(st.ID, ch.newest) > 0 {
		ch.newest = st.ID
	}
	ch.mu.Unlock()
	at := st.CreatedAt
	if at.IsZero() {
		at = ch.clock.Now()
	}
	return cmkit.Receipt{PostID: id, ChannelID: ch.info.ID, PlatformID: st.ID, URL: st.URL, PublishedAt: at.UTC()}
}

// visibilityOf maps cmkit's visibility onto Mastodon's: followers is
// "private" there.
func visibilityOf(v cmkit.Visibility) string {
	switch v {
	case cmkit.VisibilityUnlisted:
		return "unlisted"
	case cmkit.VisibilityFollowers:
		return "private"
	case cmkit.VisibilityDirect:
		return "direct"
	}
	return "public"
}

// statusParams is the JSON body of POST /api/v1/statuses
// (docs.joinmastodon.org/methods/statuses/#create). scheduled_at is never
// sent: cmkit schedules.
type statusParams struct {
	Status      string   `json:"status"`
	MediaIDs    []string `json:"media_ids,omitempty"`
	InReplyToID string   `json:"in_reply_to_id,omitempty"`
	Sensitive   bool     `json:"sensitive,omitempty"`
	SpoilerText string   `json:"spoiler_text,omitempty"`
	Visibility  string   `json:"visibility"`
	Language    string   `json:"language,omitempty"`
}

// status is the part of Mastodon's Status entity the channel reads
// (docs.joinmastodon.org/entities/Status).
type status struct {
	ID                 string                `json:"id"`
	CreatedAt          time.Time             `json:"created_at"`
	EditedAt           time.Time             `json:"edited_at"`
	InReplyToID        string                `json:"in_reply_to_id"`
	InReplyToAccountID string                `json:"in_reply_to_account_id"`
	SpoilerText        string                `json:"spoiler_text"`
	Visibility         string                `json:"visibility"`
	Language           string                `json:"language"`
	URL                string                `json:"url"`
	Content            string                `json:"content"`
	RepliesCount       int64                 `json:"replies_count"`
	ReblogsCount       int64                 `json:"reblogs_count"`
	FavouritesCount    int64                 `json:"favourites_count"`
	Account            account               `json:"account"`
	MediaAttachments   []struct{ ID string } `json:"media_attachments"`
}

// account is the part of Mastodon's Account entity the channel reads
// (docs.joinmastodon.org/entities/Account).
type account struct {
	ID             string    `json:"id"`
	Username       string    `json:"username"`
	Acct           string    `json:"acct"`
	DisplayName    string    `json:"display_name"`
	FollowersCount int64     `json:"followers_count"`
	CreatedAt      time.Time `json:"created_at"`
}

// accountID returns the token's account ID, read once from
// GET /api/v1/accounts/verify_credentials.
func (ch *Channel) accountID(ctx context.Context) (string, error) {
	ch.mu.Lock()
	id := ch.account
	ch.mu.Unlock()
	if id != "" {
		return id, nil
	}
	a, err := ch.credentials(ctx)
	if err != nil {
		return "", err
	}
	ch.mu.Lock()
	ch.account = a.ID
	ch.mu.Unlock()
	return a.ID, nil
}

func (ch *Channel) credentials(ctx context.Context) (account, error) {
	var a account
	_, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v1/accounts/verify_credentials"}, &a)
	return a, err
}

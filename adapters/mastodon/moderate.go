package mastodon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/cmkit/cmkit"
)

// SetHidden hides what the author of the status mentionID says from the
// account, or shows it again: it mutes (or, with Config.Hide HideBlock,
// blocks) the author with POST /api/v1/accounts/:id/mute (/block), and
// unmutes (unblocks) them when hidden is false. It is idempotent.
//
// Mastodon cannot hide one reply from the public: a muted or blocked
// author's status stays visible to everyone else. To have a moderator
// remove it, file a Report. A status that does not exist gives an error
// wrapping cmkit.ErrNotFound.
func (ch *Channel) SetHidden(ctx context.Context, mentionID string, hidden bool) error {
	st, err := ch.status(ctx, mentionID)
	if err != nil {
		return fmt.Errorf("mastodon: hiding %s: %w", mentionID, err)
	}
	action := "mute"
	if ch.hide == HideBlock {
		action = "block"
	}
	if !hidden {
		action = "un" + action
	}
	_, err = ch.do(ctx, call{method: http.MethodPost, path: "/api/v1/accounts/" + url.PathEscape(st.Account.ID) + "/" + action}, nil)
	if err != nil {
		return fmt.Errorf("mastodon: hiding %s (%s): %w", mentionID, action, err)
	}
	return nil
}

// Report reports the status mentionID and its author to the server's
// moderators (POST /api/v1/reports with account_id, status_ids and
// comment): the one way to have a status removed for everyone. A report
// cannot be withdrawn through the API.
func (ch *Channel) Report(ctx context.Context, mentionID, comment string) error {
	st, err := ch.status(ctx, mentionID)
	if err != nil {
		return fmt.Errorf("mastodon: reporting %s: %w", mentionID, err)
	}
	body := map[string]any{"account_id": st.Account.ID, "status_ids": []string{st.ID}, "comment": comment}
	if _, err := ch.do(ctx, call{method: http.MethodPost, path: "/api/v1/reports", body: body}, nil); err != nil {
		return fmt.Errorf("mastodon: reporting %s: %w", mentionID, err)
	}
	return nil
}

// Delete deletes one of the account's own statuses
// (DELETE /api/v1/statuses/:id). A status that is already gone gives an
// error wrapping cmkit.ErrNotFound; another account's status gives
// cmkit.ErrForbidden, since Mastodon lets an account delete only its own.
func (ch *Channel) Delete(ctx context.Context, platformID string) error {
	if platformID == "" {
		return cmkit.Invalid("platform_id", "required", "which status to delete")
	}
	if _, err := ch.do(ctx, call{method: http.MethodDelete, path: "/api/v1/statuses/" + url.PathEscape(platformID)}, nil); err != nil {
		return fmt.Errorf("mastodon: deleting %s: %w", platformID, err)
	}
	return nil
}

// Insights reads a status's counts (GET /api/v1/statuses/:id):
// favourites_count as Reactions, reblogs_count as Shares and replies_count
// as Comments. Mastodon reports nothing else, so impressions, reach,
// saves, clicks and video views are listed in Missing.
func (ch *Channel) Insights(ctx context.Context, platformID string) (cmkit.Insights, error) {
	st, err := ch.status(ctx, platformID)
	if err != nil {
		return cmkit.Insights{}, fmt.Errorf("mastodon: insights of %s: %w", platformID, err)
	}
	return cmkit.Insights{PlatformID: st.ID, Reactions: st.FavouritesCount, Shares: st.ReblogsCount,
		Comments: st.RepliesCount, FetchedAt: ch.clock.Now().UTC(),
		Missing: []cmkit.Metric{cmkit.MetricImpressions, cmkit.MetricReach, cmkit.MetricSaves, cmkit.MetricClicks, cmkit.MetricVideoViews}}, nil
}

// FollowerCount reads the account's followers_count
// (GET /api/v1/accounts/verify_credentials).
func (ch *Channel) FollowerCount(ctx context.Context) (int64, error) {
	a, err := ch.credentials(ctx)
	if err != nil {
		return 0, fmt.Errorf("mastodon: follower count: %w", err)
	}
	return a.FollowersCount, nil
}

// status reads one status.
func (ch *Channel) status(ctx context.Context, id string) (status, error) {
	if id == "" {
		return status{}, cmkit.Invalid("id", "required", "a status ID")
	}
	var st status
	_, err := ch.do(ctx, call{method: http.MethodGet, path: "/api/v1/statuses/" + url.PathEscape(id)}, &st)
	return st, err
}

package mastodon

import (
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// The environment variables FromEnv reads.
const (
	EnvServer = "MASTODON_SERVER" // the server's base URL, "https://mastodon.social"
	EnvToken  = "MASTODON_TOKEN"  // an access token of the account
)

// DefaultTimeout is how long one HTTP request may take when Config.Timeout
// is zero.
const DefaultTimeout = 30 * time.Second

// DefaultLookupLimit is how many of the account's own statuses FindPost
// reads at most when Config.LookupLimit is zero.
const DefaultLookupLimit = 2000

// Config is what New needs to open a Mastodon channel. Server and Token are
// required; every other field has a default.
type Config struct {
	// Server is the base URL of the account's server, "https://mastodon.social".
	Server string
	// Token is an OAuth access token of the account with the scopes read,
	// write and (for hiding with block, and reports) follow. It is sent in
	// the Authorization header only and never appears in an error or log.
	Token string
	// ChannelID is the product's name for the channel; empty means
	// "mastodon:" followed by the server's host.
	ChannelID string
	// Handle is the account's public name ("@acme@mastodon.social"), for
	// ChannelInfo; New does not call the server to learn it.
	Handle string
	// Brand, Country, Product and Languages fill ChannelInfo.
	Brand, Country, Product string
	// Languages lists the BCP 47 tags the channel publishes in.
	Languages []string
	// Limits overrides cmkit.PlatformLimits(cmkit.Mastodon), for a server
	// configured with another max_characters; the zero Limits keeps the
	// platform's.
	Limits cmkit.Limits
	// Hide is what SetHidden does; the zero value is HideMute.
	Hide HideAction
	// Journal records what was sent, for FindPost; nil means a new
	// MemoryJournal. See Journal for why it must be as durable as the
	// publisher's store.
	Journal Journal
	// LookupLimit caps how many of the account's own statuses FindPost
	// reads; 0 means DefaultLookupLimit.
	LookupLimit int
	// HTTPClient sends the requests; nil means a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds one request when HTTPClient is nil; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Clock reads the time for rate-limit waits and receipts; nil means
	// the system clock.
	Clock cmkit.Clock
	// Logger receives one Debug record per request (method, path, status)
	// and never a credential; nil discards them.
	Logger *slog.Logger
}

// FromEnv returns a Config with Server and Token read from MASTODON_SERVER
// and MASTODON_TOKEN; New reports the ones that are missing.
func FromEnv() Config {
	return Config{Server: strings.TrimSpace(os.Getenv(EnvServer)), Token: strings.TrimSpace(os.Getenv(EnvToken))}
}

// HideAction says how SetHidden hides what another account wrote, since
// Mastodon has no way to hide one reply from the public (see the package
// documentation).
type HideAction int

// The hide actions.
const (
	// HideMute mutes the author: their posts and notifications leave the
	// account's timelines and notification list; SetHidden(false) unmutes.
	HideMute HideAction = iota
	// HideBlock blocks the author: as mute, and they can no longer follow
	// the account or see its posts while logged in; SetHidden(false)
	// unblocks.
	HideBlock
)

// validate checks cfg and returns the parsed server URL.
func (cfg *Config) validate() (*url.URL, error) {
	if cfg.Server == "" {
		return nil, cmkit.Invalid("Server", "required", "set %s or Config.Server", EnvServer)
	}
	u, err := url.Parse(strings.TrimRight(cfg.Server, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, cmkit.Invalid("Server", "format", "want an absolute http(s) URL such as https://mastodon.social")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, cmkit.Invalid("Server", "format", "the URL must hold no credentials, query or fragment")
	}
	if cfg.Token == "" {
		return nil, cmkit.Invalid("Token", "required", "set %s or Config.Token", EnvToken)
	}
	if strings.ContainsFunc(cfg.Token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, cmkit.Invalid("Token", "format", "a token holds no spaces or control characters")
	}
	if cfg.Hide != HideMute && cfg.Hide != HideBlock {
		return nil, cmkit.Invalid("Hide", "unknown", "%d: want HideMute or HideBlock", int(cfg.Hide))
	}
	if cfg.LookupLimit < 0 {
		return nil, cmkit.Invalid("LookupLimit", "min", "%d: want 0 (the default) or more", cfg.LookupLimit)
	}
	if cfg.Timeout < 0 {
		return nil, cmkit.Invalid("Timeout", "min", "%s: want 0 (the default) or more", cfg.Timeout)
	}
	return u, nil
}

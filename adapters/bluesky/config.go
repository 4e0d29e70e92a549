package bluesky

import (
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/cmkit/cmkit"
)

// DefaultPDS is the PDS a Config without one talks to: Bluesky's own.
const DefaultPDS = "https://bsky.social"

// The environment variables FromEnv reads.
const (
	EnvHandle      = "BLUESKY_HANDLE"
	EnvAppPassword = "BLUESKY_APP_PASSWORD"
	EnvPDS         = "BLUESKY_PDS"
)

// Config is what New needs to open a Bluesky channel: the account and,
// optionally, how the channel describes itself and talks HTTP.
type Config struct {
	// ID is the channel's ID in the product ("acme-es-bluesky"); empty
	// means "bluesky:" and the handle.
	ID string
	// Handle is the account's handle ("acme.bsky.social"), without "@".
	Handle string
	// AppPassword is an app password made for cmkit (Settings, Privacy
	// and security, App passwords), never the account's own password. It
	// appears in no error and no log.
	AppPassword string
	// PDS is the account's Personal Data Server; empty means DefaultPDS.
	PDS string
	// Brand, Country, Product and Languages are copied to ChannelInfo.
	Brand, Country, Product string
	Languages               []string
	// HTTPClient sends the requests; nil means a client with a 30-second
	// timeout. Calls also end with their context.
	HTTPClient *http.Client
	// Clock stamps createdAt and reads rate-limit resets; nil means the
	// system clock.
	Clock cmkit.Clock
	// Logger receives debug events (session created or refreshed, rate
	// limited), never a credential; nil means slog.Default().
	Logger *slog.Logger
}

// FromEnv returns a Config read from BLUESKY_HANDLE, BLUESKY_APP_PASSWORD
// and BLUESKY_PDS (which may be unset, for DefaultPDS). It does not
// validate: New does.
func FromEnv() Config {
	return Config{Handle: os.Getenv(EnvHandle), AppPassword: os.Getenv(EnvAppPassword), PDS: os.Getenv(EnvPDS)}
}

// validate checks c and fills its defaults; it returns a
// *cmkit.ValidationError naming the first bad field.
func (c Config) validate() (Config, error) {
	c.Handle = strings.TrimPrefix(strings.TrimSpace(c.Handle), "@")
	if c.Handle == "" {
		return c, cmkit.Invalid("Handle", "required", "set %s or Config.Handle", EnvHandle)
	}
	if strings.ContainsAny(c.Handle, " /?#@") || !strings.Contains(c.Handle, ".") {
		return c, cmkit.Invalid("Handle", "format", "%q is not a handle such as alice.bsky.social", c.Handle)
	}
	if c.AppPassword == "" {
		return c, cmkit.Invalid("AppPassword", "required", "set %s or Config.AppPassword", EnvAppPassword)
	}
	if c.PDS == "" {
		c.PDS = DefaultPDS
	}
	u, err := url.Parse(c.PDS)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.User != nil {
		return c, cmkit.Invalid("PDS", "format", "want an http(s) URL with a host and no query or user info")
	}
	if c.ID == "" {
		c.ID = "bluesky:" + c.Handle
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultTimeout}
	}
	if c.Clock == nil {
		c.Clock = cmkit.SystemClock()
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Languages = slices.Clone(c.Languages)
	return c, nil
}

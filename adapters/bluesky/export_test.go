package bluesky

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/cmkit/cmkit"
)

// ClassifyForTest classifies an XRPC error answer with status and a
// Retry-After header, as the client does; nil for a 2xx.
func ClassifyForTest(status int, retryAfter string, now time.Time) error {
	if status >= 200 && status < 300 {
		return nil
	}
	c := newClient("http://pds.invalid", http.DefaultClient, "a.example", "pw", cmkit.SystemClock(), slog.New(slog.DiscardHandler))
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return c.classify("com.atproto.repo.createRecord", &xrpcError{Status: status, Name: "X"}, h, now)
}

package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The headers of every request the channel sends. Header names are
// case-insensitive in HTTP; these are the canonical forms.
const (
	// HeaderTimestamp carries the time of signing, in Unix seconds.
	HeaderTimestamp = "Webhook-Timestamp"
	// HeaderSignature carries one or two signatures, "v1=<hex>", separated
	// by a comma (two during a key rotation).
	HeaderSignature = "Webhook-Signature"
	// HeaderIdempotencyKey carries the post's ID on a publish, when the
	// channel declares cmkit.RetryIdempotent (see doc.go, Idempotency).
	HeaderIdempotencyKey = "Idempotency-Key"
)

// signatureVersion prefixes each signature: the scheme that made it. A
// future scheme gets "v2=" and a receiver ignores versions it does not know.
const signatureVersion = "v1="

// Sign returns the v1 signature of a request body signed at ts with secret:
// "v1=" and the lower-case hex HMAC-SHA256, keyed with secret, of the Unix
// seconds of ts, a ".", and signed. signed is the request body for a
// publish, and "METHOD query" for a request without a body (see doc.go).
// The Example checks one vector against openssl.
func Sign(secret string, ts time.Time, signed []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	var buf [20]byte
	mac.Write(strconv.AppendInt(buf[:0], ts.Unix(), 10))
	mac.Write([]byte{'.'})
	mac.Write(signed)
	var sum [sha256.Size]byte
	var out [len(signatureVersion) + 2*sha256.Size]byte
	copy(out[:], signatureVersion)
	hex.Encode(out[len(signatureVersion):], mac.Sum(sum[:0]))
	return string(out[:])
}

// verifySignatures reports whether header, a HeaderSignature value, holds
// a v1 signature of signed at the timestamp ts (as sent, in Unix seconds)
// made with one of secrets. The comparison of MACs is constant-time.
func verifySignatures(header, ts string, signed []byte, secrets []string) bool {
	want := make([][]byte, len(secrets))
	for i, s := range secrets {
		mac := hmac.New(sha256.New, []byte(s))
		mac.Write([]byte(ts))
		mac.Write([]byte{'.'})
		mac.Write(signed)
		want[i] = mac.Sum(nil)
	}
	var got [sha256.Size]byte
	ok := false
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		hexSig, isV1 := strings.CutPrefix(part, signatureVersion)
		if !isV1 || len(hexSig) != 2*sha256.Size {
			continue // another scheme, or not a signature
		}
		if _, err := hex.Decode(got[:], []byte(hexSig)); err != nil {
			continue
		}
		for _, w := range want {
			// Every comparison runs, so timing tells nothing about which
			// secret or which signature matched.
			ok = hmac.Equal(got[:], w) || ok
		}
	}
	return ok
}

package cmkit

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
)

// ClassifyTransport classifies the error of a request that got no answer
// (what http.Client.Do returns with a nil response), for adapters that
// talk HTTP or another protocol over the net package. It returns nil for
// nil, leaves an error that already wraps ErrTransient, ErrAmbiguous or
// ErrPermanent as it is, and otherwise wraps err, so that errors.Is and
// errors.As still reach every cause (context.Canceled, *net.OpError):
//
//   - ErrTransient when err proves the request never left: the host name
//     did not resolve (*net.DNSError), the connection was refused or could
//     not be made (a *net.OpError whose Op is "dial"), or the TLS
//     handshake failed on the server's certificate or on an answer that
//     was not TLS (*tls.CertificateVerificationError, the x509 errors,
//     tls.RecordHeaderError), all of which happen before a byte of the
//     request is written;
//   - ErrAmbiguous for everything else: a connection reset or closed
//     (io.EOF) after the request was written, a timeout while waiting for
//     the answer, a context that ended at any point. The error alone cannot
//     tell when a context ended, so an adapter calls NotSent before sending,
//     where a context that has already ended is certainly transient.
//
// # Retries inside net/http
//
// Go's http.Transport retries some requests by itself, without telling
// the caller. Its documentation says: "Transport only retries a request
// upon encountering a network error if the connection has already been
// used successfully and if the request is idempotent and either has no
// body or has its Request.GetBody defined. HTTP requests are considered
// idempotent if they have HTTP methods GET, HEAD, OPTIONS, or TRACE; or if
// their Header map contains an "Idempotency-Key" or "X-Idempotency-Key"
// entry." So a POST that carries an Idempotency-Key header, built with
// http.NewRequest over a bytes.Reader or strings.Reader (which sets
// GetBody), may reach the platform twice when a kept-alive connection
// breaks after the request was written: safe only on a platform that
// honours the key, which is what RetryIdempotent declares. Send the header
// only to such a platform. And since the error of such a request is the
// error of its last attempt, a dial error after a silent retry does not
// prove that the first attempt was not applied; an adapter of a channel
// that is not RetryIdempotent sends no idempotency header.
func ClassifyTransport(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrTransient), errors.Is(err, ErrAmbiguous), errors.Is(err, ErrPermanent):
		return err
	case neverSent(err):
		return fmt.Errorf("%w: request not sent: %w", ErrTransient, err)
	}
	return fmt.Errorf("%w: %w", ErrAmbiguous, err)
}

// neverSent reports whether err proves that no byte of the request was
// written: it failed while resolving, dialing, or verifying the server.
func neverSent(err error) bool {
	var (
		dns        *net.DNSError
		op         *net.OpError
		verify     *tls.CertificateVerificationError
		record     tls.RecordHeaderError
		authority  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalidCrt x509.CertificateInvalidError
	)
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.As(err, &dns) || errors.As(err, &verify) || errors.As(err, &record) ||
		errors.As(err, &authority) || errors.As(err, &hostname) || errors.As(err, &invalidCrt)
}

// Package awserr reads AWS SDK errors the same way for every caller (the collector and the
// Security Hub pusher): a request that got no HTTP answer.
package awserr

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TransportFailure describes a request that got no HTTP answer (connection refused or
// reset, DNS failure, TLS handshake timeout, connection closed): the endpoint it went to
// (scheme://host, "" if unknown) and the cause in a few words. transient is false for what
// another attempt cannot change (an untrusted certificate, HTTP spoken to an HTTPS
// endpoint). ok is false for any other error.
func TransportFailure(err error) (endpoint, cause string, transient, ok bool) {
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &se) {
		return "", "", false, false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			endpoint = u.Scheme + "://" + u.Host
		}
	}
	var dns *net.DNSError
	var certErr *tls.CertificateVerificationError
	var authority x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &dns):
		return endpoint, "DNS lookup failed: " + dns.Err, true, true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return endpoint, "connection closed without an answer", true, true
	case errors.As(err, &certErr), errors.As(err, &authority), errors.As(err, &host), errors.As(err, &invalid):
		return endpoint, "TLS certificate not accepted: " + strings.TrimPrefix(innermost(err).Error(), "x509: "), false, true
	}
	cause = innermost(err).Error()
	for _, p := range []string{"net/http: ", "http: "} {
		cause = strings.TrimPrefix(cause, p)
	}
	if strings.Contains(cause, "HTTP response to HTTPS client") || strings.Contains(cause, "unsupported protocol scheme") {
		return endpoint, cause, false, true
	}
	return endpoint, cause, true, true
}

// innermost is the last error of err's single-error Unwrap chain: "connection refused"
// rather than "dial tcp 127.0.0.1:5599: connect: connection refused".
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

// Unreachable renders a transport failure: "cannot reach http://127.0.0.1:5599 (connection refused)".
func Unreachable(endpoint, cause string) string {
	if endpoint == "" {
		endpoint = "the endpoint"
	}
	return "cannot reach " + endpoint + " (" + cause + ")"
}

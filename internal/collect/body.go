package collect

import (
	"bufio"
	"context"
	"errors"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The SDK's query-protocol (XML) deserializers read a 200 answer without any XML element,
// an empty or plain-text body, as an empty result, and some JSON deserializers do the
// same with an empty body: a proxy's broken answer would become "no clusters" or "no
// trails", and rules would pass on nothing. AWS answers every successful call with a
// document, so checkBody turns such an answer into a deserialization error (a gap). An
// answer cut off by a dropped connection is a network failure like a reset: checkBody marks
// it retryable, so the SDK tries the call again.

// queryServices speak the query protocol (XML answers).
var queryServices = map[string]bool{"RDS": true, "EC2": true, "STS": true}

var checkBody = middleware.DeserializeMiddlewareFunc("scannerCheckBody",
	func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, md, err := next.HandleDeserialize(ctx, in)
		if err != nil {
			return out, md, err
		}
		resp, ok := out.RawResponse.(*smithyhttp.Response)
		if !ok || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil {
			return out, md, err
		}
		br := bufio.NewReaderSize(resp.Body, 64) // small: large reads bypass the buffer
		first, perr := firstNonSpace(br)
		resp.Body = struct {
			io.Reader
			io.Closer
		}{cutReader{br}, resp.Body}
		switch {
		case errors.Is(perr, io.EOF):
			return out, md, &smithy.DeserializationError{Err: errors.New("empty answer body")}
		case perr != nil:
			return out, md, &smithy.DeserializationError{Err: perr}
		case queryServices[awsmiddleware.GetServiceID(ctx)] && first != '<':
			return out, md, &smithy.DeserializationError{Err: errors.New("answer body is not XML")}
		}
		return out, md, nil
	})

// cutReader reports a body that ends before its Content-Length as a retryable cutAnswer.
type cutReader struct{ r io.Reader }

func (c cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = cutAnswer{err}
	}
	return n, err
}

// cutAnswer is an answer whose connection dropped mid-body.
type cutAnswer struct{ err error }

func (e cutAnswer) Error() string        { return e.err.Error() }
func (e cutAnswer) Unwrap() error        { return e.err }
func (e cutAnswer) RetryableError() bool { return true }

// firstNonSpace peeks at the first byte of the body that is not white space.
func firstNonSpace(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) == n {
			switch c := b[n-1]; c {
			case ' ', '\t', '\r', '\n':
				if n < br.Size() {
					continue
				}
				return c, nil // a buffer of white space: let the decoder judge
			default:
				return c, nil
			}
		}
		return 0, err
	}
}

// withBodyCheck adds checkBody to every client built from cfg.
func withBodyCheck(cfg aws.Config) aws.Config {
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(checkBody, middleware.After)
	})
	return cfg
}

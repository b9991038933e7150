package engine

import (
	"fmt"
	"io"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown/print"
)

// forbiddenBuiltins cannot be used by any rule: they reach the network or the runtime
// environment, or make results depend on the clock or chance instead of the snapshot.
var forbiddenBuiltins = []string{
	"http.send",
	"opa.runtime",
	"time.now_ns",
	"rand.intn",
	"uuid.rfc4122",
	"uuid.parse",
	"providers.aws.sign_req",
	"crypto.x509.parse_and_verify_certificates_with_options",
}

// forbiddenPrefixes remove whole builtin families.
var forbiddenPrefixes = []string{"net."}

// SandboxCapabilities are OPA's capabilities minus the forbidden builtins, with no network
// host allowed. Rules that call a removed builtin fail to compile ("undefined function").
func SandboxCapabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	kept := caps.Builtins[:0:0]
	for _, b := range caps.Builtins {
		if isForbidden(b.Name) {
			continue
		}
		kept = append(kept, b)
	}
	caps.Builtins = kept
	caps.AllowNet = []string{}
	return caps
}

func isForbidden(name string) bool {
	for _, f := range forbiddenBuiltins {
		if name == f {
			return true
		}
	}
	for _, p := range forbiddenPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

type printHook struct{ w io.Writer }

func (h printHook) Print(ctx print.Context, msg string) error {
	_, err := fmt.Fprintf(h.w, "%s: %s\n", ctx.Location, msg)
	return err
}

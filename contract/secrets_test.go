package contract

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// secretField reports whether a field name says it holds a CC-Gateway
// secret: a password, GUID, cookie or service token.
func secretField(name protoreflect.Name) bool {
	n := strings.ToLower(string(name))
	switch {
	case n == "password", n == "guid", n == "cookie", n == "service_token":
		return true
	case strings.Contains(n, "guid"), strings.Contains(n, "cookie"):
		return true
	}
	return false
}

// TestResponsesCarryNoSecrets walks every message any RPC returns, nested
// messages included, and fails on a field that would carry a secret back to
// clients.
func TestResponsesCarryNoSecrets(t *testing.T) {
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor, via string)
	walk = func(md protoreflect.MessageDescriptor, via string) {
		if seen[md.FullName()] || md.ParentFile().Package() != "ccgw.v1" {
			return // well-known types hold no secrets of ours
		}
		seen[md.FullName()] = true
		for i := range md.Fields().Len() {
			fd := md.Fields().Get(i)
			if secretField(fd.Name()) {
				t.Errorf("%s.%s (returned by %s) looks like a secret", md.FullName(), fd.Name(), via)
			}
			if fd.Message() != nil {
				walk(fd.Message(), via)
			}
		}
	}
	for _, m := range contractMethods(t) {
		walk(m.Output(), rpcName(m))
	}
	if !seen["ccgw.v1.Session"] || !seen["ccgw.v1.AgentEvent"] {
		t.Fatalf("walk missed Session or AgentEvent; saw %d messages", len(seen))
	}
}

package contract

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// binding is one HTTP rule of one RPC.
type binding struct {
	RPC    string // "ccgw.v1.Service/Method"
	Method string // "GET", "PUT", ...
	Path   string // path template with proto field names: /v1/agents/{agent_id}/session
	Body   string // "*", a field name, or "none"
}

func (b binding) String() string {
	return fmt.Sprintf("%s %s %s (body %s)", b.RPC, b.Method, b.Path, b.Body)
}

// contractMethods returns every RPC of package ccgw.v1, as registered by the
// generated code, sorted by full name.
func contractMethods(t testing.TB) []protoreflect.MethodDescriptor {
	t.Helper()
	// Referencing a generated symbol makes sure the package is linked in and
	// its files are registered.
	_ = ccgwv1.File_ccgw_v1_agent_session_proto
	var methods []protoreflect.MethodDescriptor
	protoregistry.GlobalFiles.RangeFilesByPackage("ccgw.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			svc := fd.Services().Get(i)
			for j := range svc.Methods().Len() {
				methods = append(methods, svc.Methods().Get(j))
			}
		}
		return true
	})
	if len(methods) == 0 {
		t.Fatal("no RPCs registered for package ccgw.v1")
	}
	slices.SortFunc(methods, func(a, b protoreflect.MethodDescriptor) int {
		return strings.Compare(string(a.FullName()), string(b.FullName()))
	})
	return methods
}

// rpcName renders a method as "pkg.Service/Method".
func rpcName(m protoreflect.MethodDescriptor) string {
	return string(m.Parent().FullName()) + "/" + string(m.Name())
}

// ruleBinding turns one HttpRule (without its additional bindings) into a
// binding.
func ruleBinding(t testing.TB, rpc string, rule *annotations.HttpRule) binding {
	t.Helper()
	b := binding{RPC: rpc, Body: rule.GetBody()}
	if b.Body == "" {
		b.Body = "none"
	}
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		b.Method, b.Path = "GET", p.Get
	case *annotations.HttpRule_Put:
		b.Method, b.Path = "PUT", p.Put
	case *annotations.HttpRule_Post:
		b.Method, b.Path = "POST", p.Post
	case *annotations.HttpRule_Delete:
		b.Method, b.Path = "DELETE", p.Delete
	case *annotations.HttpRule_Patch:
		b.Method, b.Path = "PATCH", p.Patch
	case *annotations.HttpRule_Custom:
		b.Method, b.Path = p.Custom.GetKind(), p.Custom.GetPath()
	default:
		t.Fatalf("%s: HTTP rule without a pattern", rpc)
	}
	return b
}

// contractBindings returns every HTTP binding of every RPC, additional
// bindings included. An RPC without any binding fails the test: the REST API
// must reach every RPC.
func contractBindings(t testing.TB) []binding {
	t.Helper()
	var out []binding
	for _, m := range contractMethods(t) {
		rule, ok := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
		if !ok || rule == nil || rule.GetPattern() == nil {
			t.Errorf("%s has no google.api.http rule", rpcName(m))
			continue
		}
		out = append(out, ruleBinding(t, rpcName(m), rule))
		for _, extra := range rule.GetAdditionalBindings() {
			if len(extra.GetAdditionalBindings()) > 0 {
				t.Errorf("%s: nested additional_bindings are not allowed", rpcName(m))
			}
			out = append(out, ruleBinding(t, rpcName(m), extra))
		}
	}
	return out
}

// readmeBindings parses the table under "## REST bindings" in README.md.
func readmeBindings(t testing.TB) []binding {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(readRepoFile(t, "README.md")))
	inSection, inTable := false, false
	var rows [][]string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "## ") {
			if inSection {
				break
			}
			inSection = line == "## REST bindings"
			continue
		}
		if !inSection {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break // the first table of the section ends here
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i, c := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(c), "`")
		}
		rows = append(rows, cells)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("scan README.md: %v", err)
	}
	if len(rows) < 3 {
		t.Fatalf("README.md: no table with rows under \"## REST bindings\" (found %d table lines)", len(rows))
	}
	if want := []string{"RPC", "Method", "Path", "Body"}; !slices.Equal(rows[0], want) {
		t.Fatalf("README.md REST table header = %q, want %q", rows[0], want)
	}
	var out []binding
	for _, r := range rows[2:] { // rows[1] is the |---| separator
		if len(r) != 4 {
			t.Fatalf("README.md REST table row %q: want 4 cells", r)
		}
		out = append(out, binding{RPC: r[0], Method: r[1], Path: r[2], Body: r[3]})
	}
	return out
}

func sortedStrings[T fmt.Stringer](items []T) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.String()
	}
	slices.Sort(out)
	return out
}

// TestReadmeDocumentsEveryBinding keeps README.md's REST table and the
// google.api.http annotations identical, in both directions.
func TestReadmeDocumentsEveryBinding(t *testing.T) {
	got := sortedStrings(contractBindings(t))
	documented := sortedStrings(readmeBindings(t))
	for _, b := range got {
		if !slices.Contains(documented, b) {
			t.Errorf("binding missing from README.md: %s", b)
		}
	}
	for _, b := range documented {
		if !slices.Contains(got, b) {
			t.Errorf("README.md documents a binding the contract does not have: %s", b)
		}
	}
}

// TestBindingsMatchDesign pins the REST surface agreed in DESIGN.md, so a
// change to it is a deliberate edit of this list, not an accident of the
// README and the protos changing together.
func TestBindingsMatchDesign(t *testing.T) {
	want := []binding{
		{"ccgw.v1.AgentSessionService/SignIn", "PUT", "/v1/agents/{agent_id}/session", "*"},
		{"ccgw.v1.AgentSessionService/SignOut", "DELETE", "/v1/agents/{agent_id}/session", "none"},
		{"ccgw.v1.AgentSessionService/GetSession", "GET", "/v1/agents/{agent_id}/session", "none"},
		{"ccgw.v1.AgentSessionService/ListSessions", "GET", "/v1/sessions", "none"},
		{"ccgw.v1.CallControlService/CallInnerSkill", "POST", "/v1/agents/{agent_id}/voice:callInnerSkill", "*"},
		{"ccgw.v1.CallControlService/TransferSession", "POST", "/v1/agents/{agent_id}/media/{call_id}:transfer", "*"},
		{"ccgw.v1.AgentEventService/StreamEvents", "GET", "/v1/agents/{agent_id}/events", "none"},
		{"ccgw.v1.AgentEventService/StreamEvents", "GET", "/v1/events", "none"},
	}
	if got, w := sortedStrings(contractBindings(t)), sortedStrings(want); !slices.Equal(got, w) {
		t.Errorf("bindings differ from the design:\ngot  %q\nwant %q", got, w)
	}
}

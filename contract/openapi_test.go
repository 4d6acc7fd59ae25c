package contract

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
	"github.com/ccgw-bridge/ccgw-bridge/gen/openapi"
)

// openAPIDoc is the part of the OpenAPI document the tests read; schemas stay generic.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Info    struct {
		Title   string `json:"title"`
		Version string `json:"version"`
	} `json:"info"`
	Paths map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Parameters  []struct {
			Name   string         `json:"name"`
			In     string         `json:"in"`
			Schema map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
		Responses map[string]struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t testing.TB) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openapi.Spec, &doc); err != nil {
		t.Fatalf("openapi.Spec is not JSON: %v", err)
	}
	return doc
}

var pathVar = regexp.MustCompile(`\{([a-z_.]+)\}`)

// openAPIPath renders a binding's path as the document does: path variables use the JSON
// names of their request fields.
func openAPIPath(t testing.TB, m protoreflect.MethodDescriptor, path string) (string, []string) {
	t.Helper()
	var vars []string
	return pathVar.ReplaceAllStringFunc(path, func(v string) string {
		name := strings.Trim(v, "{}")
		fd := m.Input().Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			t.Errorf("%s: path %s names %q, which is not a field of %s", rpcName(m), path, name, m.Input().FullName())
			return v
		}
		vars = append(vars, fd.JSONName())
		return "{" + fd.JSONName() + "}"
	}), vars
}

// TestOpenAPIListsEveryRPC checks the OpenAPI 3.1 document: every binding of every RPC is an
// operation of it with a readable operation id (Service_Method; a method with several
// bindings names the path variables of each: Service_Method_ByAgentId), every operation
// answers errors with the one Status schema, server streams are NDJSON and SSE, and it has
// no operation that is not a binding.
func TestOpenAPIListsEveryRPC(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.1.0" || doc.Info.Title != "ccgw-bridge" || doc.Info.Version != "v1" {
		t.Errorf("OpenAPI header = openapi %q, title %q, version %q; want 3.1.0, ccgw-bridge, v1",
			doc.OpenAPI, doc.Info.Title, doc.Info.Version)
	}
	documented := map[string]bool{} // "METHOD path" of every binding
	for _, m := range contractMethods(t) {
		rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
		rules := append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...)
		for _, r := range rules {
			b := ruleBinding(t, rpcName(m), r)
			path, vars := openAPIPath(t, m, b.Path)
			documented[b.Method+" "+path] = true
			op, ok := doc.Paths[path][strings.ToLower(b.Method)]
			if !ok {
				t.Errorf("OpenAPI document lacks %s %s (%s)", b.Method, path, rpcName(m))
				continue
			}
			want := string(m.Parent().Name()) + "_" + string(m.Name())
			if len(rules) > 1 && len(vars) > 0 {
				want += "_By"
				for _, v := range vars {
					want += strings.ToUpper(v[:1]) + v[1:]
				}
			}
			if op.OperationID != want {
				t.Errorf("OpenAPI %s %s has operationId %q, want %q", b.Method, path, op.OperationID, want)
			}
			errSchema := op.Responses["default"].Content["application/json"].Schema
			wantErr := map[string]any{"$ref": "#/components/schemas/Status"}
			if m.IsStreamingServer() { // or the error as a stream line: {"error": Status}
				wantErr = map[string]any{"anyOf": []any{wantErr, map[string]any{"$ref": "#/components/schemas/" + string(m.Output().Name()) + "Line"}}}
			}
			if !reflect.DeepEqual(errSchema, wantErr) {
				t.Errorf("OpenAPI %s %s: errors are %v, want %v", b.Method, path, errSchema, wantErr)
			}
			ok200 := op.Responses["200"].Content
			var types []string
			for ct := range ok200 {
				types = append(types, ct)
			}
			slices.Sort(types)
			wantTypes := []string{"application/json"}
			if m.IsStreamingServer() {
				wantTypes = []string{"application/x-ndjson", "text/event-stream"}
				if got := ok200["application/x-ndjson"].Schema["$ref"]; got != "#/components/schemas/"+string(m.Output().Name())+"Line" {
					t.Errorf("OpenAPI %s %s: NDJSON item schema %v", b.Method, path, got)
				}
			}
			if !slices.Equal(types, wantTypes) {
				t.Errorf("OpenAPI %s %s answers %q, want %q", b.Method, path, types, wantTypes)
			}
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !documented[strings.ToUpper(method)+" "+path] {
				t.Errorf("OpenAPI document has %s %s, which no RPC binds", strings.ToUpper(method), path)
			}
		}
	}
}

// TestOpenAPIRequiredFields pins which request fields the document calls required: those
// whose validation rules refuse the zero value (leaving a field out sends its zero value).
func TestOpenAPIRequiredFields(t *testing.T) {
	doc := loadOpenAPI(t)
	for _, c := range []struct {
		path, method string
		want         []string
	}{
		{"/v1/agents/{agentId}/session", "put", []string{"password", "phoneNumber"}},
		{"/v1/agents/{agentId}/voice:callInnerSkill", "post", []string{"skillId"}},
		{"/v1/agents/{agentId}/media/{callId}:transfer", "post", []string{"mode"}},
	} {
		s := doc.Paths[c.path][c.method].RequestBody.Content["application/json"].Schema
		var got []string
		for _, r := range s["required"].([]any) {
			got = append(got, r.(string))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s: required %q, want %q", c.method, c.path, got, c.want)
		}
	}
	// Responses carry every field but oneof members and proto3 optional ones.
	session := doc.Components.Schemas["Session"]
	var required []string
	for _, r := range session["required"].([]any) {
		required = append(required, r.(string))
	}
	md := (&ccgwv1.Session{}).ProtoReflect().Descriptor()
	for i := range md.Fields().Len() {
		fd := md.Fields().Get(i)
		if want := fd.ContainingOneof() == nil; slices.Contains(required, fd.JSONName()) != want {
			t.Errorf("Session.%s: required is %v, want %v", fd.JSONName(), !want, want)
		}
	}
}

// openAPIPattern returns the pattern of a path parameter or a body property.
func openAPIPattern(t testing.TB, doc openAPIDoc, path, method, name string) *regexp.Regexp {
	t.Helper()
	op := doc.Paths[path][method]
	for _, p := range op.Parameters {
		if p.Name == name {
			return regexp.MustCompile(p.Schema["pattern"].(string))
		}
	}
	props, _ := op.RequestBody.Content["application/json"].Schema["properties"].(map[string]any)
	prop, _ := props[name].(map[string]any)
	// An optional field's rules are the first branch of anyOf [rules, zero value].
	if alts, ok := prop["anyOf"].([]any); ok {
		prop = alts[0].(map[string]any)
	}
	p, ok := prop["pattern"].(string)
	if !ok {
		t.Fatalf("%s %s: no pattern for %s", method, path, name)
	}
	return regexp.MustCompile(p)
}

// FuzzOpenAPIPatterns checks that the document's patterns for the predefined rules (agent id,
// request id), written out by hand in the generator, accept exactly what protovalidate accepts.
func FuzzOpenAPIPatterns(f *testing.F) {
	for _, s := range []string{"101", "100", "109", "110", "199", "200", "999", "1000", "999999", "1000000", "0101", "", "a", "call-1_A", "call 1"} {
		f.Add(s)
	}
	doc := loadOpenAPI(f)
	agentID := openAPIPattern(f, doc, "/v1/agents/{agentId}/session", "get", "agentId")
	requestID := openAPIPattern(f, doc, "/v1/agents/{agentId}/voice:callInnerSkill", "post", "requestId")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("proto3 strings are valid UTF-8")
		}
		if got, want := agentID.MatchString(s), violations(t, &ccgwv1.GetSessionRequest{AgentId: s}) == nil; got != want {
			t.Errorf("agent id %q: OpenAPI pattern matches %v, protovalidate accepts %v", s, got, want)
		}
		if s == "" {
			return // an empty request id means none; the schema allows it beside the pattern
		}
		valid := &ccgwv1.CallInnerSkillRequest{AgentId: "101", SkillId: 1, RequestId: s}
		if got, want := requestID.MatchString(s), violations(t, valid) == nil; got != want {
			t.Errorf("request id %q: OpenAPI pattern matches %v, protovalidate accepts %v", s, got, want)
		}
	})
}

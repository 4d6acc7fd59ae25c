package contract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

var updateRules = flag.Bool("update-rules", false,
	"rewrite testdata/validation_rules.golden.json from the compiled protos")

// rulesGolden is the validation rule set of the contract as it was compiled
// from the protos before they were rewritten in the syntax every toolchain
// loads (issue 12): editions, list literals and extension keys inside option
// values became proto2, repeated entries and dotted option paths. The rule
// set must not change because of how it is spelled; when a rule changes on
// purpose, rerun with -update-rules and review the diff like code.
const rulesGolden = "testdata/validation_rules.golden.json"

// TestValidationRulesUnchanged compares every protovalidate option of the
// contract (message, oneof and field rules, and the predefined rules that
// rules.proto defines) with the checked-in rule set.
//
// By default it reads the descriptors compiled into gen/ by buf. With
// CCGW_RULES_DESCRIPTOR_SET naming a FileDescriptorSet (with imports) that
// another compiler wrote, it reads those instead: tools/polyglot-ci.sh runs it
// that way for Debian's protoc 3.21 and grpcio-tools, proving that every
// toolchain compiles the same rules.
func TestValidationRulesUnchanged(t *testing.T) {
	files := protoregistry.GlobalFiles
	if path := os.Getenv("CCGW_RULES_DESCRIPTOR_SET"); path != "" {
		files = readDescriptorSet(t, path)
	}
	got := contractRules(t, files)
	if *updateRules {
		if err := os.WriteFile(filepath.FromSlash(rulesGolden), got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(filepath.FromSlash(rulesGolden))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the validation rules compiled from proto/ differ from %s.\n"+
			"If the change is intended, run go test ./contract -run TestValidationRulesUnchanged -update-rules "+
			"and review the diff.\ngot:\n%s", rulesGolden, got)
	}
}

// contractRules renders the rule set of every ccgw.v1 file as indented JSON
// keyed by the full name of the element carrying the rule, with keys sorted so
// that the rendering is stable.
func contractRules(t *testing.T, files *protoregistry.Files) []byte {
	t.Helper()
	rules := map[string]any{}
	add := func(name protoreflect.FullName, kind string, m proto.Message) {
		raw, err := protojson.Marshal(m)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rules[string(name)+" "+kind] = v
	}
	// ext reads one extension of an options message; absent extensions are skipped.
	ext := func(opts proto.Message, xt protoreflect.ExtensionType) (proto.Message, bool) {
		if opts == nil || !proto.HasExtension(opts, xt) {
			return nil, false
		}
		return proto.GetExtension(opts, xt).(proto.Message), true
	}
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		if r, ok := ext(md.Options(), validate.E_Message); ok {
			add(md.FullName(), "message", r)
		}
		for i := 0; i < md.Oneofs().Len(); i++ {
			od := md.Oneofs().Get(i)
			if r, ok := ext(od.Options(), validate.E_Oneof); ok {
				add(od.FullName(), "oneof", r)
			}
		}
		for i := 0; i < md.Fields().Len(); i++ {
			fd := md.Fields().Get(i)
			if r, ok := ext(fd.Options(), validate.E_Field); ok {
				add(fd.FullName(), "field", r)
			}
		}
		for i := 0; i < md.Messages().Len(); i++ {
			walk(md.Messages().Get(i))
		}
	}
	n := 0
	files.RangeFilesByPackage("ccgw.v1", func(fd protoreflect.FileDescriptor) bool {
		n++
		for i := 0; i < fd.Messages().Len(); i++ {
			walk(fd.Messages().Get(i))
		}
		for i := 0; i < fd.Extensions().Len(); i++ {
			xd := fd.Extensions().Get(i)
			if r, ok := ext(xd.Options(), validate.E_Predefined); ok {
				add(xd.FullName(), "predefined", r)
			}
			// What a field switches on: the extended rule message, number and type.
			rules[string(xd.FullName())+" extension"] = map[string]any{
				"extendee": string(xd.ContainingMessage().FullName()),
				"number":   int(xd.Number()),
				"kind":     xd.Kind().String(),
				"presence": xd.HasPresence(),
			}
		}
		return true
	})
	if n == 0 || len(rules) == 0 {
		t.Fatalf("found %d ccgw.v1 files and %d rules; is the generated code linked?", n, len(rules))
	}
	out, err := json.MarshalIndent(rules, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// readDescriptorSet builds a file registry from a FileDescriptorSet file. The
// options in it are decoded with the linked Go types, so the buf.validate and
// ccgw.v1 rule extensions come out as messages, as they do from gen/.
func readDescriptorSet(t *testing.T, path string) *protoregistry.Files {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(raw, &set); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return files
}

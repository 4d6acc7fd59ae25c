package contract

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/types/descriptorpb"
)

// requireVersion returns the version that a go.mod file requires of a module.
func requireVersion(t testing.TB, gomod, module string) string {
	t.Helper()
	re := regexp.MustCompile(`^(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+(v\S+)`)
	sc := bufio.NewScanner(bytes.NewReader(readRepoFile(t, gomod)))
	for sc.Scan() {
		if m := re.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil {
			return m[1]
		}
	}
	t.Fatalf("%s does not require %s", gomod, module)
	return ""
}

// TestGeneratorsMatchRuntimes keeps each code generator pinned in
// tools/go.mod at the version of the runtime library its output needs in
// go.mod: generated code is only guaranteed to work with its own version.
func TestGeneratorsMatchRuntimes(t *testing.T) {
	for _, module := range []string{
		"google.golang.org/protobuf",                // protoc-gen-go       ↔ protobuf runtime
		"github.com/grpc-ecosystem/grpc-gateway/v2", // protoc-gen-grpc-gateway ↔ gateway runtime
	} {
		gen, run := requireVersion(t, "tools/go.mod", module), requireVersion(t, "go.mod", module)
		if gen != run {
			t.Errorf("%s: tools/go.mod pins %s but go.mod requires %s; align them "+
				"(go get in one module or the other) and run make generate", module, gen, run)
		}
	}
}

// TestPinnedValidateProtoMatchesRuntime checks that the buf/validate/validate.proto
// our protos are compiled against (pinned in tools/protodeps.sh) is the very
// file the protovalidate Go runtime was generated from. If they differed, a
// rule written in our protos could be unknown to the runtime and silently not
// enforced. `make protodeps` compiles the pinned file to
// .protodeps/buf-validate.binpb; without it the test skips, unless
// CCGW_REQUIRE_PROTODEPS is set (as `make check` does).
func TestPinnedValidateProtoMatchesRuntime(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, ".protodeps", "buf-validate.binpb"))
	if errors.Is(err, fs.ErrNotExist) && os.Getenv("CCGW_REQUIRE_PROTODEPS") == "" {
		t.Skip("no .protodeps/buf-validate.binpb: run make protodeps")
	}
	if err != nil {
		t.Fatalf("read compiled validate.proto: %v", err)
	}
	var set descriptorpb.FileDescriptorSet
	if err := proto.Unmarshal(raw, &set); err != nil {
		t.Fatalf("decode .protodeps/buf-validate.binpb: %v", err)
	}
	if len(set.GetFile()) != 1 || set.GetFile()[0].GetName() != "buf/validate/validate.proto" {
		t.Fatalf(".protodeps/buf-validate.binpb should hold exactly buf/validate/validate.proto, got %d files", len(set.GetFile()))
	}
	pinned := set.GetFile()[0]
	// buf writes a Buf image: a FileDescriptorSet whose files carry one extra
	// field of buf's own (is-import bookkeeping), unknown here. Drop it.
	pinned.ProtoReflect().SetUnknown(nil)
	runtime := protodesc.ToFileDescriptorProto(validate.File_buf_validate_validate_proto)
	runtime.SourceCodeInfo = nil
	if !proto.Equal(pinned, runtime) {
		t.Fatal("the pinned buf/validate/validate.proto differs from the one buf.build/go/protovalidate " +
			"was built with; set PROTOVALIDATE_MODULE in tools/protodeps.sh to the protovalidate release " +
			"matching go.mod's buf.build/gen/go/bufbuild/protovalidate version, then run make generate")
	}
}

package contract

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"buf.build/go/protovalidate"
	"google.golang.org/protobuf/proto"
)

// repoRoot is the repository root relative to this package's directory,
// which is where `go test` runs the tests.
const repoRoot = ".."

var (
	validatorOnce sync.Once
	validator     protovalidate.Validator
	validatorErr  error
)

// newValidator returns one shared protovalidate validator; building it
// compiles rules, so tests share it.
func newValidator(t testing.TB) protovalidate.Validator {
	t.Helper()
	validatorOnce.Do(func() { validator, validatorErr = protovalidate.New() })
	if validatorErr != nil {
		t.Fatalf("protovalidate.New: %v", validatorErr)
	}
	return validator
}

// violations validates msg and returns its violations as sorted
// "field.path: rule_id" strings (an empty path for message-level rules). It
// fails the test when validation does not run to completion, which would mean
// a rule that errors instead of accepting or rejecting.
func violations(t testing.TB, msg proto.Message) []string {
	t.Helper()
	err := newValidator(t).Validate(msg)
	if err == nil {
		return nil
	}
	var verr *protovalidate.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("validating %T: want nil or *protovalidate.ValidationError, got %T: %v", msg, err, err)
	}
	out := make([]string, 0, len(verr.Violations))
	for _, v := range verr.Violations {
		out = append(out, protovalidate.FieldPathString(v.Proto.GetField())+": "+v.Proto.GetRuleId())
	}
	slices.Sort(out)
	return out
}

// readRepoFile reads a file given relative to the repository root.
func readRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return b
}

package server

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// protocolRetcodes is every retcode the protocol reference (shared/ccgw-protocol.md) names, its
// ranges ("101-001…101-007") expanded. TestProtocolRetcodesMatchTheReference re-reads the
// reference when it is present beside the repository and fails when the two differ.
var protocolRetcodes = []string{
	"000-001", "000-002", "000-003", "000-004", "000-005", "000-006", "000-007",
	"100-001", "100-002", "100-003", "100-004", "100-005", "100-006", "100-007", "100-008", "100-009",
	"100-010", "100-011", "100-012", "100-013", "100-014", "100-015", "100-016", "100-017", "100-018",
	"100-019", "100-020", "100-021",
	"101-001", "101-002", "101-003", "101-004", "101-005", "101-006", "101-007",
	"104-001", "104-002", "104-003", "104-004", "104-005", "104-006", "104-007", "104-008", "104-009",
	"104-010", "104-012",
	"105-001", "105-002", "105-003", "105-004", "105-005", "105-006", "105-007",
	"106-001", "106-002", "106-003", "106-004", "106-005", "106-006", "106-009", "106-010", "106-012",
	"107-000", "110-016", "200-002",
}

// notAgentCodes are retcodes the reference names but that no agent operation returns: they fall
// under the unknown-retcode row.
var notAgentCodes = []string{"107-000"} // configuration interfaces' family (reference §5)

func TestEveryProtocolRetcodeHasARow(t *testing.T) {
	readme := readmeErrorTable(t)
	for _, rc := range protocolRetcodes {
		c, known := gatewayclient.LookupCode(rc)
		if !known && !slices.Contains(notAgentCodes, rc) {
			t.Errorf("%s: not in gatewayclient's code table", rc)
		}
		r := gatewayRule(c.Kind)
		if r.reason == "" || r.message == "" {
			t.Errorf("%s: row without reason or message: %+v", rc, r)
		}
		if known && !strings.Contains(readme, rc) {
			t.Errorf("%s: missing from the README's error table", rc)
		}
	}
}

// The rules every row must keep (see the errorRule comment).
func TestErrorTableRules(t *testing.T) {
	all := slices.Clone(bridgeRules)
	for _, k := range gatewayKindOrder {
		all = append(all, gatewayRules[k])
	}
	if len(gatewayRules) != len(gatewayKindOrder) {
		t.Errorf("%d gateway rows, %d in the README order", len(gatewayRules), len(gatewayKindOrder))
	}
	for _, r := range all {
		if r.reason == "" || r.message == "" {
			t.Errorf("row without reason or message: %+v", r)
		}
		if strings.Contains(r.message, "gatewayclient") || strings.Contains(r.message, "retcode") {
			t.Errorf("message names internals: %q", r.message)
		}
		if r.code == codes.Unauthenticated || r.code == codes.PermissionDenied {
			t.Errorf("%s uses %v, which belongs to the bridge's own callers", r.reason, r.code)
		}
	}
	// Retryable codes only where the gateway certainly did not act.
	mayHaveActed := []errorRule{gatewayRule(gatewayclient.KindOf("100-007")), gatewayRule(gatewayclient.KindUnknown),
		ruleGatewayNoAnswer, ruleDeadline}
	for k := gatewayclient.TransportUnreachable; k <= gatewayclient.TransportConnectionLost; k++ {
		if k.MaybeActed() {
			mayHaveActed = append(mayHaveActed, transportRule(k))
		}
	}
	for _, r := range mayHaveActed {
		if r.code == codes.Unavailable || r.code == codes.ResourceExhausted || r.code == codes.Aborted {
			t.Errorf("%s: the gateway may have acted, yet the code is %v", r.reason, r.code)
		}
	}
	if c := gatewayRule(gatewayclient.KindOf("000-003")).code; c != codes.FailedPrecondition {
		t.Errorf("000-003 answers %v", c)
	}
}

// The README prints the table ErrorTableMarkdown renders, between two markers.
func TestREADMEErrorTable(t *testing.T) {
	if got, want := readmeErrorTable(t), ErrorTableMarkdown(); got != want {
		t.Errorf("README error table differs from the code; replace it with:\n%s", want)
	}
}

const (
	tableStart = "<!-- error-table: generated from server/errtable.go by TestREADMEErrorTable -->\n"
	tableEnd   = "<!-- end of error-table -->"
)

func readmeErrorTable(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), tableStart)
	table, _, ok2 := strings.Cut(rest, tableEnd)
	if !ok || !ok2 {
		t.Fatalf("README.md has no %q … %q section", tableStart, tableEnd)
	}
	return table
}

// The literal list above is the reference's; when the reference is reachable (beside the main
// checkout, or named by CCGW_PROTOCOL_DOC) the test parses it and compares.
func TestProtocolRetcodesMatchTheReference(t *testing.T) {
	paths := []string{os.Getenv("CCGW_PROTOCOL_DOC"), "../../shared/ccgw-protocol.md", "../../../shared/ccgw-protocol.md"}
	for _, p := range paths {
		if p == "" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		got := retcodesIn(string(b))
		want := slices.Sorted(slices.Values(protocolRetcodes))
		if !slices.Equal(got, want) {
			t.Fatalf("%s names %v;\nthe test lists %v", p, got, want)
		}
		return
	}
	t.Log("protocol reference not found; the literal list stands in for it")
}

var retcodePattern = regexp.MustCompile(`(?:^|[^0-9A-Za-z-])(\d{3})-(\d{3})(?:\s*…\s*(\d{3})-(\d{3}))?(?:[^0-9-]|$)`)

// retcodesIn returns the sorted, distinct retcodes a text names, expanding "101-001…101-007".
func retcodesIn(text string) []string {
	seen := map[string]bool{}
	// Overlapping matches (", " between two codes) need the text scanned from each match's end
	// minus the one boundary character it consumed.
	for i := 0; i < len(text); {
		loc := retcodePattern.FindStringSubmatchIndex(text[i:])
		if loc == nil {
			break
		}
		m := func(g int) string { return text[i+loc[2*g] : i+loc[2*g+1]] }
		if loc[6] >= 0 && m(1) == m(3) {
			from, _ := strconv.Atoi(m(2))
			to, _ := strconv.Atoi(m(4))
			for n := from; n <= to && to-from < 1000; n++ {
				seen[m(1)+"-"+leftPad(n)] = true
			}
		} else {
			seen[m(1)+"-"+m(2)] = true
		}
		next := i + loc[1] - 1
		if next <= i {
			next = i + 1
		}
		i = next
	}
	return slices.Sorted(maps.Keys(seen))
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 3-min(3, len(s))) + s
}

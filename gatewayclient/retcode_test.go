package gatewayclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A retcode goes into error strings and metric labels, so one that is not shaped like a code is a
// malformed answer, and never carries what it echoed into the error.
func TestMalformedRetcodeIsABadResponse(t *testing.T) {
	const guid = "5f2b0c1e-aaaa-bbbb-cccc-0123456789ab.AgentGateway0"
	var retcode string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"message":"","retcode":%q}`, retcode)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := c.Session("1001", guid, "")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	for _, rc := range []string{guid, "no right\n", strings.Repeat("1", 17), "100 006"} {
		retcode = rc
		err := s.SetIdle(ctx)
		var te *TransportError
		if !errors.As(err, &te) || te.Kind != TransportBadResponse {
			t.Fatalf("retcode %q: got %v, want a bad response", rc, err)
		}
		if strings.Contains(err.Error(), guid) {
			t.Fatalf("retcode %q: the error echoes the GUID: %v", rc, err)
		}
	}
	for _, rc := range []string{"100-006", "999-999", "E1"} {
		retcode = rc
		var ge *Error
		if err := s.SetIdle(ctx); !errors.As(err, &ge) || ge.Retcode != rc {
			t.Fatalf("retcode %q: got %v, want a gateway *Error", rc, err)
		}
	}
}

// An argument error built before the agent id is checked must not print it: with swapped
// arguments it would be the GUID.
func TestArgumentErrorsDoNotEchoAnUncheckedAgentID(t *testing.T) {
	const guid = "5f2b0c1e-aaaa-bbbb-cccc-0123456789ab.AgentGateway0"
	c, err := New(Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := c.Session(guid, "1001", "") // agent id and GUID swapped
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for name, err := range map[string]error{
		"SetBusy":        s.SetBusy(ctx, 999, false),
		"ResetSkills":    s.ResetSkills(ctx, false, []int64{-1}),
		"CallInnerSkill": func() error { _, err := s.CallInnerSkill(ctx, 0); return err }(),
		"Transfer":       s.Transfer(ctx, TransferRequest{}),
		"Poll":           func() error { _, err := s.Poll(ctx); return err }(),
	} {
		if err == nil || strings.Contains(err.Error(), guid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

package gatewayclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
)

// Example signs an agent in, joins its skill queues, reads one event and
// places an internal call, against a tiny stand-in gateway.
func Example() {
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/onlineagent/1001"):
			w.Header().Set("Set-GUID", "JSESSIONID=0c0ffee0-1111-2222-3333-444455556666.AgentGateway0")
			_, _ = io.WriteString(w, `{"message":"","retcode":"0","result":{"vdnid":1,"workno":"1001","mediatype":"TTF"}}`)
		case strings.Contains(r.URL.Path, "/agentevent/"):
			_, _ = io.WriteString(w, `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001","content":null}}`)
		case strings.HasSuffix(r.URL.Path, "/callinnerskill"):
			_, _ = io.WriteString(w, `{"result":"1721980849-240","message":"success","retcode":"0"}`)
		default:
			_, _ = io.WriteString(w, `{"result":{},"message":"success","retcode":"0"}`)
		}
	}))
	defer gw.Close()

	c, err := gatewayclient.New(gatewayclient.Config{BaseURL: gw.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	s, res, err := c.SignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"})
	if gatewayclient.IsAlreadySignedIn(err) {
		s, res, err = c.ForceSignIn(ctx, "1001", gatewayclient.SignInRequest{Password: "demo-1001", PhoneNumber: "71001"})
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("signed in:", s.AgentID(), "media", res.MediaType)

	if err := s.ResetSkills(ctx, true, nil); err != nil {
		fmt.Println(err)
		return
	}
	ev, err := s.Poll(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("event:", ev.Type)

	callID, err := s.CallInnerSkill(ctx, 2)
	fmt.Println("call:", callID, err)
	// Output:
	// signed in: 1001 media TTF
	// event: AgentState_Ready
	// call: 1721980849-240 <nil>
}

// ExampleBackoff shows a poll loop: poll again promptly after success, back
// off after failures, stop when the agent is signed out or ctx ends.
func ExampleBackoff() {
	pollLoop := func(ctx context.Context, s *gatewayclient.Session, handle func(*gatewayclient.Event)) error {
		var b gatewayclient.Backoff
		for {
			ev, err := s.Poll(ctx)
			switch {
			case err == nil:
				b.Reset()
				if ev != nil {
					handle(ev)
				}
				continue
			case gatewayclient.IsNotSignedIn(err), gatewayclient.IsGUIDInvalid(err):
				return err // the session is gone: sign in again or report it
			}
			if werr := b.Wait(ctx); werr != nil {
				return werr
			}
		}
	}
	_ = pollLoop
}

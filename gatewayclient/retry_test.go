package gatewayclient

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
)

// TestNoAutomaticRetry: a command whose connection dies before any answer
// is reported, never re-sent — neither by this package nor by net/http's
// own replay of requests on a reused keep-alive connection (it replays only
// GET/HEAD, so polls may be re-sent, commands never).
func TestNoAutomaticRetry(t *testing.T) {
	cmds := []struct {
		name string
		call func(context.Context, *Client) error
	}{
		{"sign-in", func(ctx context.Context, c *Client) error {
			_, _, err := c.SignIn(ctx, "1001", SignInRequest{Password: "pw"})
			return err
		}},
		{"forced sign-in", func(ctx context.Context, c *Client) error {
			_, _, err := c.ForceSignIn(ctx, "1001", SignInRequest{Password: "pw"})
			return err
		}},
		{"sign-out", func(ctx context.Context, c *Client) error { return c.Session("1001", testGUID, "").SignOut(ctx) }},
		{"forced sign-out", func(ctx context.Context, c *Client) error { return c.Session("1001", testGUID, "").ForceSignOut(ctx) }},
		{"reset skills", func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").ResetSkills(ctx, false, []int64{1})
		}},
		{"set busy", func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").SetBusy(ctx, 0, false)
		}},
		{"internal call", func(ctx context.Context, c *Client) error {
			_, err := c.Session("1001", testGUID, "").CallInnerSkill(ctx, 2)
			return err
		}},
		{"transfer", func(ctx context.Context, c *Client) error {
			return c.Session("1001", testGUID, "").Transfer(ctx, TransferRequest{CallID: "c", Address: "1", DeviceType: DeviceSkillQueue})
		}},
	}
	for _, cmd := range cmds {
		t.Run(cmd.name, func(t *testing.T) {
			var n atomic.Int32
			g := newFakeGateway(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 { // the first request warms a keep-alive connection
					ok(okBody)(w, r)
					return
				}
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close() // die without a byte of answer
				}
			})
			c := g.client(t)
			must(t, c.Session("1001", testGUID, "").SetIdle(ctxT(t)))
			err := cmd.call(ctxT(t), c)
			// The command went out: the failure must say the gateway may have acted.
			if te := transportErr(t, err, TransportConnectionLost); !te.Kind.MaybeActed() {
				t.Error("a command lost after sending is reported as never sent")
			}
			if got := n.Load(); got != 2 {
				t.Errorf("the gateway received the command %d times", got-1)
			}
		})
	}
}

// TestZeroSessionIsAnError: a Session not made by a Client reports an error.
func TestZeroSessionIsAnError(t *testing.T) {
	var s Session
	if err := s.SetIdle(context.Background()); !IsInvalidParameter(err) {
		t.Errorf("zero session: %v", err)
	}
	if _, err := s.Poll(context.Background()); !IsInvalidParameter(err) {
		t.Errorf("zero session poll: %v", err)
	}
	var c *Client
	if _, _, err := c.SignIn(context.Background(), "1001", SignInRequest{}); !IsInvalidParameter(err) {
		t.Errorf("nil client: %v", err)
	}
}

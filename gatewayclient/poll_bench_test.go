package gatewayclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSessionPoll is one whole event poll over a loopback keep-alive connection: request
// built and written, answer read, envelope and event decoded, OnCall reported. Every
// signed-in agent does this about every 10 s, so its cost is the bridge's idle cost per agent.
// The figures include the in-process test server's side of the exchange.
func BenchmarkSessionPoll(b *testing.B) {
	answers := []struct{ name, body string }{
		{"event", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Talking","eventGenTime":1718000000123,"workNo":"1001","content":{"caller":"1001","callid":"1718000001-77","called":"1002","feature":"6"}}}`},
		{"empty", `{"message":"","retcode":"0"}`},
	}
	for _, a := range answers {
		b.Run(a.name, func(b *testing.B) {
			body := []byte(a.body)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			calls := 0
			c, err := New(Config{BaseURL: srv.URL, OnCall: func(CallInfo) { calls++ }})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			s := c.Session("1001", testGUID, "")
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Poll(ctx); err != nil {
					b.Fatal(err)
				}
			}
			if calls == 0 {
				b.Fatal("OnCall never ran")
			}
		})
	}
}

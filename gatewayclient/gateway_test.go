package gatewayclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"
)

// seen is one request as the fake gateway received it.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// fakeGateway is an httptest server on 127.0.0.1 that records every request
// and answers with respond.
type fakeGateway struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []seen
	respond http.HandlerFunc
}

func newFakeGateway(t *testing.T, respond http.HandlerFunc) *fakeGateway {
	t.Helper()
	g := &fakeGateway{respond: respond}
	g.srv = httptest.NewUnstartedServer(http.HandlerFunc(g.serve))
	// The semicolon-separated skillid query makes net/http log a warning per
	// request; keep test output readable.
	g.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	g.srv.Start()
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.reqs = append(g.reqs, seen{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	g.mu.Unlock()
	g.respond(w, r)
}

func (g *fakeGateway) requests() []seen {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]seen(nil), g.reqs...)
}

func (g *fakeGateway) last(t *testing.T) seen {
	t.Helper()
	rs := g.requests()
	if len(rs) == 0 {
		t.Fatal("the gateway saw no request")
	}
	return rs[len(rs)-1]
}

// client builds a Client with its own tuned transport (not the server's
// client), so the production transport is what the tests exercise.
func (g *fakeGateway) client(t *testing.T, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: g.srv.URL, RequestTimeout: 5 * time.Second, PollTimeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// reply answers with status, extra headers (pairs) and body.
func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Add(headers[i], headers[i+1])
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func ok(body string, headers ...string) http.HandlerFunc {
	return reply(http.StatusOK, body, headers...)
}

// assertJSONEqual compares two JSON documents by value.
func assertJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("request body is not JSON: %v (%q)", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("request body = %s, want %s", got, want)
	}
}

// assertRequest checks method, path, raw query, the exact Content-Type and
// the Guid/Cookie headers ("" = must be absent), and the body ("" = none).
func assertRequest(t *testing.T, r seen, method, path, rawQuery, guid, cookie, body string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if r.Path != path {
		t.Errorf("path = %s, want %s", r.Path, path)
	}
	if r.RawQuery != rawQuery {
		t.Errorf("raw query = %q, want %q", r.RawQuery, rawQuery)
	}
	if got := r.Header["Content-Type"]; !reflect.DeepEqual(got, []string{"application/json; charset=UTF-8"}) {
		t.Errorf("Content-Type = %q, want exactly [\"application/json; charset=UTF-8\"]", got)
	}
	checkHeader := func(name, want string) {
		t.Helper()
		got := r.Header.Values(name)
		switch {
		case want == "" && len(got) != 0:
			t.Errorf("%s header = %q, want none", name, got)
		case want != "" && !reflect.DeepEqual(got, []string{want}):
			t.Errorf("%s header = %q, want [%q]", name, got, want)
		}
	}
	checkHeader("Guid", guid)
	checkHeader("Cookie", cookie)
	if body == "" {
		if len(r.Body) != 0 {
			t.Errorf("body = %q, want none", r.Body)
		}
		return
	}
	assertJSONEqual(t, r.Body, body)
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// compactJSON normalises a JSON document for comparisons of raw content.
func compactJSON(t *testing.T, s []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, s); err != nil {
		t.Fatalf("not JSON: %q: %v", s, err)
	}
	return b.String()
}

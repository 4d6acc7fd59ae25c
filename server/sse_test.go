package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSSEFrame(t *testing.T) {
	for _, c := range []struct {
		name, line, want string
	}{
		{"event", `{"result":{"event":{"cursor":"c1","sequence":"1"}}}`,
			"id: c1\nevent: event\ndata: {\"event\":{\"cursor\":\"c1\",\"sequence\":\"1\"}}\n\n"},
		{"snapshot", `{"result":{"snapshot":{"agents":[],"cursor":"c0"}}}`,
			"id: c0\nevent: snapshot\ndata: {\"snapshot\":{\"agents\":[],\"cursor\":\"c0\"}}\n\n"},
		{"gap resumes after the missing range", `{"result":{"gap":{"agentId":"101","resumeCursor":"c9"}}}`,
			"id: c9\nevent: gap\ndata: {\"gap\":{\"agentId\":\"101\",\"resumeCursor\":\"c9\"}}\n\n"},
		{"heartbeat is a comment that moves the id", `{"result":{"heartbeat":{"time":"2026-01-01T00:00:00Z","cursor":"c5"}}}`,
			": heartbeat\nid: c5\n\n"},
		{"heartbeat without cursor", `{"result":{"heartbeat":{"cursor":""}}}`, ": heartbeat\n\n"},
		{"error", `{"error":{"code":8,"message":"too slow","details":[]}}`,
			"event: stream-error\ndata: {\"code\":8,\"message\":\"too slow\",\"details\":[]}\n\n"},
		{"an id that would break the framing is left out", `{"result":{"event":{"cursor":"a\nb"}}}`,
			"event: event\ndata: {\"event\":{\"cursor\":\"a\\nb\"}}\n\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := sseFrame([]byte(c.line))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != c.want {
				t.Errorf("frame:\n%q\nwant\n%q", got, c.want)
			}
		})
	}
	for _, bad := range []string{`not json`, `{"result":{}}`, `{"result":{"event":{},"gap":{}}}`, `{"result":"x"}`, `{}`} {
		if f, err := sseFrame([]byte(bad)); err == nil {
			t.Errorf("sseFrame(%s) = %q, want an error", bad, f)
		}
	}
}

// FuzzSSEFrame checks that whatever line it is given, a frame is well formed: field lines
// only, ending with the blank line that dispatches it, and never an id with a line break.
func FuzzSSEFrame(f *testing.F) {
	for _, s := range []string{`{"result":{"event":{"cursor":"c1"}}}`, `{"error":{"code":1}}`, `{"result":{"heartbeat":{"cursor":"x"}}}`, `{"result":{"gap":{"resumeCursor":"\r"}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.Contains(line, "\n") {
			t.Skip("lines never hold a newline: it is the delimiter")
		}
		frame, err := sseFrame([]byte(line))
		if err != nil {
			return
		}
		s := string(frame)
		if !strings.HasSuffix(s, "\n\n") || strings.Count(s, "\n\n") != 1 {
			t.Fatalf("frame %q is not one event", s)
		}
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n\n"), "\n") {
			name, _, _ := strings.Cut(l, ": ")
			switch name {
			case "id", "event", "data", "":
			default:
				t.Fatalf("frame %q has line %q", s, l)
			}
			if strings.ContainsAny(l, "\r\x00") && name == "id" {
				t.Fatalf("frame %q has a broken id line", s)
			}
		}
	})
}

func TestAcceptsSSE(t *testing.T) {
	for _, c := range []struct {
		accept []string
		want   bool
	}{
		{[]string{"text/event-stream"}, true},
		{[]string{"application/json, text/event-stream;q=0.9"}, true},
		{[]string{"application/json", "Text/Event-Stream"}, true},
		{[]string{"application/x-ndjson"}, false},
		{[]string{"*/*"}, false},
		{nil, false},
	} {
		if got := acceptsSSE(c.accept); got != c.want {
			t.Errorf("acceptsSSE(%q) = %v, want %v", c.accept, got, c.want)
		}
	}
}

// gatewayLike answers like grpc-gateway's stream handler: NDJSON lines written in pieces and
// flushed, or an error status with a JSON body before any line. It echoes the query it got.
func gatewayLike(lines []string, status int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Query", r.URL.RawQuery)
		if status != http.StatusOK {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"error":{"code":3}}`+"\n")
			return
		}
		for _, l := range lines {
			half := len(l) / 2
			_, _ = io.WriteString(w, l[:half])
			_, _ = io.WriteString(w, l[half:])
			_, _ = io.WriteString(w, "\n")
			w.(http.Flusher).Flush()
		}
	})
}

func TestSSEStreams(t *testing.T) {
	lines := []string{`{"result":{"snapshot":{"cursor":"s"}}}`, `{"result":{"event":{"cursor":"e1"}}}`, `{"error":{"code":14}}`}
	for _, c := range []struct {
		name, path     string
		header         http.Header
		status         int
		wantCT, wantQ  string
		wantBodyPrefix string
	}{
		{"NDJSON stays the default", "/v1/events?resume_after=x", nil, 200,
			"application/x-ndjson", "resume_after=x", lines[0]},
		{"SSE when asked", "/v1/agents/101/events", http.Header{"Accept": {"text/event-stream"}}, 200,
			"text/event-stream", "", "id: s\nevent: snapshot\n"},
		{"Last-Event-ID replaces resume_after", "/v1/events?resume_after=old&agent_ids=101",
			http.Header{"Accept": {"text/event-stream"}, "Last-Event-Id": {"e1"}}, 200,
			"text/event-stream", "agent_ids=101&resume_after=e1", "id: s\n"},
		{"Last-Event-ID replaces resumeAfter too", "/v1/events?resumeAfter=old",
			http.Header{"Accept": {"text/event-stream"}, "Last-Event-Id": {"e1"}}, 200,
			"text/event-stream", "resume_after=e1", "id: s\n"},
		{"an error before the stream keeps its status", "/v1/agents/1/events", http.Header{"Accept": {"text/event-stream"}}, 400,
			"application/json", "", `{"error":`},
		{"other routes are untouched", "/v1/sessions", http.Header{"Accept": {"text/event-stream"}, "Last-Event-Id": {"e1"}}, 200,
			"text/plain; charset=utf-8", "", lines[0]},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(sseStreams(ndjsonStreams(gatewayLike(lines, c.status))))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
			for k, v := range c.header {
				req.Header[k] = v
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != c.status || res.Header.Get("Content-Type") != c.wantCT {
				t.Errorf("answered %d %q, want %d %q", res.StatusCode, res.Header.Get("Content-Type"), c.status, c.wantCT)
			}
			if c.wantQ != "" && res.Header.Get("X-Query") != c.wantQ {
				t.Errorf("stream got query %q, want %q", res.Header.Get("X-Query"), c.wantQ)
			}
			if !bytes.HasPrefix(body, []byte(c.wantBodyPrefix)) {
				t.Errorf("body %q does not start with %q", body, c.wantBodyPrefix)
			}
			if c.wantCT == "text/event-stream" {
				want := "id: s\nevent: snapshot\ndata: {\"snapshot\":{\"cursor\":\"s\"}}\n\n" +
					"id: e1\nevent: event\ndata: {\"event\":{\"cursor\":\"e1\"}}\n\n" +
					"event: stream-error\ndata: {\"code\":14}\n\n"
				if string(body) != want || res.Header.Get("Cache-Control") != "no-cache" {
					t.Errorf("SSE body:\n%q\nwant\n%q (Cache-Control %q)", body, want, res.Header.Get("Cache-Control"))
				}
			}
		})
	}
}

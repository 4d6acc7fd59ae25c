package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

// sseEvent is one server-sent event as a browser's EventSource parses it; comment lines are
// kept too, since heartbeats are comments.
type sseEvent struct {
	ID, Event, Data string
	Comments        []string
}

// sseStream GETs an event stream asking for text/event-stream, with lastEventID as the
// Last-Event-ID header when set, and delivers its events.
func (b *bridge) sseStream(t *testing.T, path, lastEventID string) <-chan sseEvent {
	t.Helper()
	header := http.Header{"Accept": {"text/event-stream"}}
	if lastEventID != "" {
		header.Set("Last-Event-ID", lastEventID)
	}
	res, cancel := b.openStream(t, path, header, "text/event-stream")
	out := make(chan sseEvent, 1000)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				out <- ev
				ev = sseEvent{}
				continue
			}
			name, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch name {
			case "":
				ev.Comments = append(ev.Comments, value)
			case "id":
				ev.ID = value
			case "event":
				ev.Event = value
			case "data":
				ev.Data += value
			default:
				t.Errorf("unexpected SSE line %q", line)
			}
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return out
}

// openStream GETs a stream with the given headers and fails the test unless it answers 200
// with the content type wantCT. cancel ends it.
func (b *bridge) openStream(t *testing.T, path string, header http.Header, wantCT string) (*http.Response, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctxT(t, 20*time.Second))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.httpBase+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); ct != wantCT || res.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("stream answered %d with content type %q, want 200 %q", res.StatusCode, ct, wantCT)
	}
	return res, cancel
}

func nextSSE(t *testing.T, events <-chan sseEvent, match func(sseEvent) bool) sseEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-events:
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatal("no matching SSE event within 5s")
		}
	}
}

// TestRESTStreamAsSSE follows an agent over SSE: the snapshot and events carry their cursor
// as id, heartbeats are comments with an id, and a reconnect with Last-Event-ID (as an
// EventSource sends it) continues right after that event even when the URL names an older
// resume_after.
func TestRESTStreamAsSSE(t *testing.T) {
	b := startBridge(t, func(c *app.Config) { c.Heartbeat = 100 * time.Millisecond })
	b.signIn(t, "1001")
	const path = "/v1/agents/1001/events?event_types=AgentState_SetNotReady_Success"
	events := b.sseStream(t, path, "")
	snap := nextSSE(t, events, func(e sseEvent) bool { return true })
	var snapMsg struct{ Snapshot struct{ Cursor string } }
	if err := json.Unmarshal([]byte(snap.Data), &snapMsg); err != nil || snap.Event != "snapshot" || snap.ID != snapMsg.Snapshot.Cursor || snap.ID == "" {
		t.Fatalf("first SSE event %+v (%v), want the snapshot with its cursor as id", snap, err)
	}
	for i := range 3 {
		if err := b.app.Simulator().PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": string(rune('0' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	var last sseEvent
	for i := range 2 {
		last = nextSSE(t, events, func(e sseEvent) bool { return e.Event == "event" })
		var msg struct {
			Event struct{ Cursor, Reason string }
		}
		if err := json.Unmarshal([]byte(last.Data), &msg); err != nil || msg.Event.Reason != string(rune('0'+i)) || last.ID != msg.Event.Cursor {
			t.Fatalf("event %d: %+v (%v)", i, last, err)
		}
	}
	hb := nextSSE(t, events, func(e sseEvent) bool { return len(e.Comments) > 0 })
	if hb.Comments[0] != "heartbeat" || hb.ID == "" || hb.Event != "" || hb.Data != "" {
		t.Errorf("heartbeat %+v, want a comment with an id and no data", hb)
	}

	resumed := b.sseStream(t, path+"&resume_after="+snap.ID, last.ID)
	got := nextSSE(t, resumed, func(e sseEvent) bool { return e.Event == "event" })
	if !strings.Contains(got.Data, `"reason":"2"`) {
		t.Fatalf("resumed with Last-Event-ID at the second event, got %+v, want the third event", got)
	}
}

// TestRESTStreamAsSSERefusal: a stream refused before it starts keeps its HTTP status and JSON
// body, so an EventSource stops instead of reconnecting forever.
func TestRESTStreamAsSSERefusal(t *testing.T) {
	b := startBridge(t)
	req, _ := http.NewRequest(http.MethodGet, b.httpBase+"/v1/agents/100/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		Error struct{ Code int } `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || res.StatusCode != http.StatusBadRequest ||
		res.Header.Get("Content-Type") != "application/json" || body.Error.Code != 3 {
		t.Fatalf("answered %d %q %+v (%v), want 400 with an INVALID_ARGUMENT error line", res.StatusCode, res.Header.Get("Content-Type"), body, err)
	}
}

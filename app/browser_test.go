package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/app"
)

// followPage follows agent 1001's AgentState_SetNotReady_Success events with EventSource and
// logs each thing that happens as one JSON line on the console.
const followPage = `<!doctype html>
<title>follow</title>
<script>
const log = (o) => console.log(JSON.stringify(o));
const es = new EventSource("/v1/agents/1001/events?event_types=AgentState_SetNotReady_Success");
es.onopen = () => log({kind: "open"});
es.onerror = () => log({kind: "error", state: es.readyState});
es.addEventListener("snapshot", (e) => log({kind: "snapshot", id: e.lastEventId}));
es.addEventListener("event", (e) => {
  const ev = JSON.parse(e.data).event;
  log({kind: "event", id: e.lastEventId, cursor: ev.cursor, sequence: ev.sequence, reason: ev.reason});
});
es.addEventListener("stream-error", (e) => log({kind: "stream-error", data: e.data}));
</script>`

type pageLog struct {
	Kind, ID, Cursor, Sequence, Reason, Message string
}

// TestBrowserFollowsSSE runs Debian's Chromium (headless, driven by playwright-core through
// tools/rest-ci/browser.mjs) on a page served from the bridge's own origin. The page follows
// an agent with EventSource; the server serving the bridge cuts every connection twice, once
// right after events and once after heartbeats only, while more events happen. The browser
// must reconnect by itself (Last-Event-ID) and see every event exactly once, in order.
//
// It needs a browser: tools/rest-ci.sh sets CCGW_CHROMIUM to the executable after installing
// Debian's chromium and the driver's npm packages.
func TestBrowserFollowsSSE(t *testing.T) {
	chromium := os.Getenv("CCGW_CHROMIUM")
	if chromium == "" {
		t.Skip("CCGW_CHROMIUM (a Chromium executable) is not set; tools/rest-ci.sh runs this test")
	}
	driver, err := filepath.Abs(filepath.Join("..", "tools", "rest-ci", "browser.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	b := startBridge(t, func(c *app.Config) { c.Heartbeat = 100 * time.Millisecond })
	b.signIn(t, "1001")

	var mu sync.Mutex
	var lastEventIDs []string // the Last-Event-ID of each REST request
	mux := http.NewServeMux()
	mux.HandleFunc("GET /follow.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(followPage))
	})
	bridge := b.app.HTTPHandler()
	mux.Handle("/", bridge)
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lastEventIDs = append(lastEventIDs, r.Header.Get("Last-Event-ID"))
		mu.Unlock()
		bridge.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", driver, chromium, srv.URL+"/follow.html")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs := make(chan pageLog, 1000)
	go func() {
		defer close(logs)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l pageLog
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Logf("browser: %s", sc.Text())
				continue
			}
			logs <- l
		}
	}()
	defer func() {
		_ = stdin.Close() // the driver closes the browser and exits
		if err := cmd.Wait(); err != nil {
			t.Errorf("browser driver: %v", err)
		}
	}()

	var events []pageLog
	opens, snapshots := 0, 0
	// await reads the page's log until cond holds.
	await := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for !cond() {
			select {
			case l, ok := <-logs:
				if !ok {
					t.Fatalf("browser exited while waiting for %s", what)
				}
				switch l.Kind {
				case "open":
					opens++
				case "snapshot":
					snapshots++
				case "event":
					events = append(events, l)
				case "pageerror", "stream-error":
					t.Fatalf("page: %+v", l)
				}
			case <-deadline:
				t.Fatalf("no %s within 30s (page saw %d events, %d opens)", what, len(events), opens)
			}
		}
	}
	next := 0 // reason of the next event to push
	push := func(n int) {
		t.Helper()
		for range n {
			if err := b.app.Simulator().PushEvent("1001", "AgentState_SetNotReady_Success", map[string]string{"reason": strconv.Itoa(next)}); err != nil {
				t.Fatal(err)
			}
			next++
		}
	}

	await("the snapshot", func() bool { return snapshots == 1 })
	push(5)
	await("5 events", func() bool { return len(events) == 5 })

	// Cut right after events: the browser resumes from the last event's id.
	srv.CloseClientConnections()
	push(5) // while the browser is away
	await("a second connection with the missed events", func() bool { return opens >= 2 && len(events) >= 10 })
	push(5)
	await("live events after reconnecting", func() bool { return len(events) >= 15 })

	// Cut after heartbeats only. An event the page's filter skips moves the stream position
	// past the last delivered event, so the heartbeats' id differs from that event's: the
	// browser must resume from the heartbeat's id (a comment frame with an id line).
	if err := b.app.Simulator().PushEvent("1001", "AgentState_Ready", nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	srv.CloseClientConnections()
	push(5)
	await("a third connection with the missed events", func() bool { return opens >= 3 && len(events) >= 20 })

	var reasons []string
	for i, e := range events {
		reasons = append(reasons, e.Reason)
		if e.ID != e.Cursor {
			t.Errorf("event %d: id %q is not its cursor %q", i, e.ID, e.Cursor)
		}
		if i > 0 {
			prev, _ := strconv.ParseUint(events[i-1].Sequence, 10, 64)
			cur, _ := strconv.ParseUint(e.Sequence, 10, 64)
			if cur <= prev {
				t.Errorf("event %d: sequence %d after %d", i, cur, prev)
			}
		}
	}
	var want []string
	for i := range next {
		want = append(want, strconv.Itoa(i))
	}
	if !slices.Equal(reasons, want) {
		t.Errorf("the browser saw events %q, want each of %q once, in order", reasons, want)
	}
	mu.Lock()
	streamIDs := slices.Clone(lastEventIDs)
	mu.Unlock()
	// Three stream requests: the first without Last-Event-ID, then one per cut.
	if len(streamIDs) != 3 || streamIDs[0] != "" || streamIDs[1] != events[4].ID || streamIDs[2] == "" || streamIDs[2] == events[14].ID {
		t.Errorf("stream requests carried Last-Event-ID %q; want none, the 5th event's id, then a heartbeat's id", streamIDs)
	}
}

//go:build linux

package failover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// startSim runs the standalone simulator with n agents (ids agentID(0..n-1)) on one skill
// queue, and returns its base URL.
func startSim(t *testing.T, bin string, n int, heartbeat time.Duration) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("queues:\n  - {id: 1, name: failover}\nagents:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: %q, password: \"pw-%s\", skills: [1]}\n", agentID(i), agentID(i))
	}
	dir := filepath.Join(t.TempDir(), "directory.yaml")
	if err := os.WriteFile(dir, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	urlc := make(chan string, 1)
	re := regexp.MustCompile(`url=(http://[0-9.:]+)/`)
	p := startProc(t, "ccgw-sim", bin, []string{"-listen", "127.0.0.1:0", "-plain-http", "-directory", dir,
		"-heartbeat-timeout", heartbeat.String(), "-poll-wait", "5s", "-log-level", "info"}, func(line string) {
		if m := re.FindStringSubmatch(line); m != nil {
			select {
			case urlc <- m[1]:
			default:
			}
		}
	})
	_ = p
	select {
	case u := <-urlc:
		return u
	case <-time.After(30 * time.Second):
		t.Fatal("simulator did not start")
	}
	return ""
}

// simAgent is the simulator's view of an agent (control API).
type simAgent struct {
	ID             string `json:"id"`
	SignedIn       bool   `json:"signedIn"`
	LoginTimeMs    int64  `json:"loginTimeMs"`
	DisplacedPolls int    `json:"displacedPolls"`
	DroppedEvents  int    `json:"droppedEvents"`
}

func simAgents(t *testing.T, simURL string) map[string]simAgent {
	t.Helper()
	resp, err := http.Get(simURL + "/sim/v1/agents")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var as []simAgent
	if err := json.NewDecoder(resp.Body).Decode(&as); err != nil {
		t.Fatal(err)
	}
	out := map[string]simAgent{}
	for _, a := range as {
		out[a.ID] = a
	}
	return out
}

func simPost(simURL, path string, body any) (int, error) {
	b, _ := json.Marshal(body)
	resp, err := http.Post(simURL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

type probeKey struct {
	agent string
	n     int
}

// prober pushes a steady stream of numbered Probe events, round-robin over the agents, each
// agent getting one every period.
type prober struct {
	simURL string
	agents []string

	mu       sync.Mutex
	next     map[string]int // next number per agent
	pushedAt map[probeKey]time.Time
	refused  int // pushes the simulator refused: the agent was no longer signed in there
	paused   bool
}

func (p *prober) run(ctx context.Context, period time.Duration) {
	tick := time.NewTicker(period / time.Duration(len(p.agents)))
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p.mu.Lock()
		paused := p.paused
		p.mu.Unlock()
		if paused {
			continue
		}
		a := p.agents[i%len(p.agents)]
		p.mu.Lock()
		n := p.next[a] + 1
		p.mu.Unlock()
		code, err := simPost(p.simURL, "/sim/v1/agents/"+a+"/events", map[string]any{"eventType": "Probe", "content": map[string]int{"n": n}})
		p.mu.Lock()
		switch {
		case err == nil && code == http.StatusAccepted:
			p.next[a] = n
			p.pushedAt[probeKey{a, n}] = time.Now()
		case err == nil:
			p.refused++
		}
		p.mu.Unlock()
	}
}

func (p *prober) pause(paused bool) {
	p.mu.Lock()
	p.paused = paused
	p.mu.Unlock()
}

// streamClient follows every agent's probes through one replica ("home"), resuming from its
// last cursor after any error, on its home replica when that serves and on another otherwise.
type streamClient struct {
	home int
	f    *fleet

	mu         sync.Mutex
	cursor     string
	got        map[probeKey]int
	recvAt     map[probeKey]time.Time
	gaps       int
	reconnects int
	elsewhere  int // resumptions on a replica other than home
}

func (c *streamClient) run(ctx context.Context) {
	for try := 0; ctx.Err() == nil; try++ {
		idx := c.home
		conn := c.f.reps[idx].client()
		for k := 1; conn == nil && k < len(c.f.reps); k++ {
			idx = (c.home + k) % len(c.f.reps)
			conn = c.f.reps[idx].client()
		}
		if conn == nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		c.mu.Lock()
		cur := c.cursor
		if try > 0 {
			c.reconnects++
			if idx != c.home {
				c.elsewhere++
			}
		}
		c.mu.Unlock()
		c.follow(ctx, ccgwv1.NewAgentEventServiceClient(conn), cur)
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *streamClient) follow(ctx context.Context, cl ccgwv1.AgentEventServiceClient, cursor string) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := cl.StreamEvents(sctx, &ccgwv1.StreamEventsRequest{EventTypes: []string{"Probe"}, ResumeAfter: cursor})
	if err != nil {
		return
	}
	if os.Getenv("CCGW_FAILOVER_DEBUG") != "" {
		fmt.Println("DEBUG resume from", cursorPos(cursor))
		defer func() { fmt.Println("DEBUG stream ended at", cursorPos(c.cursor)) }()
	}
	for {
		m, err := st.Recv()
		if err != nil {
			return
		}
		now := time.Now()
		c.mu.Lock()
		switch {
		case m.GetEvent() != nil:
			ev := m.GetEvent()
			n := int(ev.GetContent().GetStructValue().GetFields()["n"].GetNumberValue())
			k := probeKey{ev.GetAgentId(), n}
			c.got[k]++
			if _, ok := c.recvAt[k]; !ok {
				c.recvAt[k] = now
			}
			c.cursor = ev.GetCursor()
		case m.GetHeartbeat() != nil:
			c.cursor = m.GetHeartbeat().GetCursor()
		case m.GetGap() != nil:
			c.gaps++
		}
		c.mu.Unlock()
	}
}

// callInnerSkillCalls sums ccgw_gateway_calls_total{op="callInnerSkill"} over the replicas
// that run now.
func callInnerSkillCalls(t *testing.T, f *fleet) int {
	t.Helper()
	total := 0
	for _, b := range f.reps {
		if b.client() == nil {
			continue
		}
		resp, err := http.Get(b.metricsURL())
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "ccgw_gateway_calls_total{") && strings.Contains(line, `op="callInnerSkill"`) {
				v, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
				total += int(v)
			}
		}
		resp.Body.Close()
	}
	return total
}

// pollers reads ccgw_pollers from a replica.
func pollers(t *testing.T, b *bridge) int {
	t.Helper()
	resp, err := http.Get(b.metricsURL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "ccgw_pollers "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return int(n)
		}
	}
	return -1
}

// getJSONLen decodes a JSON array at url and stores its length in n.
func getJSONLen(url string, n *int) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var arr []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&arr); err != nil {
		return err
	}
	*n = len(arr)
	return nil
}

func cursorPos(c string) string {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 3 {
		return "?"
	}
	n := int(b[1])
	pos, _ := binary.Uvarint(b[2+n:])
	return fmt.Sprintf("%s/%d", b[2:2+n], pos)
}

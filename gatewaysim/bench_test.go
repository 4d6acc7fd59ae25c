package gatewaysim_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

// benchServer runs a simulator with n agents (ids 1001…) on the real clock
// behind a loopback HTTP server.
func benchServer(b *testing.B, n int, pollWait time.Duration) (*gatewaysim.Sim, *httptest.Server) {
	b.Helper()
	cfg := gatewaysim.Config{Queues: []gatewaysim.Queue{{ID: 1, Name: "General"}}, PollWait: pollWait, AutoJoinSkills: true, HeartbeatTimeout: time.Hour}
	for i := 0; i < n; i++ {
		id := strconv.Itoa(1001 + i)
		cfg.Agents = append(cfg.Agents, gatewaysim.Agent{ID: id, Password: "pw" + id, Skills: []int64{1}})
	}
	sim := gatewaysim.New(cfg)
	srv := httptest.NewServer(sim)
	b.Cleanup(func() {
		sim.Close()
		srv.Close()
	})
	return sim, srv
}

func benchSignIn(b *testing.B, client *http.Client, base, id string) string {
	b.Helper()
	req, _ := http.NewRequest("PUT", base+gw+"onlineagent/"+id, strings.NewReader(`{"password":"pw`+id+`","phonenum":"1"}`))
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	g := guidFrom(resp.Header)
	if g == "" {
		b.Fatalf("sign-in %s failed", id)
	}
	return g
}

func benchDo(b *testing.B, client *http.Client, method, url, guid, body string) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Guid", guid)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("%s %s: %d", method, url, resp.StatusCode)
	}
}

// BenchmarkPoll measures event polls answered immediately (one queued
// event each), over real loopback HTTP with keep-alive.
func BenchmarkPoll(b *testing.B) {
	sim, srv := benchServer(b, 1, time.Minute)
	client := srv.Client()
	g := benchSignIn(b, client, srv.URL, "1001")
	url := srv.URL + gw + "agentevent/1001"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sim.PushEvent("1001", "Bench", nil); err != nil {
			b.Fatal(err)
		}
		benchDo(b, client, "GET", url, g, "")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkCallInnerSkill measures an internal call placed and hung up
// (two requests per iteration) between two agents.
func BenchmarkCallInnerSkill(b *testing.B) {
	_, srv := benchServer(b, 2, time.Minute)
	client := srv.Client()
	g := benchSignIn(b, client, srv.URL, "1001")
	benchSignIn(b, client, srv.URL, "1002")
	call := srv.URL + gw + "voicecall/1001/callinnerskill"
	release := srv.URL + gw + "voicecall/1001/release"
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchDo(b, client, "PUT", call, g, `{"skillId":1}`)
		benchDo(b, client, "DELETE", release, g, "")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
	b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkMemoryPerParkedAgent signs in N agents, parks one long poll per
// agent on its own raw TCP connection (the client side holds only the
// socket), and reports the simulator's heap+stack growth per agent. It is
// a figure, not an assertion. Each round builds a fresh simulator, so run
// it with -benchtime 1x.
func BenchmarkMemoryPerParkedAgent(b *testing.B) {
	for _, n := range []int{100, 500} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				measureParked(b, n)
			}
		})
	}
}

func memNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

func measureParked(b *testing.B, n int) {
	sim, srv := benchServer(b, n, 10*time.Minute)
	client := srv.Client()
	guids := make([]string, n)
	base := memNow()
	for i := range guids {
		guids[i] = benchSignIn(b, client, srv.URL, strconv.Itoa(1001+i))
	}
	// Drain the sign-in events so the polls below park.
	for i, g := range guids {
		url := srv.URL + gw + "agentevent/" + strconv.Itoa(1001+i)
		benchDo(b, client, "GET", url, g, "")
		benchDo(b, client, "GET", url, g, "")
	}
	client.CloseIdleConnections()
	signedIn := memNow()
	addr := strings.TrimPrefix(srv.URL, "http://")
	conns := make([]net.Conn, 0, n)
	defer func() {
		sim.Close()
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for i, g := range guids {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET %sagentevent/%d HTTP/1.1\r\nHost: sim\r\nGuid: %s\r\n\r\n", gw, 1001+i, g)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		parked := 0
		for _, st := range sim.Agents() {
			if st.PollParked {
				parked++
			}
		}
		if parked == n {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d polls parked", parked, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	parked := memNow()
	b.ReportMetric(float64(int64(signedIn)-int64(base))/float64(n), "B/signed-in-agent")
	b.ReportMetric(float64(int64(parked)-int64(signedIn))/float64(n), "B/parked-poll")
	b.ReportMetric(float64(int64(parked)-int64(base))/float64(n), "B/agent-total")
}

package main

import (
	"fmt"
	"strings"
	"time"
)

// results is everything one run measured.
type results struct {
	Machine  machine
	Opts     *options
	Started  time.Time
	Took     time.Duration
	Commands []cmdResult
	Delivery []deliveryResult
	Scale    []*scaleResult // one per store, in -stores order
}

// target is one of the goals, evaluated against a measured figure.
type target struct {
	Name     string
	Goal     string
	Measured string
	Status   string
}

func (r *results) command(path string, conc int) (cmdResult, bool) {
	for _, c := range r.Commands {
		if c.Path == path && c.Concurrency == conc {
			return c, true
		}
	}
	return cmdResult{}, false
}

func (r *results) delivery(store, caseName, path string) (deliveryResult, bool) {
	for _, d := range r.allDelivery() {
		if d.Store == store && d.Case == caseName && d.Path == path {
			return d, true
		}
	}
	return deliveryResult{}, false
}

func (r *results) allDelivery() []deliveryResult {
	out := append([]deliveryResult(nil), r.Delivery...)
	for _, s := range r.Scale {
		out = append(out, s.Delivery...)
	}
	return out
}

// firstStore is the store of the bridge every command path goes through, the one the
// bridge's own targets are judged on and the other stores are compared with.
func (r *results) firstStore() string {
	if len(r.Opts.stores) == 0 {
		return storeMemory
	}
	return r.Opts.stores[0]
}

func (r *results) scale(store string) *scaleResult {
	for _, s := range r.Scale {
		if s.Store == store && len(s.Levels) > 0 {
			return s
		}
	}
	return nil
}

// commandPath is the grpc path's name for a store's bridge.
func (r *results) commandPath(store string) string {
	if store == r.firstStore() {
		return "grpc"
	}
	return "grpc@" + store
}

// directFor is the direct-path row a bridge delivery row is compared with: the same case, or
// for a fan-out case (one poller, however many subscribers) the single-subscriber case.
func (r *results) directFor(d deliveryResult) (deliveryResult, bool) {
	if x, ok := r.delivery(d.Store, d.Case, "direct long poll"); ok {
		return x, true
	}
	return r.delivery(d.Store, "1 subscriber", "direct long poll")
}

// atMost and atLeast describe a figure against its goal: met, or missed by how much.
func atMost(v, goal float64, unit string) string {
	if v <= goal {
		return "met"
	}
	return fmt.Sprintf("**missed** by %.2f%s (%.0f%% over)", v-goal, unit, 100*(v-goal)/goal)
}

func atLeast(v, goal float64, unit string) string {
	if v >= goal {
		return "met"
	}
	return fmt.Sprintf("**missed** by %.2f%s (%.0f%% under)", goal-v, unit, 100*(goal-v)/goal)
}

func (r *results) targets() []target {
	var ts []target
	d1, okD := r.command("direct", 1)
	g1, okG := r.command("grpc", 1)
	if okD && okG && d1.Lat.P50 > 0 {
		v := float64(g1.Lat.P50) / float64(d1.Lat.P50)
		ts = append(ts, target{"Command p50, gRPC bridge / direct, concurrency 1", "≤ 1.5", fmt.Sprintf("%.2f (%s / %s)", v, ms(g1.Lat.P50), ms(d1.Lat.P50)), atMost(v, 1.5, "")})
	}
	d64, okD := r.command("direct", 64)
	g64, okG := r.command("grpc", 64)
	if okD && okG && d64.throughput() > 0 {
		v := 100 * g64.throughput() / d64.throughput()
		ts = append(ts, target{"Command throughput, gRPC bridge / direct, concurrency 64", "≥ 60 %", fmt.Sprintf("%.0f %% (%.0f / %.0f per s)", v, g64.throughput(), d64.throughput()), atLeast(v, 60, " points")})
	}
	for _, c := range r.Commands {
		if c.Path != "grpc-auth" {
			continue
		}
		if g, ok := r.command("grpc", c.Concurrency); ok && g.Lat.P50 > 0 {
			v := 100 * float64(c.Lat.P50-g.Lat.P50) / float64(g.Lat.P50)
			ts = append(ts, target{fmt.Sprintf("Authentication + authorization added to the gRPC p50, concurrency %d", c.Concurrency), "≤ 10 %",
				fmt.Sprintf("%+.1f %% (%s with a JWT and a policy, %s without)", v, ms(c.Lat.P50), ms(g.Lat.P50)), atMost(v, 10, " points")})
		}
	}
	for _, d := range r.allDelivery() {
		if d.Path != "bridge gRPC stream" || d.Store != r.firstStore() {
			continue
		}
		direct, ok := r.directFor(d)
		if !ok {
			continue
		}
		added := d.Lat.P99 - direct.Lat.P99
		// The targets are for exactly 1 and 1,000 subscribers; other sizes (smoke test,
		// -fanout-subs experiments) and the scale row are reported without a verdict.
		var goal time.Duration
		switch {
		case strings.Contains(d.Case, "agents"):
		case d.Subs == 1:
			goal = 2 * time.Millisecond
		case d.Subs == 1000:
			goal = 20 * time.Millisecond
		}
		st := "info"
		if goal > 0 {
			st = atMost(float64(added)/1e6, float64(goal)/1e6, " ms")
		}
		g := "—"
		if goal > 0 {
			g = "≤ " + ms(goal)
		}
		ts = append(ts, target{"Event delivery p99 added by the bridge, " + d.Case, g,
			fmt.Sprintf("%s (bridge %s − direct %s)", ms(added), ms(d.Lat.P99), ms(direct.Lat.P99)), st})
	}
	if s := r.scale(r.firstStore()); s != nil {
		l := s.Levels[len(s.Levels)-1]
		rss := l.perAgent(s.Base, func(p procStats) float64 { return p.RSS }) / 1024
		name := fmt.Sprintf("RSS per agent, %s agents", thousands(l.Agents))
		cpuName := fmt.Sprintf("Idle CPU, %s agents", thousands(l.Agents))
		if s.InProcess {
			name += " (in-process bridge: includes the bench)"
			cpuName += " (in-process bridge: includes the bench and simulator)"
		}
		ts = append(ts, target{name, "≤ 40 KB", fmt.Sprintf("%.1f KB", rss), atMost(rss, 40, " KB")})
		ts = append(ts, target{cpuName, "≤ 10 % of a core", fmt.Sprintf("%.1f %%", 100*l.IdleCPU), atMost(100*l.IdleCPU, 10, " points")})
	}
	return append(ts, r.storeTargets()...)
}

// markdown renders the results as the tables BENCHMARKS.md quotes.
func (r *results) markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	m := r.Machine
	w("## Results of `go run ./cmd/ccgw-bench %s`\n\n", strings.Join(r.Opts.args, " "))
	w("Run %s, took %s. Bridge: %s. Machine: %d CPUs (%s), %s memory, %s %s, open-file limit %d, load average at start %s, revision %s.\n\n",
		r.Started.UTC().Format(time.RFC3339), r.Took.Round(time.Second), r.bridgeDesc(), m.CPUs, m.CPUModel, m.MemTotal, m.Go, m.OS, m.FDLimit, m.LoadAvg, m.Revision)

	if ts := r.targets(); len(ts) > 0 {
		w("### Targets\n\n| Figure | Target | Measured | Status |\n|---|---|---|---|\n")
		for _, t := range ts {
			w("| %s | %s | %s | %s |\n", t.Name, t.Goal, t.Measured, t.Status)
		}
		w("\n")
	}
	if len(r.Commands) > 0 {
		w("### Command round trips (PUT voicecall/{id}/callinnerskill, closed loop)\n\n")
		w("| Path | Concurrency | Ops | Errors | Throughput (/s) | p50 | p99 | p50 vs direct | Throughput vs direct | CPU µs per call: bench / simulator / bridge / NATS cluster |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range r.Commands {
			d, _ := r.command("direct", c.Concurrency)
			w("| %s | %d | %d | %d | %.0f | %s | %s | %s | %s | %s / %s / %s / %s |\n", c.Path, c.Concurrency, c.Ops, c.Errors, c.throughput(),
				ms(c.Lat.P50), ms(c.Lat.P99), ratio(float64(c.Lat.P50), float64(d.Lat.P50)), ratio(c.throughput(), d.throughput()),
				c.cpuPerCall(c.cpuBench), c.cpuPerCall(c.cpuSim), c.cpuPerCall(c.cpuBridge), c.cpuPerCall(c.cpuNATS))
		}
		w("\n")
	}
	if ds := r.allDelivery(); len(ds) > 0 {
		w("### Event delivery (PushEvent at the simulator → receipt, one monotonic clock)\n\n")
		w("| Store | Case | Path | Subscribers | Receipts | p50 | p99 | max | Added p50 | Added p99 | Bridge CPU µs per receipt |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, d := range ds {
			addP50, addP99 := "—", "—"
			if d.Path == "bridge gRPC stream" {
				if x, ok := r.directFor(d); ok {
					addP50, addP99 = ms(d.Lat.P50-x.Lat.P50), ms(d.Lat.P99-x.Lat.P99)
				}
			}
			w("| %s | %s | %s | %d | %d/%d | %s | %s | %s | %s | %s | %s |\n", d.Store, d.Case, d.Path, d.Subs, d.Received, d.Sent*d.Subs,
				ms(d.Lat.P50), ms(d.Lat.P99), ms(d.Lat.Max), addP50, addP99, d.bridgeCPUPerReceipt())
		}
		w("\n")
	}
	if len(r.Scale) > 0 {
		w("### Scale: the bridge's own /metrics with agents idle-polling\n\n")
		w("The NATS columns are the cluster store's three nats-server processes together (the embedded store's server is inside the bridge).\n\n")
		w("| Store | Signed-in agents | Sign-in rate (/s) | Polls parked | RSS | RSS / agent | Heap in use | Heap / agent | Stacks / agent | Goroutines | Goroutines / agent | Idle CPU (%% of a core) | NATS RSS / agent | NATS idle CPU (%% of a core) |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, s := range r.Scale {
			b0 := s.Base
			w("| %s | 0 (baseline) | — | — | %.1f MiB | — | %.1f MiB | — | — | %.0f | — | — | %s | — |\n", s.Store, b0.RSS/(1<<20), b0.HeapInuse/(1<<20), b0.Goroutines, s.natsRSS(s.NATSBase.RSS))
			for i, l := range s.Levels {
				added := l.Agents
				if i > 0 {
					added -= s.Levels[i-1].Agents
				}
				natsRSS, natsCPU := "—", "—"
				if len(s.natsPIDs) > 0 {
					natsRSS = fmt.Sprintf("%.1f KB", (l.NATS.RSS-s.NATSBase.RSS)/float64(l.Agents)/1024)
					natsCPU = fmt.Sprintf("%.1f", 100*l.NATSIdleCPU)
				}
				w("| %s | %s | %.0f | %d | %.1f MiB | %.1f KB | %.1f MiB | %.1f KB | %.1f KB | %.0f | %.2f | %.1f (over %s) | %s | %s |\n", s.Store, thousands(l.Agents),
					float64(added)/max(l.SignIn.Seconds(), 1e-9), l.Parked,
					l.Stats.RSS/(1<<20), l.perAgent(b0, func(p procStats) float64 { return p.RSS })/1024,
					l.Stats.HeapInuse/(1<<20), l.perAgent(b0, func(p procStats) float64 { return p.HeapInuse })/1024,
					l.perAgent(b0, func(p procStats) float64 { return p.StackInuse })/1024,
					l.Stats.Goroutines, l.perAgent(b0, func(p procStats) float64 { return p.Goroutines }),
					100*l.IdleCPU, l.IdleWindow, natsRSS, natsCPU)
			}
			if f := s.Floor; f != nil {
				w("| — | %s, direct gatewayclient pollers without the bridge (floor) | — | — | %.1f MiB | %.1f KB | — | — | — | — | — | %.1f (over %s) | — | — |\n", thousands(f.Agents),
					f.Stats.RSS/(1<<20), (f.Stats.RSS-f.Base.RSS)/float64(f.Agents)/1024, 100*f.IdleCPU, f.IdleWindow)
			}
		}
		w("\n")
	}
	r.storeCost(w)
	return b.String()
}

// natsRSS is the cluster's resident memory for the table, "—" without a cluster.
func (s *scaleResult) natsRSS(v float64) string {
	if len(s.natsPIDs) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f MiB", v/(1<<20))
}

func (r *results) bridgeDesc() string {
	d := "the ccgw-bridge binary in a child process; the load generator in the bench process, with the simulator in a child process for command round trips and in the bench process for event delivery and scale"
	if r.Opts.bridge == "inproc" {
		d = "in-process (app.New in the bench; process figures include the bench)"
	}
	if len(r.Opts.stores) > 1 || r.firstStore() != storeMemory {
		d += "; stores " + strings.Join(r.Opts.stores, ", ")
	}
	if len(r.Opts.bridgeFlags) > 0 {
		d += ", with extra flags `" + strings.Join(r.Opts.bridgeFlags, " ") + "`"
	}
	return d
}

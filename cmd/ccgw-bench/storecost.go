package main

import (
	"fmt"
	"strings"
	"time"
)

// Targets of the stores beyond the first (issue: replicated state on NATS JetStream).
const (
	clusterP50Goal   = 1.25                 // command p50 on the 3-node cluster / on memory
	storeDeliveryP99 = 3 * time.Millisecond // event delivery p99 added, 1 subscriber
)

// storeTargets judges the stores after the first against their goals: the cluster's command
// p50 against the first store's, and every store's added delivery p99 with one subscriber.
func (r *results) storeTargets() []target {
	var ts []target
	first := r.firstStore()
	for _, store := range r.Opts.stores[min(1, len(r.Opts.stores)):] {
		if store == storeCluster {
			for _, conc := range r.Opts.concurrency {
				base, ok1 := r.command("grpc", conc)
				c, ok2 := r.command(r.commandPath(store), conc)
				if !ok1 || !ok2 || base.Lat.P50 <= 0 {
					continue
				}
				v := float64(c.Lat.P50) / float64(base.Lat.P50)
				ts = append(ts, target{fmt.Sprintf("Command p50, %s / %s store, concurrency %d", store, first, conc), fmt.Sprintf("≤ %.2f", clusterP50Goal),
					fmt.Sprintf("%.2f (%s / %s)", v, ms(c.Lat.P50), ms(base.Lat.P50)), atMost(v, clusterP50Goal, "")})
			}
		}
		for _, d := range r.allDelivery() {
			if d.Store != store || d.Path != "bridge gRPC stream" || d.Subs != 1 || strings.Contains(d.Case, "agents") {
				continue
			}
			if direct, ok := r.directFor(d); ok {
				added := d.Lat.P99 - direct.Lat.P99
				ts = append(ts, target{fmt.Sprintf("Event delivery p99 added by the bridge, 1 subscriber, %s store", store), "≤ " + ms(storeDeliveryP99),
					fmt.Sprintf("%s (bridge %s − direct %s)", ms(added), ms(d.Lat.P99), ms(direct.Lat.P99)),
					atMost(float64(added)/1e6, float64(storeDeliveryP99)/1e6, " ms")})
			}
		}
	}
	return ts
}

// storeCost renders one table with a column per store: what keeping the bridge's state in
// JetStream costs next to the first store, each figure measured in this run.
func (r *results) storeCost(w func(string, ...any)) {
	stores := r.Opts.stores
	if len(stores) < 2 {
		return
	}
	first := stores[0]
	w("### Cost of the store (each against %s, measured in this run)\n\n| Figure | %s |\n|%s\n", first, strings.Join(stores, " | "), strings.Repeat("---|", len(stores)+1))
	row := func(name string, cell func(store string) string) {
		cells := make([]string, len(stores))
		for i, s := range stores {
			cells[i] = cell(s)
		}
		w("| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	for _, conc := range r.Opts.concurrency {
		base, okBase := r.command("grpc", conc)
		if !okBase {
			continue
		}
		row(fmt.Sprintf("Command p50 (gRPC), concurrency %d", conc), func(s string) string {
			c, ok := r.command(r.commandPath(s), conc)
			if !ok {
				return "—"
			}
			return fmt.Sprintf("%s (%s)", ms(c.Lat.P50), ratio(float64(c.Lat.P50), float64(base.Lat.P50)))
		})
		row(fmt.Sprintf("Command throughput (gRPC), concurrency %d", conc), func(s string) string {
			c, ok := r.command(r.commandPath(s), conc)
			if !ok {
				return "—"
			}
			return fmt.Sprintf("%.0f/s (%s)", c.throughput(), ratio(c.throughput(), base.throughput()))
		})
	}
	// Delivery cases in the order the first store measured them.
	for _, d := range r.allDelivery() {
		if d.Store != first || d.Path != "bridge gRPC stream" {
			continue
		}
		row("Event delivery p99 added, "+d.Case, func(s string) string {
			x, ok := r.delivery(s, d.Case, d.Path)
			direct, okD := r.directFor(x)
			if !ok || !okD {
				return "—"
			}
			return ms(x.Lat.P99 - direct.Lat.P99)
		})
	}
	if s0 := r.scale(first); s0 != nil {
		top := s0.Levels[len(s0.Levels)-1]
		level := func(s string) (*scaleResult, scaleLevel, bool) {
			sc := r.scale(s)
			if sc == nil {
				return nil, scaleLevel{}, false
			}
			l := sc.Levels[len(sc.Levels)-1]
			return sc, l, l.Agents == top.Agents
		}
		n := thousands(top.Agents)
		row("Sign-in rate, "+n+" agents", func(s string) string {
			sc, l, ok := level(s)
			if !ok {
				return "—"
			}
			added := l.Agents
			if len(sc.Levels) > 1 {
				added -= sc.Levels[len(sc.Levels)-2].Agents
			}
			return fmt.Sprintf("%.0f/s", float64(added)/max(l.SignIn.Seconds(), 1e-9))
		})
		row("RSS per agent, "+n+" agents: bridge + NATS cluster", func(s string) string {
			sc, l, ok := level(s)
			if !ok {
				return "—"
			}
			br := l.perAgent(sc.Base, func(p procStats) float64 { return p.RSS }) / 1024
			if len(sc.natsPIDs) == 0 {
				return fmt.Sprintf("%.1f KB", br)
			}
			nats := (l.NATS.RSS - sc.NATSBase.RSS) / float64(l.Agents) / 1024
			return fmt.Sprintf("%.1f KB (%.1f + %.1f)", br+nats, br, nats)
		})
		row("Idle CPU, "+n+" agents: bridge + NATS cluster (% of a core)", func(s string) string {
			sc, l, ok := level(s)
			if !ok {
				return "—"
			}
			if len(sc.natsPIDs) == 0 {
				return fmt.Sprintf("%.1f", 100*l.IdleCPU)
			}
			return fmt.Sprintf("%.1f (%.1f + %.1f)", 100*(l.IdleCPU+l.NATSIdleCPU), 100*l.IdleCPU, 100*l.NATSIdleCPU)
		})
	}
	w("\n")
}

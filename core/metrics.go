package core

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Metrics are the core's Prometheus instruments. Label values are bounded: gateway operation
// names, retcodes, event types and session states, never agent ids or call ids.
type Metrics struct {
	Sessions          *prometheus.GaugeVec
	Pollers           prometheus.Gauge
	Subscribers       prometheus.Gauge
	SubscribersCutOff prometheus.Counter
	Events            *prometheus.CounterVec
	DispatchLag       prometheus.Histogram
	GatewayCalls      *prometheus.CounterVec
	GatewayLatency    *prometheus.HistogramVec
	PollErrors        prometheus.Counter
	GatewayUp         *prometheus.GaugeVec // no labels: absent until the first gateway call

	reach reachability
}

// NewMetrics creates the instruments and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Sessions: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ccgw_sessions", Help: "Agent sessions held by this bridge, by state.",
		}, []string{"state"}),
		Pollers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ccgw_pollers", Help: "CC-Gateway event pollers running in this process.",
		}),
		Subscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ccgw_event_subscribers", Help: "Open event streams.",
		}),
		SubscribersCutOff: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ccgw_event_subscribers_cut_off_total", Help: "Event streams ended because the client fell behind its buffer.",
		}),
		Events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ccgw_events_total", Help: "Agent events dispatched, by CC-Gateway event type.",
		}, []string{"event_type"}),
		DispatchLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "ccgw_event_dispatch_lag_seconds",
			Help:    "Time from the poller receiving an event to the hub handing it to subscribers.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}),
		GatewayCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ccgw_gateway_calls_total", Help: "CC-Gateway HTTP calls by operation and retcode (\"transport\" when no answer).",
		}, []string{"op", "retcode"}),
		GatewayLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ccgw_gateway_call_duration_seconds", Help: "CC-Gateway call duration by operation (polls include the long-poll wait).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}, []string{"op"}),
		PollErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ccgw_poll_errors_total", Help: "Event polls that failed and were retried with backoff.",
		}),
		GatewayUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ccgw_gateway_up", Help: "1 when the CC-Gateway answered the bridge's latest call, 0 when that call got no usable answer (absent before the first call).",
		}, nil),
	}
	m.reach.onState = func(s GatewayState) {
		up := 0.0
		if s == GatewayReachable {
			up = 1
		}
		m.GatewayUp.WithLabelValues().Set(up)
	}
	reg.MustRegister(m.Sessions, m.Pollers, m.Subscribers, m.SubscribersCutOff, m.Events,
		m.DispatchLag, m.GatewayCalls, m.GatewayLatency, m.PollErrors, m.GatewayUp)
	return m
}

// ObserveGatewayCall is the gatewayclient OnCall hook.
func (m *Metrics) ObserveGatewayCall(ci gatewayclient.CallInfo) {
	rc := ci.Retcode
	if rc == "" {
		rc = "transport"
		var te *gatewayclient.TransportError
		if ci.Err == nil || !errors.As(ci.Err, &te) {
			rc = "none"
		}
	}
	m.GatewayCalls.WithLabelValues(ci.Op, rc).Inc()
	m.GatewayLatency.WithLabelValues(ci.Op).Observe(ci.Duration.Seconds())
	m.reach.observe(ci)
}

func (m *Metrics) observeDispatch(ev *store.Event, now time.Time) {
	m.Events.WithLabelValues(ev.Type).Inc()
	if !ev.ReceivedAt.IsZero() {
		m.DispatchLag.Observe(now.Sub(ev.ReceivedAt).Seconds())
	}
}

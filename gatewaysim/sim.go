package gatewaysim

import (
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Sim is a simulated CC-Gateway. It serves the agent REST interface under
// /agentgateway/resource/ and the control API under /sim/v1/. All state
// lives behind one mutex: the simulator favours obviously correct
// serialisation (the real gateway also processes one agent's requests in
// order) over throughput.
type Sim struct {
	cfg   Config
	clock Clock
	log   *slog.Logger
	mux   *http.ServeMux
	ops   map[string]bool // gateway operations served, by log name (written only while routing)

	closeOnce sync.Once
	closed    chan struct{}

	mu      sync.Mutex
	agents  map[string]*agent
	queues  map[int64]Queue
	calls   map[string]*call
	callSeq uint64
	// Faults have a lock of their own: every gateway request checks them, and must not contend
	// with the agents' lock just to learn that none is installed.
	faultMu  sync.Mutex
	faults   []*faultEntry
	faultSeq int
}

// agent is a directory entry plus its current sign-in session, if any.
type agent struct {
	cfg  Agent
	sess *session
}

// New builds a simulator from cfg. It never fails: invalid directory
// entries are skipped with a log line so a bad demo file cannot stop a test.
func New(cfg Config) *Sim {
	cfg = cfg.withDefaults()
	s := &Sim{
		cfg:    cfg,
		clock:  cfg.Clock,
		log:    cfg.Logger,
		closed: make(chan struct{}),
		agents: make(map[string]*agent),
		queues: make(map[int64]Queue),
		calls:  make(map[string]*call),
	}
	for _, q := range cfg.Queues {
		if err := s.AddQueue(q); err != nil {
			s.log.Warn("skipping queue", "queue", q.ID, "err", err)
		}
	}
	for _, a := range cfg.Agents {
		if err := s.AddAgent(a); err != nil {
			s.log.Warn("skipping agent", "agent", a.ID, "err", err)
		}
	}
	s.mux = http.NewServeMux()
	s.routeGateway()
	s.routeControl()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops every timer and releases parked polls and hung requests.
// It is idempotent. The owner of the http.Server still shuts the server down.
func (s *Sim) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, a := range s.agents {
			if a.sess != nil {
				a.sess.stopTimers()
				a.sess.wake()
			}
		}
	})
}

func (s *Sim) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// now is the clock's time; callers hold s.mu or not, the clock is safe.
func (s *Sim) now() time.Time { return s.clock.Now() }

// emit queues an event for the agent's session and wakes its parked poll.
// The caller holds s.mu. Events for an agent without a session are dropped:
// the real gateway has nobody to deliver them to either.
func (s *Sim) emit(a *agent, eventType string, content any) {
	if a == nil || a.sess == nil {
		return
	}
	a.sess.flushLate(s.cfg.MaxQueuedEvents)
	a.sess.push(s.event(a, eventType, content), s.cfg.MaxQueuedEvents)
}

func (s *Sim) event(a *agent, eventType string, content any) Event {
	return Event{EventType: eventType, WorkNo: a.cfg.ID, Content: content, EventGenTime: s.now().UnixMilli()}
}

// emitLate holds an event back: it is queued just before the agent's next
// event, or once LateResultDelay has passed. The caller holds s.mu.
func (s *Sim) emitLate(a *agent, eventType string, content any) {
	ss := a.sess
	if ss == nil {
		return
	}
	ss.late = append(ss.late, s.event(a, eventType, content))
	if ss.lateTimer != nil {
		return
	}
	ss.lateTimer = s.clock.AfterFunc(s.cfg.LateResultDelay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if a.sess == ss && !s.isClosed() {
			ss.lateTimer = nil
			ss.flushLate(s.cfg.MaxQueuedEvents)
		}
	})
}

// sortedAgents returns the agents ordered by work number (numerically when
// both are numbers), which keeps every choice the simulator makes stable.
func (s *Sim) sortedAgents() []*agent {
	out := make([]*agent, 0, len(s.agents))
	for _, a := range s.agents {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return lessID(out[i].cfg.ID, out[j].cfg.ID) })
	return out
}

func lessID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

package gatewaysim

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names an injected failure of the CC-Gateway surface.
type FaultKind string

const (
	// FaultLatency delays matching requests by Latency, then serves them.
	FaultLatency FaultKind = "latency"
	// FaultRetcode answers HTTP 200 with Retcode instead of serving the request.
	FaultRetcode FaultKind = "retcode"
	// FaultHTTPStatus answers with HTTP Status (400–599) and an HTML body,
	// as a load balancer in front of the gateway would.
	FaultHTTPStatus FaultKind = "http_status"
	// FaultCloseConnection sends the status line, headers and part of the
	// body, then closes the connection.
	FaultCloseConnection FaultKind = "close_connection"
	// FaultMalformedJSON answers HTTP 200 with a truncated JSON body.
	FaultMalformedJSON FaultKind = "malformed_json"
	// FaultHang holds matching requests without answering (a gateway
	// outage) until the fault is cleared — they are then served normally —
	// or the client gives up. A held poll is no heartbeat.
	FaultHang FaultKind = "hang"
)

// Fault is one injected failure. Faults apply only to the CC-Gateway
// routes, never to the control API.
type Fault struct {
	Kind FaultKind
	// Route is the gateway's log name of the operation (OpLogin,
	// OpGetAgentEvent, …); "" matches every gateway route.
	Route string
	// Count is how many matching requests the fault affects; 0 = until cleared.
	Count   int
	Latency time.Duration // FaultLatency
	Retcode string        // FaultRetcode, e.g. "100-007"
	Status  int           // FaultHTTPStatus
}

// FaultStatus is an installed fault and how many requests it has left.
type FaultStatus struct {
	ID        int
	Fault     Fault
	Remaining int // -1 = until cleared
	Hits      int
}

type faultEntry struct {
	id        int
	f         Fault
	remaining int // -1 = unlimited
	hits      int
	cleared   chan struct{}
}

// ErrInvalidFault is returned by SetFault for a fault it cannot apply.
var ErrInvalidFault = errors.New("gatewaysim: invalid fault")

func (f Fault) validate(ops map[string]bool) error {
	if f.Route != "" && !ops[f.Route] {
		return fmt.Errorf("%w: unknown route %q", ErrInvalidFault, f.Route)
	}
	if f.Count < 0 {
		return fmt.Errorf("%w: negative count", ErrInvalidFault)
	}
	switch f.Kind {
	case FaultLatency:
		if f.Latency <= 0 || f.Latency > 10*time.Minute {
			return fmt.Errorf("%w: latency must be in (0, 10m]", ErrInvalidFault)
		}
	case FaultRetcode:
		if f.Retcode == "" || len(f.Retcode) > 16 {
			return fmt.Errorf("%w: retcode required", ErrInvalidFault)
		}
	case FaultHTTPStatus:
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("%w: status must be 400–599", ErrInvalidFault)
		}
	case FaultCloseConnection, FaultMalformedJSON, FaultHang:
	default:
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidFault, f.Kind)
	}
	return nil
}

// SetFault installs a fault and returns its id.
func (s *Sim) SetFault(f Fault) (int, error) {
	if err := f.validate(s.ops); err != nil {
		return 0, err
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faultSeq++
	e := &faultEntry{id: s.faultSeq, f: f, remaining: f.Count, cleared: make(chan struct{})}
	if f.Count == 0 {
		e.remaining = -1
	}
	s.faults = append(s.faults, e)
	return e.id, nil
}

// ClearFault removes one fault; requests it holds are released and served.
func (s *Sim) ClearFault(id int) error {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, e := range s.faults {
		if e.id == id {
			close(e.cleared)
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%w: fault %d", ErrNotFound, id)
}

// ClearFaults removes every fault.
func (s *Sim) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for _, e := range s.faults {
		close(e.cleared)
	}
	s.faults = nil
}

// Faults lists the installed faults.
func (s *Sim) Faults() []FaultStatus {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]FaultStatus, 0, len(s.faults))
	for _, e := range s.faults {
		out = append(out, FaultStatus{ID: e.id, Fault: e.f, Remaining: e.remaining, Hits: e.hits})
	}
	return out
}

// takeFaultsLocked consumes the faults matching op: the summed latency and
// the first non-latency fault. Spent faults are dropped, except a spent
// hang, which stays listed until cleared because requests still wait on it.
func (s *Sim) takeFaultsLocked(op string) (time.Duration, *faultEntry) {
	var delay time.Duration
	var term *faultEntry
	kept := s.faults[:0]
	for _, e := range s.faults {
		if e.remaining != 0 && (e.f.Route == "" || e.f.Route == op) &&
			(e.f.Kind == FaultLatency || term == nil) {
			if e.f.Kind == FaultLatency {
				delay += e.f.Latency
			} else {
				term = e
			}
			e.hits++
			if e.remaining > 0 {
				e.remaining--
			}
		}
		if e.remaining == 0 && e.f.Kind != FaultHang {
			close(e.cleared)
			continue
		}
		kept = append(kept, e)
	}
	s.faults = kept
	return delay, term
}

// injectFault applies the installed faults to one gateway request. It
// reports true when it has answered (or abandoned) the request itself.
func (s *Sim) injectFault(w http.ResponseWriter, r *http.Request, op string) bool {
	s.faultMu.Lock()
	if len(s.faults) == 0 {
		s.faultMu.Unlock()
		return false
	}
	delay, e := s.takeFaultsLocked(op)
	s.faultMu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		case <-s.closed:
			t.Stop()
		}
	}
	if e == nil {
		return false
	}
	s.log.Debug("fault injected", "op", op, "kind", string(e.f.Kind))
	switch e.f.Kind {
	case FaultRetcode:
		writeEnvelope(w, reply{env: envelope{Message: "injected fault", Retcode: e.f.Retcode}})
	case FaultHTTPStatus:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(e.f.Status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", e.f.Status, http.StatusText(e.f.Status))
	case FaultMalformedJSON:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"message":"","retcode":"0","event":{"eventType":"AgentSt`))
	case FaultCloseConnection:
		closeMidResponse(w)
	case FaultHang:
		select {
		case <-e.cleared:
			return false // outage over: serve the request
		case <-r.Context().Done():
		case <-s.closed:
		}
	}
	return true
}

// partialBody is what a dropped response gets out before the connection dies.
const partialBody = `{"message":"success","retcode":"0","res`

// closeMidResponse promises a body, sends part of it and drops the
// connection. Over HTTP/1 the connection is hijacked and closed; where
// hijacking is impossible (HTTP/2) the stream is aborted instead.
func closeMidResponse(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		conn, buf, err := hj.Hijack()
		if err == nil {
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: " +
				strconv.Itoa(len(partialBody)+40) + "\r\n\r\n" + partialBody)
			_ = buf.Flush()
			_ = conn.Close()
			return
		}
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(partialBody)+40))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(partialBody))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler) // net/http's sanctioned way to abort a response
}

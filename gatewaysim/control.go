package gatewaysim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

const ctlPrefix = "/sim/v1/"

// routeControl registers the JSON control API. It is not part of the
// CC-Gateway surface: no GUIDs, no retcodes, ordinary HTTP statuses
// (400 invalid, 404 unknown, 409 conflict) and {"error": "..."} bodies.
func (s *Sim) routeControl() {
	p := ctlPrefix
	s.mux.HandleFunc("GET "+p+"agents", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Agents())
	})
	s.mux.HandleFunc("POST "+p+"agents", func(w http.ResponseWriter, r *http.Request) {
		var a Agent
		if !readJSON(w, r, &a) {
			return
		}
		respond(w, http.StatusCreated, map[string]string{"id": a.ID}, s.AddAgent(a))
	})
	s.mux.HandleFunc("GET "+p+"agents/{id}", func(w http.ResponseWriter, r *http.Request) {
		st, err := s.AgentState(r.PathValue("id"))
		respond(w, http.StatusOK, st, err)
	})
	s.mux.HandleFunc("POST "+p+"agents/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			EventType string          `json:"eventType"`
			Content   json.RawMessage `json:"content"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		var content any
		if len(body.Content) > 0 && string(body.Content) != "null" {
			content = body.Content
		}
		respond(w, http.StatusAccepted, nil, s.PushEvent(r.PathValue("id"), body.EventType, content))
	})
	s.mux.HandleFunc("POST "+p+"agents/{id}/signout", func(w http.ResponseWriter, r *http.Request) {
		respond(w, http.StatusOK, nil, s.SignOutAgent(r.PathValue("id")))
	})
	s.mux.HandleFunc("POST "+p+"agents/{id}/rotate-guid", func(w http.ResponseWriter, r *http.Request) {
		respond(w, http.StatusOK, nil, s.RotateGUID(r.PathValue("id")))
	})
	if s.cfg.EnableDebugRoutes {
		s.mux.HandleFunc("GET "+p+"debug/agents/{id}/guid", func(w http.ResponseWriter, r *http.Request) {
			g, err := s.DebugGUID(r.PathValue("id"))
			respond(w, http.StatusOK, map[string]string{"guid": g}, err)
		})
	}
	s.mux.HandleFunc("GET "+p+"queues", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Queues())
	})
	s.mux.HandleFunc("POST "+p+"queues", func(w http.ResponseWriter, r *http.Request) {
		var q Queue
		if !readJSON(w, r, &q) {
			return
		}
		respond(w, http.StatusCreated, q, s.AddQueue(q))
	})
	s.mux.HandleFunc("POST "+p+"calls", func(w http.ResponseWriter, r *http.Request) {
		var t CallTarget
		if !readJSON(w, r, &t) {
			return
		}
		started, err := s.StartInboundCall(t)
		respond(w, http.StatusCreated, started, err)
	})
	s.mux.HandleFunc("POST "+p+"chats", func(w http.ResponseWriter, r *http.Request) {
		var t CallTarget
		if !readJSON(w, r, &t) {
			return
		}
		started, err := s.StartChat(t)
		respond(w, http.StatusCreated, started, err)
	})
	s.mux.HandleFunc("POST "+p+"chats/{callid}/messages", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text string `json:"text"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		respond(w, http.StatusAccepted, nil, s.SendChatMessage(r.PathValue("callid"), body.Text))
	})
	s.mux.HandleFunc("DELETE "+p+"calls/{callid}", func(w http.ResponseWriter, r *http.Request) {
		respond(w, http.StatusOK, nil, s.EndCall(r.PathValue("callid")))
	})
	s.mux.HandleFunc("PUT "+p+"transfer-failure", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Mode              string `json:"mode"`
			LateResultDelayMs int64  `json:"lateResultDelayMs"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		respond(w, http.StatusNoContent, nil, s.SetTransferFailure(body.Mode, time.Duration(body.LateResultDelayMs)*time.Millisecond))
	})
	s.mux.HandleFunc("GET "+p+"faults", func(w http.ResponseWriter, r *http.Request) {
		out := []faultJSON{}
		for _, f := range s.Faults() {
			out = append(out, toFaultJSON(f))
		}
		writeJSON(w, http.StatusOK, out)
	})
	s.mux.HandleFunc("POST "+p+"faults", func(w http.ResponseWriter, r *http.Request) {
		var fj faultJSON
		if !readJSON(w, r, &fj) {
			return
		}
		id, err := s.SetFault(fj.fault())
		respond(w, http.StatusCreated, map[string]int{"id": id}, err)
	})
	s.mux.HandleFunc("DELETE "+p+"faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("DELETE "+p+"faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "fault id must be a number")
			return
		}
		respond(w, http.StatusOK, nil, s.ClearFault(id))
	})
}

// faultJSON is the wire form of a Fault (latency in milliseconds).
type faultJSON struct {
	ID        int       `json:"id,omitempty"`
	Kind      FaultKind `json:"kind"`
	Route     string    `json:"route,omitempty"`
	Count     int       `json:"count,omitempty"`
	LatencyMs int64     `json:"latencyMs,omitempty"`
	Retcode   string    `json:"retcode,omitempty"`
	Status    int       `json:"status,omitempty"`
	Remaining *int      `json:"remaining,omitempty"`
	Hits      int       `json:"hits"`
}

func (f faultJSON) fault() Fault {
	return Fault{Kind: f.Kind, Route: f.Route, Count: f.Count, Latency: time.Duration(f.LatencyMs) * time.Millisecond, Retcode: f.Retcode, Status: f.Status}
}

func toFaultJSON(st FaultStatus) faultJSON {
	rem := st.Remaining
	return faultJSON{
		ID: st.ID, Kind: st.Fault.Kind, Route: st.Fault.Route, Count: st.Fault.Count,
		LatencyMs: st.Fault.Latency.Milliseconds(), Retcode: st.Fault.Retcode, Status: st.Fault.Status,
		Remaining: &rem, Hits: st.Hits,
	}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// respond writes v with status ok, or maps err to an HTTP status.
func respond(w http.ResponseWriter, ok int, v any, err error) {
	switch {
	case err == nil && v == nil:
		w.WriteHeader(ok)
	case err == nil:
		writeJSON(w, ok, v)
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	default:
		writeError(w, http.StatusBadRequest, err.Error())
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

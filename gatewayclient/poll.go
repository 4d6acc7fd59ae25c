package gatewayclient

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Event is one agent event from a poll.
type Event struct {
	Type    string          `json:"eventType"`
	WorkNo  string          `json:"workNo"`
	GenTime time.Time       `json:"genTime"` // eventGenTime when present and plausible, else zero
	Content json.RawMessage `json:"content"` // verbatim; "null" when null or absent

	// Common fields lifted from Content, as text (numbers in their decimal
	// form); "" when absent. CallID accepts the callid, callId and callID
	// spellings, and is the whole content when the content is a bare string.
	CallID     string `json:"callId,omitempty"`
	Caller     string `json:"caller,omitempty"`
	Called     string `json:"called,omitempty"`
	OtherPhone string `json:"otherPhone,omitempty"`
	Feature    string `json:"feature,omitempty"`
	MediaType  string `json:"mediaType,omitempty"`
	Result     string `json:"result,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Poll fetches the next event (GET agentevent/{id}). The gateway holds the
// request for up to about 10 s when nothing is pending; (nil, nil) is such an
// empty poll. Each poll is also the agent's heartbeat: poll again promptly
// (the documentation suggests 200-500 ms later). On IsNotSignedIn stop polling.
func (s *Session) Poll(ctx context.Context) (*Event, error) {
	var ev *Event
	r := &request{op: OpGetAgentEvent, method: http.MethodGet, agentID: s.agentID,
		path: "agentevent/" + s.agentID, sess: s, poll: true}
	err := s.run(ctx, r, func(_ http.Header, data []byte) (string, string, error) {
		w, rc, err := parsePoll(data)
		if err != nil || rc != "0" {
			return rc, lenientText(w.message), err
		}
		ev, err = w.event()
		return rc, "", err
	})
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// DecodePoll decodes a poll answer body. It returns (nil, nil) for an empty
// poll (no event, a null event, or an event object without type or content),
// an *Error when the retcode is not "0", and a *TransportError of kind
// TransportBadResponse when the body is not the documented envelope.
func DecodePoll(body []byte) (*Event, error) {
	w, rc, err := parsePoll(body)
	if err != nil {
		return nil, &TransportError{Op: OpGetAgentEvent, Kind: TransportBadResponse, Err: err}
	}
	if rc != "0" {
		return nil, &Error{Op: OpGetAgentEvent, Retcode: rc, Message: sanitizeMessage(lenientText(w.message), nil)}
	}
	ev, err := w.event()
	if err != nil {
		return nil, &TransportError{Op: OpGetAgentEvent, Kind: TransportBadResponse, Err: err}
	}
	return ev, nil
}

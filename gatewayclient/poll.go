package gatewayclient

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
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

// pollEnvelope is a poll answer: {message, retcode, event}.
type pollEnvelope struct {
	envelopeHead
	Event *wireEvent `json:"event"`
}

type wireEvent struct {
	EventType    lenientString   `json:"eventType"`
	WorkNo       lenientString   `json:"workNo"`
	EventGenTime lenientString   `json:"eventGenTime"`
	Content      json.RawMessage `json:"content"`
}

// contentFields are the commonly used members of an object content.
type contentFields struct {
	CallIDLower lenientString `json:"callid"`
	CallIDCamel lenientString `json:"callId"`
	CallIDUpper lenientString `json:"callID"`
	Caller      lenientString `json:"caller"`
	Called      lenientString `json:"called"`
	OtherPhone  lenientString `json:"otherPhone"`
	Feature     lenientString `json:"feature"`
	MediaType   lenientString `json:"mediaType"`
	Result      lenientString `json:"result"`
	Reason      lenientString `json:"reason"`
}

var errTypelessEvent = errors.New("event has content but no eventType")

// Poll fetches the next event (GET agentevent/{id}). The gateway holds the
// request for up to about 10 s when nothing is pending; (nil, nil) is such an
// empty poll. Each poll is also the agent's heartbeat: poll again promptly
// (the documentation suggests 200-500 ms later). On IsNotSignedIn stop polling.
func (s *Session) Poll(ctx context.Context) (*Event, error) {
	var ev *Event
	r := &request{op: OpGetAgentEvent, method: http.MethodGet, agentID: s.agentID,
		path: "agentevent/" + s.agentID, sess: s, poll: true}
	err := s.client.run(ctx, r, func(_ http.Header, data []byte) (string, string, error) {
		env, rc, err := parsePoll(data)
		if err != nil || rc != "0" {
			return rc, msgOfPoll(env), err
		}
		ev, err = env.event()
		return rc, string(env.Message), err
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
	env, rc, err := parsePoll(body)
	if err != nil {
		return nil, &TransportError{Op: OpGetAgentEvent, Kind: TransportBadResponse, Err: err}
	}
	if rc != "0" {
		return nil, &Error{Op: OpGetAgentEvent, Retcode: rc, Message: sanitizeMessage(string(env.Message), nil)}
	}
	ev, err := env.event()
	if err != nil {
		return nil, &TransportError{Op: OpGetAgentEvent, Kind: TransportBadResponse, Err: err}
	}
	return ev, nil
}

func parsePoll(data []byte) (*pollEnvelope, string, error) {
	var env pollEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, "", describeJSONError(err)
	}
	rc, err := env.check()
	if err != nil {
		return nil, "", err
	}
	return &env, rc, nil
}

func msgOfPoll(env *pollEnvelope) string {
	if env == nil {
		return ""
	}
	return string(env.Message)
}

var nullJSON = []byte("null")

func (env *pollEnvelope) event() (*Event, error) {
	w := env.Event
	if w == nil {
		return nil, nil
	}
	nullContent := len(w.Content) == 0 || string(w.Content) == "null"
	if w.EventType == "" {
		if nullContent {
			return nil, nil
		}
		return nil, errTypelessEvent
	}
	ev := &Event{
		Type:    string(w.EventType),
		WorkNo:  string(w.WorkNo),
		GenTime: parseGenTime(string(w.EventGenTime)),
		Content: w.Content,
	}
	if nullContent {
		ev.Content = append(json.RawMessage(nil), nullJSON...)
		return ev, nil
	}
	ev.lift()
	return ev, nil
}

// lift copies the common fields out of the content.
func (ev *Event) lift() {
	c := ev.Content
	switch c[0] {
	case '{':
		var f contentFields
		if json.Unmarshal(c, &f) != nil {
			return // cannot happen for a valid object with lenient fields
		}
		ev.CallID = string(firstNonEmpty(f.CallIDLower, f.CallIDCamel, f.CallIDUpper))
		ev.Caller, ev.Called, ev.OtherPhone = string(f.Caller), string(f.Called), string(f.OtherPhone)
		ev.Feature, ev.MediaType = string(f.Feature), string(f.MediaType)
		ev.Result, ev.Reason = string(f.Result), string(f.Reason)
	case '[', 't', 'f':
		// Not a documented content shape; kept raw only.
	default: // a bare call id, as a string or (leniently) a number
		var id lenientString
		if id.UnmarshalJSON(c) == nil {
			ev.CallID = string(id)
		}
	}
}

func firstNonEmpty(vs ...lenientString) lenientString {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// maxGenMillis is the last millisecond of year 9999, the range a time.Time
// can encode as JSON; anything later is not a real generation time.
const maxGenMillis = 253402300799999

// parseGenTime reads eventGenTime (epoch ms as a number or numeric string);
// implausible values give the zero time rather than an error, because the
// field is optional and the event itself is still good.
func parseGenTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || f <= 0 || f > maxGenMillis {
			return time.Time{}
		}
		ms = int64(f)
	}
	if ms <= 0 || ms > maxGenMillis {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

package gatewayclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// The poll decoder. It is the one decoder on a hot path (every agent,
// every event), so instead of encoding/json's reflection it validates the
// body with json.Valid (a pooled scanner: no allocations) and then walks the
// valid bytes, converting only the fields it keeps. Its semantics are those
// of decoding into {message, retcode *lenientString, event *{eventType,
// workNo, eventGenTime lenientString; content json.RawMessage}} with
// encoding/json — duplicate keys last-wins, keys matched exactly or else
// case-insensitively — and a differential fuzz test holds it to that.

var (
	envelopeKeys = []string{"message", "retcode", "event"}
	eventKeys    = []string{"eventType", "workNo", "eventGenTime", "content"}
	// The three call-id spellings come first; a key matching them only
	// case-insensitively counts as the first spelling.
	contentKeys = []string{"callid", "callId", "callID", "caller", "called", "otherPhone", "feature", "mediaType", "result", "reason"}
)

// pollWire holds raw values of a poll answer; the slices alias the body.
type pollWire struct {
	message, retcode []byte
	hasRetcode       bool
	hasEvent         bool
	eventType        []byte
	workNo           []byte
	genTime          []byte
	content          []byte
}

func parsePoll(data []byte) (pollWire, string, error) {
	var w pollWire
	if !json.Valid(data) {
		return w, "", describeJSONError(json.Unmarshal(data, &struct{}{}))
	}
	i := skipWS(data, 0)
	switch data[i] {
	case '{':
	case 'n':
		return w, "", errNoRetcode
	default:
		return w, "", fmt.Errorf("body is a JSON %s, not an object", jsonKind(data[i:]))
	}
	var typeErr error
	m := members{d: data, i: i}
	for k, v, ok := m.next(); ok; k, v, ok = m.next() {
		switch keyIndex(k, envelopeKeys) {
		case 0:
			w.message = v
		case 1:
			w.retcode, w.hasRetcode = v, v[0] != 'n'
		case 2:
			switch v[0] {
			case 'n':
				w.clearEvent()
			case '{':
				// A repeated "event" object updates the first one, as
				// encoding/json does when decoding into a non-nil pointer.
				w.hasEvent = true
				w.readEvent(v)
			default:
				if typeErr == nil {
					typeErr = fmt.Errorf("body field \"event\" is a JSON %s, not the documented type", jsonKind(v))
				}
			}
		}
	}
	if typeErr != nil {
		return pollWire{}, "", typeErr
	}
	if !w.hasRetcode {
		return w, "", errNoRetcode
	}
	rc := lenientText(w.retcode)
	if rc == "" {
		return w, "", errEmptyRetcode
	}
	return w, rc, nil
}

func (w *pollWire) clearEvent() {
	w.hasEvent, w.eventType, w.workNo, w.genTime, w.content = false, nil, nil, nil, nil
}

func (w *pollWire) readEvent(obj []byte) {
	m := members{d: obj}
	for k, v, ok := m.next(); ok; k, v, ok = m.next() {
		switch keyIndex(k, eventKeys) {
		case 0:
			w.eventType = v
		case 1:
			w.workNo = v
		case 2:
			w.genTime = v
		case 3:
			w.content = v
		}
	}
}

var errTypelessEvent = errors.New("event has content but no eventType")

func (w *pollWire) event() (*Event, error) {
	if !w.hasEvent {
		return nil, nil
	}
	nullContent := len(w.content) == 0 || string(w.content) == "null"
	typ := lenientText(w.eventType)
	if typ == "" {
		if nullContent {
			return nil, nil
		}
		return nil, errTypelessEvent
	}
	ev := &Event{Type: typ, WorkNo: lenientText(w.workNo), GenTime: parseGenTime(w.genTime)}
	if nullContent {
		ev.Content = json.RawMessage("null")
		return ev, nil
	}
	ev.Content = bytes.Clone(w.content)
	ev.lift()
	return ev, nil
}

// lift copies the common fields out of the content.
func (ev *Event) lift() {
	c := ev.Content
	switch c[0] {
	case '{':
		var slot [10][]byte
		m := members{d: c}
		for k, v, ok := m.next(); ok; k, v, ok = m.next() {
			if i := keyIndex(k, contentKeys); i >= 0 {
				slot[i] = v
			}
		}
		for _, raw := range slot[:3] {
			if ev.CallID = lenientText(raw); ev.CallID != "" {
				break
			}
		}
		ev.Caller, ev.Called, ev.OtherPhone = lenientText(slot[3]), lenientText(slot[4]), lenientText(slot[5])
		ev.Feature, ev.MediaType = lenientText(slot[6]), lenientText(slot[7])
		ev.Result, ev.Reason = lenientText(slot[8]), lenientText(slot[9])
	case '[', 't', 'f':
		// Not a documented content shape; kept raw only.
	default: // a bare call id, as a string or (leniently) a number
		ev.CallID = lenientText(c)
	}
}

// maxGenMillis is the last millisecond of year 9999, the range a time.Time
// can encode as JSON; anything later is not a real generation time.
const maxGenMillis = 253402300799999

// parseGenTime reads eventGenTime (epoch ms as a number or numeric string).
// Implausible values give the zero time rather than an error: the field is
// optional and the event itself is still good.
func parseGenTime(raw []byte) time.Time {
	if len(raw) == 0 {
		return time.Time{}
	}
	text := raw
	switch raw[0] {
	case '"':
		text = raw[1 : len(raw)-1]
		if bytes.IndexByte(text, '\\') >= 0 {
			text = []byte(lenientText(raw))
		}
	case 'n', '{', '[', 't', 'f':
		return time.Time{}
	}
	ms, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(text), 64)
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

package gatewayclient

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
)

// referenceDecodePoll is the straightforward encoding/json poll decoder
// that the hand-walked one in pollwire.go replaced for speed. It stays as
// the oracle of FuzzDecodePollDifferential: the two must always agree.
func referenceDecodePoll(body []byte) (*Event, string, error) {
	var env struct {
		envelopeHead
		Event *struct {
			EventType    lenientString   `json:"eventType"`
			WorkNo       lenientString   `json:"workNo"`
			EventGenTime lenientString   `json:"eventGenTime"`
			Content      json.RawMessage `json:"content"`
		} `json:"event"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", err
	}
	rc, err := env.check()
	if err != nil {
		return nil, "", err
	}
	if rc != "0" || env.Event == nil {
		return nil, rc, nil
	}
	w := env.Event
	nullContent := len(w.Content) == 0 || string(w.Content) == "null"
	if w.EventType == "" {
		if nullContent {
			return nil, rc, nil
		}
		return nil, "", errors.New("typeless")
	}
	ev := &Event{Type: string(w.EventType), WorkNo: string(w.WorkNo), GenTime: referenceGenTime(string(w.EventGenTime)), Content: w.Content}
	if nullContent {
		ev.Content = json.RawMessage("null")
		return ev, rc, nil
	}
	switch ev.Content[0] {
	case '{':
		var f struct {
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
		if err := json.Unmarshal(ev.Content, &f); err != nil {
			return nil, "", err
		}
		for _, id := range []lenientString{f.CallIDLower, f.CallIDCamel, f.CallIDUpper} {
			if id != "" {
				ev.CallID = string(id)
				break
			}
		}
		ev.Caller, ev.Called, ev.OtherPhone = string(f.Caller), string(f.Called), string(f.OtherPhone)
		ev.Feature, ev.MediaType, ev.Result, ev.Reason = string(f.Feature), string(f.MediaType), string(f.Result), string(f.Reason)
	case '[', 't', 'f':
	default:
		var id lenientString
		_ = id.UnmarshalJSON(ev.Content)
		ev.CallID = string(id)
	}
	return ev, rc, nil
}

func referenceGenTime(s string) time.Time {
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

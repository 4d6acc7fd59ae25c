package gatewayclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// lenientString decodes any JSON scalar into text: strings as they are,
// numbers in their literal (decimal) form, booleans as "true"/"false", null
// as "". Objects and arrays count as absent (""), because a field that is
// documented as a scalar but arrives as a structure carries nothing we can
// use, and refusing the whole message would lose the rest of it.
type lenientString string

func (s *lenientString) UnmarshalJSON(b []byte) error {
	*s = lenientString(lenientText(b))
	return nil
}

// lenientText converts one raw, valid JSON value by the lenientString rules.
func lenientText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			return string(inner)
		}
		var v string
		if json.Unmarshal(b, &v) != nil {
			return ""
		}
		return v
	case 'n', '{', '[':
		return ""
	default: // number, true, false
		return string(b)
	}
}

// envelopeHead is the part shared by every gateway answer.
type envelopeHead struct {
	Message lenientString  `json:"message"`
	Retcode *lenientString `json:"retcode"` // nil: absent or null
}

// envelope is a command answer: {message, retcode, result}.
type envelope struct {
	envelopeHead
	Result json.RawMessage `json:"result"`
}

var (
	errNoRetcode    = errors.New("body has no retcode")
	errEmptyRetcode = errors.New("body has an empty retcode")
)

// check validates the head after decoding and returns the retcode.
func (h *envelopeHead) check() (string, error) {
	if h.Retcode == nil {
		return "", errNoRetcode
	}
	if *h.Retcode == "" {
		return "", errEmptyRetcode
	}
	return string(*h.Retcode), nil
}

func decodeEnvelope(data []byte) (*envelope, string, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, "", describeJSONError(err)
	}
	rc, err := env.check()
	if err != nil {
		return nil, "", err
	}
	return &env, rc, nil
}

// describeJSONError names what is wrong without quoting the body, which may
// contain anything (including secrets echoed by a confused gateway).
func describeJSONError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("body is not JSON (syntax error at byte %d)", se.Offset)
	case errors.As(err, &te):
		if te.Field == "" {
			return fmt.Errorf("body is a JSON %s, not an object", te.Value)
		}
		return fmt.Errorf("body field %q is a JSON %s, not the documented type", te.Field, te.Value)
	default:
		return errors.New("body is not JSON")
	}
}

package gatewaysim

import (
	"encoding/json"
	"net/http"
)

// Retcodes produced by the simulator (see the protocol reference, §5).
const (
	rcOK               = "0"
	rcWrongPollMethod  = "000-001"
	rcInvalidParam     = "000-002"
	rcNoRight          = "000-003"
	rcSignInParams     = "100-001"
	rcAlreadySignedIn  = "100-002"
	rcBadCredentials   = "100-004"
	rcNotSignedIn      = "100-006"
	rcOperationFailed  = "100-007"
	rcSetStateFailed   = "100-009"
	rcWrongLogoutState = "100-010"
	rcSignInInvalid    = "100-011"
	rcBadAgentType     = "100-012"
	rcBadPhone         = "100-013"
	rcPhoneOutOfRange  = "100-014"
	rcBadIP            = "100-016"
	rcBadDeviceType    = "106-004"
)

// messages gives the text the simulator puts in "message" for a retcode.
// Success answers carry "success"; the empty poll carries "".
var messages = map[string]string{
	rcOK:               "success",
	rcWrongPollMethod:  "wrong method for getting agent events",
	rcInvalidParam:     "invalid parameter",
	rcNoRight:          "no right to invite resouce", // spelling as real gateways send it
	rcSignInParams:     "sign-in parameter is empty or invalid",
	rcAlreadySignedIn:  "agent has already signed in",
	rcBadCredentials:   "user name or password is wrong",
	rcNotSignedIn:      "agent is not signed in",
	rcOperationFailed:  "agent operation failed",
	rcSetStateFailed:   "setting the agent state failed",
	rcWrongLogoutState: "agent state does not allow sign-out",
	rcSignInInvalid:    "sign-in parameter is invalid",
	rcBadAgentType:     "agent type is invalid",
	rcBadPhone:         "phone number is invalid",
	rcPhoneOutOfRange:  "phone number is out of the configured range",
	rcBadIP:            "ip is invalid",
	rcBadDeviceType:    "devicetype is invalid",
}

func messageFor(retcode string) string {
	if m, ok := messages[retcode]; ok {
		return m
	}
	return "failed"
}

// envelope is the CC-Gateway response body. Field order follows the docs'
// samples; Result and Event are omitted when nil.
type envelope struct {
	Message string `json:"message"`
	Retcode string `json:"retcode"`
	Result  any    `json:"result,omitempty"`
	Event   *Event `json:"event,omitempty"`
}

// reply is what a gateway handler decided to answer.
type reply struct {
	env     envelope
	headers http.Header // extra headers (Set-GUID)
}

func okReply(result any) reply {
	return reply{env: envelope{Message: messageFor(rcOK), Retcode: rcOK, Result: result}}
}

func failReply(retcode string) reply {
	return reply{env: envelope{Message: messageFor(retcode), Retcode: retcode}}
}

func writeEnvelope(w http.ResponseWriter, r reply) {
	// Keys are set verbatim, not canonicalised, so the wire carries
	// "Set-GUID" spelled as the gateway spells it.
	for k, vs := range r.headers {
		w.Header()[k] = append(w.Header()[k], vs...)
	}
	body, _ := json.Marshal(r.env) // only strings, maps and Events: cannot fail
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

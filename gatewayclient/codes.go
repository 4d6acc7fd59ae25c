package gatewayclient

import (
	"sort"
	"strconv"
	"strings"
)

// Kind groups gateway retcodes by what a caller should do about them.
type Kind int

const (
	// KindUnknown: a retcode missing from the code table (or one whose meaning
	// is not documented).
	KindUnknown Kind = iota
	// KindInvalidParameter: the request carried a bad parameter.
	KindInvalidParameter
	// KindGUIDInvalid: the GUID was not accepted; the session must be re-established.
	KindGUIDInvalid
	// KindAlreadySignedIn: the agent is signed in elsewhere (use forced sign-in).
	KindAlreadySignedIn
	// KindCredentialsRejected: password wrong or expired, account locked.
	KindCredentialsRejected
	// KindNotSignedIn: the agent is not (or no longer) signed in.
	KindNotSignedIn
	// KindOperationFailed: the gateway or the CTI platform failed internally.
	KindOperationFailed
	// KindTransferRejected: a multimedia (106-xxx) call error.
	KindTransferRejected
	// KindRepeatedCall: the same request is already in progress.
	KindRepeatedCall
	// KindSigningIn: a sign-in for this agent is still in progress.
	KindSigningIn
	// KindStateRejected: the agent's current state does not allow the change.
	KindStateRejected
	// KindSwitchingOver: the agent is being moved between gateway nodes (disaster recovery).
	KindSwitchingOver
	// KindFeatureError: conference or recording feature errors (not used by this client's operations).
	KindFeatureError
)

var kindNames = [...]string{
	KindUnknown:             "unknown",
	KindInvalidParameter:    "invalid parameter",
	KindGUIDInvalid:         "GUID invalid",
	KindAlreadySignedIn:     "already signed in",
	KindCredentialsRejected: "credentials rejected",
	KindNotSignedIn:         "not signed in",
	KindOperationFailed:     "operation failed",
	KindTransferRejected:    "transfer rejected",
	KindRepeatedCall:        "repeated call",
	KindSigningIn:           "signing in",
	KindStateRejected:       "state change rejected",
	KindSwitchingOver:       "switching over",
	KindFeatureError:        "feature error",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind " + strconv.Itoa(int(k))
}

// Code describes one documented retcode.
type Code struct {
	Retcode     string
	Description string // short, paraphrased meaning
	Kind        Kind
}

// codeTable is the retcode table of the protocol reference §5. Descriptions
// are our own paraphrases; codes the reference marks as unconfirmed say so.
var codeTable = map[string]Code{}

func init() {
	for _, c := range []Code{
		{"000-001", "wrong HTTP method for fetching agent events", KindInvalidParameter},
		{"000-002", "invalid URL or interface parameter", KindInvalidParameter},
		{"000-003", "no right to call the interface (GUID missing, wrong or expired)", KindGUIDInvalid},
		{"000-004", "agent is being switched over", KindSwitchingOver},
		{"000-005", "inspected agent is the inspector", KindInvalidParameter},
		{"000-006", "message parameter error", KindInvalidParameter},
		{"000-007", "interface called again while the previous call is pending", KindRepeatedCall},
		{"100-001", "sign-in parameters empty or invalid", KindInvalidParameter},
		{"100-002", "agent already signed in", KindAlreadySignedIn},
		{"100-003", "CTI resource unavailable during sign-in", KindOperationFailed},
		{"100-004", "wrong user name or password", KindCredentialsRejected},
		{"100-005", "sign-out parameters invalid", KindInvalidParameter},
		{"100-006", "agent not signed in", KindNotSignedIn},
		{"100-007", "agent operation failed inside the gateway", KindOperationFailed},
		{"100-008", "agent already signed out", KindNotSignedIn},
		{"100-009", "setting the agent state failed", KindStateRejected},
		{"100-010", "agent state does not allow sign-out", KindStateRejected},
		{"100-011", "invalid sign-in parameter", KindInvalidParameter},
		{"100-012", "wrong agent type at sign-in", KindInvalidParameter},
		{"100-013", "invalid phone number when binding the agent phone", KindInvalidParameter},
		{"100-014", "sign-in phone number outside the configured range", KindInvalidParameter},
		{"100-015", "agent is signed in and cannot be forced out", KindStateRejected},
		{"100-016", "invalid IP address at sign-in", KindInvalidParameter},
		{"100-017", "uPortal authentication failed", KindCredentialsRejected},
		{"100-018", "sign-in VDN differs from the playback VDN", KindInvalidParameter},
		{"100-019", "invalid parameter in a skill queue query", KindInvalidParameter},
		{"100-020", "agent password expired", KindCredentialsRejected},
		{"100-021", "agent sign-in in progress", KindSigningIn},
		{"110-016", "account locked", KindCredentialsRejected},
		{"101-001", "conference does not exist", KindFeatureError},
		{"101-002", "agent is not the conference chair", KindFeatureError},
		{"101-003", "agent already in the conference", KindFeatureError},
		{"101-004", "no right to query VDN conferences", KindFeatureError},
		{"101-005", "chair cannot be handed to oneself", KindFeatureError},
		{"101-006", "chair cannot remove itself", KindFeatureError},
		{"101-007", "chair cannot leave the conference", KindFeatureError},
		{"104-001", "recording download feature disabled", KindFeatureError},
		{"104-002", "no permission for the recording", KindFeatureError},
		{"104-003", "invalid recording file name", KindFeatureError},
		{"104-004", "no drive mapping for the recording", KindFeatureError},
		{"104-005", "recording file missing", KindFeatureError},
		{"104-006", "not enough space for the recording", KindFeatureError},
		{"104-007", "recording format not supported", KindFeatureError},
		{"104-008", "recording format parameter missing", KindFeatureError},
		{"104-009", "recording conversion failed", KindFeatureError},
		{"104-010", "recording pool location id missing", KindFeatureError},
		{"104-012", "recording download from object storage failed", KindFeatureError},
		{"105-001", "agent not cached for disaster recovery", KindSwitchingOver},
		{"105-002", "agent is in disaster recovery", KindSwitchingOver},
		{"105-003", "disaster recovery finished", KindSwitchingOver},
		{"105-004", "adding the agent to the disaster recovery queue failed", KindSwitchingOver},
		{"105-005", "disaster recovery wait timed out; sign in again", KindNotSignedIn},
		{"105-006", "GUID mismatch after disaster recovery; sign in again", KindGUIDInvalid},
		{"105-007", "disaster recovery switch off; sign in again", KindNotSignedIn},
		{"106-001", "multimedia switch not enabled", KindTransferRejected},
		{"106-002", "message to send is empty", KindTransferRejected},
		{"106-003", "session count above the maximum", KindTransferRejected},
		{"106-004", "transfer device type invalid", KindTransferRejected},
		{"106-005", "session transfer rejected (meaning undocumented)", KindTransferRejected},
		{"106-006", "session transfer rejected (meaning undocumented)", KindTransferRejected},
		{"106-009", "session transfer rejected (meaning undocumented)", KindTransferRejected},
		{"106-010", "session transfer rejected (meaning undocumented)", KindTransferRejected},
		{"106-012", "session transfer rejected (meaning undocumented)", KindTransferRejected},
		{"200-002", "answer failed (meaning undocumented)", KindUnknown},
	} {
		codeTable[c.Retcode] = c
	}
}

// LookupCode returns the table entry for retcode. Undocumented 106-xxx codes
// are reported as transfer rejections; any other unknown code is not found.
func LookupCode(retcode string) (Code, bool) {
	if c, ok := codeTable[retcode]; ok {
		return c, true
	}
	if strings.HasPrefix(retcode, "106-") {
		return Code{Retcode: retcode, Description: "multimedia call rejected (undocumented code)", Kind: KindTransferRejected}, true
	}
	return Code{Retcode: retcode, Kind: KindUnknown}, false
}

// KindOf classifies a retcode; unknown codes are KindUnknown.
func KindOf(retcode string) Kind {
	c, _ := LookupCode(retcode)
	return c.Kind
}

// Describe returns the short description of a retcode, "" when unknown.
func Describe(retcode string) string {
	c, _ := LookupCode(retcode)
	return c.Description
}

// Codes returns the whole code table ordered by retcode.
func Codes() []Code {
	out := make([]Code, 0, len(codeTable))
	for _, c := range codeTable {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Retcode < out[j].Retcode })
	return out
}

package gatewaysim

// Event is one CC-Gateway agent event as it appears in a poll response.
// Content is marshalled verbatim: nil becomes JSON null, a string becomes a
// bare callid string, a map becomes an object.
type Event struct {
	EventType    string `json:"eventType"`
	WorkNo       string `json:"workNo"`
	Content      any    `json:"content"`
	EventGenTime int64  `json:"eventGenTime"`
}

// Event types the simulator emits.
const (
	evInService          = "AgentOther_InService"
	evShutdownService    = "AgentOther_ShutdownService"
	evPhoneAlerting      = "AgentOther_PhoneAlerting"
	evPhoneOffhook       = "AgentOther_PhoneOffhook"
	evPhoneRelease       = "AgentOther_PhoneRelease"
	evReady              = "AgentState_Ready"
	evBusy               = "AgentState_Busy"
	evSetNotReady        = "AgentState_SetNotReady_Success"
	evCancelNotReady     = "AgentState_CancelNotReady_Success"
	evWork               = "AgentState_Work"
	evCancelWork         = "AgentState_CancelWork_Success"
	evSetRest            = "AgentState_SetRest_Success"
	evCancelRest         = "AgentState_CancelRest_Success"
	evRestTimeout        = "AgentState_Rest_Timeout"
	evCustomerAlerting   = "AgentEvent_Customer_Alerting"
	evTalking            = "AgentEvent_Talking"
	evRinging            = "AgentEvent_Ringing"
	evAutoAnswer         = "AgentEvent_Auto_Answer"
	evInsideCallFail     = "AgentEvent_Inside_Call_Fail"
	evConnectFail        = "AgentEvent_Connect_Fail"
	evCallRelease        = "AgentEvent_Call_Release"
	evCustomerRelease    = "AgentEvent_Customer_Release"
	evSuccTransResult    = "AgentEvent_SuccTransResult"
	evIncomingCallInfo   = "AgentEvent_Incoming_CallInfo"
	evMessageData        = "AgentEvent_MessageData"
	featureInbound       = "0"
	featureInternal      = "6"
	mediaAbilityVoice    = "1"
	mediaAbilityText     = "5"
	mediaTypeVoice       = 5  // normal audio/video call
	mediaTypeWebChat     = 51 // multimedia web chat: the simulator's chat sessions
	transferFailedResult = 1  // SuccTransResult.result when no target took the session
)

// talkingContent is the content of AgentEvent_Talking.
func talkingContent(c *call) map[string]any {
	m := map[string]any{
		"caller":       c.caller,
		"called":       c.called,
		"callid":       c.id,
		"feature":      c.feature,
		"type":         "main",
		"mediaAbility": c.mediaAbility(),
	}
	if c.chat {
		m["mediaType"] = mediaTypeWebChat
	}
	return m
}

// answerContent is the content of AgentEvent_Ringing / AgentEvent_Auto_Answer.
func answerContent(c *call) map[string]any {
	m := talkingContent(c)
	if c.chat {
		m["mediaType"] = mediaTypeWebChat
	} else {
		m["mediaType"] = mediaTypeVoice
	}
	m["transfer"] = "no"
	m["transfrom"] = ""
	if c.transferFrom != "" {
		m["transfer"] = "yes"
		m["transfrom"] = c.transferFrom
	}
	return m
}

// incomingContent is the content of AgentEvent_Incoming_CallInfo.
func incomingContent(c *call, skillName string) map[string]any {
	return map[string]any{
		"callId":                    c.id,
		"skillName":                 skillName,
		"skillId":                   c.skillID,
		"caller":                    c.caller,
		"called":                    c.called,
		"lastReleaseAgentId":        c.transferFrom,
		"mediaType":                 mediaTypeWebChat,
		"releaseAndReQueueCount":    0,
		"releaseAndReQueueCallFlag": 0,
	}
}

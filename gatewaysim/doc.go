// Package gatewaysim simulates the Huawei CEC CC-Gateway agent REST
// interface closely enough that a client written from the Huawei
// documentation alone works against it. It is an http.Handler serving
//
//	PUT    /agentgateway/resource/onlineagent/{id}                   login
//	PUT    /agentgateway/resource/onlineagent/{id}/forcelogin        forceLogin
//	DELETE /agentgateway/resource/onlineagent/{id}/logout            logout
//	DELETE /agentgateway/resource/onlineagent/{id}/forcelogout       forceLogout
//	POST   /agentgateway/resource/onlineagent/{id}/resetskill/{flag}?skillid=1;2
//	POST   /agentgateway/resource/onlineagent/{id}/sayfree
//	POST   /agentgateway/resource/onlineagent/{id}/saybusy?reason=&prolong=
//	POST   /agentgateway/resource/onlineagent/{id}/rest/{secs}/{cause}
//	POST   /agentgateway/resource/onlineagent/{id}/cancelrest
//	GET    /agentgateway/resource/agentevent/{id}                    getAgentEvent
//	PUT    /agentgateway/resource/voicecall/{id}/callinnerskill      {"skillId":n}
//	PUT    /agentgateway/resource/voicecall/{id}/answer?callid=
//	DELETE /agentgateway/resource/voicecall/{id}/release
//	POST   /agentgateway/resource/mediacall/{id}/transfer
//
// plus a JSON control API under /sim/v1/, mirrored by Go methods on *Sim
// (plain HTTP statuses, {"error":"..."} bodies, never GUIDs or passwords):
//
//	GET    /sim/v1/agents                      Agents: state of every agent
//	POST   /sim/v1/agents                      AddAgent {"id","password","phone","skills"}
//	GET    /sim/v1/agents/{id}                 AgentState
//	POST   /sim/v1/agents/{id}/events          PushEvent {"eventType","content"}
//	POST   /sim/v1/agents/{id}/signout         SignOutAgent (gateway-side, queues ShutdownService)
//	POST   /sim/v1/agents/{id}/rotate-guid     RotateGUID (dynamic mode)
//	GET    /sim/v1/queues, POST /sim/v1/queues Queues, AddQueue {"id","name"}
//	POST   /sim/v1/calls                       StartInboundCall {"agentId"|"queueId","caller","called"}
//	POST   /sim/v1/chats                       StartChat (same body) → {"callId","agentId"}
//	POST   /sim/v1/chats/{callid}/messages     SendChatMessage {"text"}
//	DELETE /sim/v1/calls/{callid}              EndCall: the customer hangs up (voice or chat)
//	PUT    /sim/v1/transfer-failure            SetTransferFailure {"mode","lateResultDelayMs"}
//	GET    /sim/v1/faults                      Faults
//	POST   /sim/v1/faults                      SetFault {"kind","route","count","latencyMs","retcode","status"}
//	DELETE /sim/v1/faults[/{id}]               ClearFaults / ClearFault
//	GET    /sim/v1/debug/agents/{id}/guid      DebugGUID, only with Config.EnableDebugRoutes
//
// Fault kinds: latency, retcode, http_status, close_connection,
// malformed_json, hang; route is a gateway log name (OpLogin …) or empty
// for every gateway route; count 0 means until cleared.
//
// Every answer is HTTP 200 with the {message, retcode, result|event}
// envelope. Choices made where the documentation is silent (UNCONFIRMED
// points of the protocol reference):
//
//   - Wrong HTTP method: HTTP 405 with an Allow header, except on the event
//     poll, which answers retcode 000-001 (the one code documented for it).
//   - The Content-Type request header is not enforced; bodies are read
//     leniently (numbers and booleans may be strings) but keys exactly.
//   - Auth: a request from a signed-in agent with a wrong, replaced or
//     expired Guid header gets Config.StaleGUIDRetcode (000-003 by default,
//     message "no right to invite resouce", or 100-006); an agent that is not
//     signed in gets 100-006 whatever the GUID.
//   - Dynamic GUIDs (AUTHMODE 2) rotate lazily: a successful poll answered
//     once the current GUID is GUIDInterval old carries a new one in
//     "Set-GUID: JSESSIONID=<uuid>.AgentGateway0". A replaced GUID keeps
//     working until GUIDTimeout after it was issued; the current GUID never
//     expires while the session lives (the heartbeat timeout bounds it). A
//     poll authenticated with a replaced, still valid GUID gets the current
//     GUID again in Set-GUID, so a client that lost the rotating response
//     can recover.
//   - Sign-in: unknown agent or wrong password 100-004; missing phonenum
//     100-001; phone that is not the configured one 100-014; malformed phone
//     100-013; agenttype other than 4/11 100-012; status outside 3–5 or a
//     mistyped field 100-011; bad ip 100-016; already signed in 100-002.
//     Sign-in does not join skill queues unless Config.AutoJoinSkills: on
//     the real gateway an agent joins queues with resetskill.
//   - forcelogin on a signed-in agent takes over: the old session's calls
//     are released, its GUIDs die at once and its parked poll wakes to the
//     stale-GUID retcode.
//   - logout refuses an agent in a call with 100-010 and never queues
//     AgentOther_ShutdownService. forcelogout, the heartbeat timeout and the
//     control API's sign-out release the calls and queue
//     AgentOther_ShutdownService {"loginTime"}; the ended session stays
//     pollable with its GUID until that event has been collected, then polls
//     answer 100-006.
//   - Polls: one event per response, eventGenTime (epoch ms) on every event;
//     an empty poll answers {"message":"","retcode":"0"}. A newer poll for
//     the same agent displaces a parked one, which is answered empty at once
//     (the newer poller gets the events). A parked poll counts as heartbeat.
//   - callinnerskill: unknown queue or bad body 000-002; caller already on a
//     voice call 100-007. With no idle agent (signed in, joined the queue,
//     idle, not the caller) it still answers a call id, then queues
//     AgentEvent_Inside_Call_Fail.
//   - Chats are web chats (mediaType 51, mediaAbility "5") and are always
//     auto-answered. mediacall/transfer checks, in order: body and callid
//     000-002, devicetype 106-004, mode 000-002, address length 000-002,
//     calldata size 000-002, that the agent holds the callid 000-002. The
//     other 106-xxx codes of the transfer page have no documented meaning
//     and are never produced. Outcomes are events (see transfer).
//   - A success-mode transfer that no target took reports
//     AgentEvent_SuccTransResult {"result":1} by default: the event the
//     pages name as the result of every success-mode transfer. The pages
//     also list AgentEvent_Connect_Fail among the transfer's events without
//     saying when; Config.TransferFailure (or PUT /sim/v1/transfer-failure)
//     "connect_fail_late_result" sends Connect_Fail at once and the
//     SuccTransResult late, just before the agent's next event (at most
//     LateResultDelay later), so that the result of one transfer arrives
//     after the client sent the next: the ordering clients must survive.
//   - Faults (SetFault) use real time, not Config.Clock: they model the
//     network in front of the gateway.
package gatewaysim

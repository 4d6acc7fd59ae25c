// Package gatewayclient is a typed client for the agent REST interface of the
// Huawei CEC CC-Gateway (AgentGateway).
//
// It speaks the wire protocol described in the project's protocol reference
// (shared/ccgw-protocol.md) and nothing else: it knows no gRPC and keeps no
// agent state beyond the credentials of a [Session].
//
// # Sessions and GUIDs
//
// [Client.SignIn] and [Client.ForceSignIn] return a [Session] holding the GUID
// delivered in the Set-GUID response header and any cookie the sign-in
// response set (replayed as Cookie for load-balancer affinity). Every later
// call sends the GUID in the Guid header. With dynamic authentication the
// gateway rotates the GUID and announces the new value in a Set-GUID header of
// some later response (normally an event poll); a Session adopts a new GUID
// from any response that carries one. A Session is safe for concurrent use, so
// a long poll and a command may be in flight at the same time.
//
// # Errors
//
// A business failure (a retcode other than "0" in an HTTP 200 body) is an
// [*Error]; its [Kind] groups the documented codes (see [LookupCode]).
// Everything that prevents a well-formed answer — refused connection, timeout,
// non-200 status, non-JSON or oversized body — is a [*TransportError] with a
// [TransportKind]. When the caller's context ends, the error still satisfies
// errors.Is(err, context.Canceled) or errors.Is(err, context.DeadlineExceeded);
// the client's own per-call timeouts deliberately do not, so the two cases stay
// distinguishable. Arguments rejected before anything is sent wrap
// [ErrInvalidArgument] or [ErrNoGUID].
//
// Passwords, GUIDs and cookies never appear in error strings: gateway message
// text is scrubbed of the session's secrets before it is stored in an [*Error].
//
// # Retries
//
// Nothing is retried automatically: a repeated sign-in, internal call or
// transfer can have effects of its own (a second call, a second session).
// [Backoff] is exported for pollers that want to retry polls themselves.
package gatewayclient

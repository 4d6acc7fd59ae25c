// Package store defines where the bridge keeps what must outlive a single RPC: agent sessions,
// poller leases, per-agent event logs and idempotency records. Backends (memory today, NATS
// JetStream for several replicas) implement Store and must pass the shared conformance suite in
// store/storetest, so the core never depends on a particular backend's behaviour.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a session or idempotency record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrClosed is returned by every method once the store has been closed.
var ErrClosed = errors.New("store: closed")

// Store is everything the core needs from a backend.
type Store interface {
	Sessions
	Leases
	Events
	Idempotency
	// Close releases the backend's resources; later calls fail with ErrClosed.
	Close() error
}

// SessionState says whether the bridge still holds a working CC-Gateway session for an agent.
type SessionState int

const (
	// SessionActive: signed in, the poller is (or should be) running.
	SessionActive SessionState = iota + 1
	// SessionLost: the gateway signed the agent out or the GUID stopped working; kept so clients
	// can see why, until the agent signs in again or out.
	SessionLost
)

// Session is one agent's CC-Gateway session as the bridge holds it. GUID and Cookie are secrets:
// backends store them but never log them.
type Session struct {
	AgentID     string
	GUID        string // current CC-Gateway GUID (rotates in dynamic auth mode)
	Cookie      string // load-balancer affinity cookie captured at sign-in, "" if none
	PhoneNumber string
	SkillIDs    []int64 // skill queues requested at sign-in (empty = all configured)
	State       SessionState
	LostReason  string
	SignedInAt  time.Time

	// Facts the gateway reported at sign-in.
	VoiceEnabled           bool
	TextEnabled            bool
	PasswordChangeRequired bool
	PasswordExpiresInDays  int32 // -1 when the password never expires or the gateway did not say

	// Revision is set by the backend on every write; PutSession with a non-zero Revision fails with
	// ErrConflict unless it matches the stored one (optimistic concurrency between replicas).
	Revision uint64
}

// ErrConflict is returned by PutSession when the caller's Revision is stale.
var ErrConflict = errors.New("store: revision conflict")

// Sessions stores agent sessions, keyed by agent id.
type Sessions interface {
	// PutSession creates or replaces the session and returns it with its new Revision.
	PutSession(ctx context.Context, s Session) (Session, error)
	GetSession(ctx context.Context, agentID string) (Session, error)
	// DeleteSession removes the session; deleting a missing session is not an error.
	DeleteSession(ctx context.Context, agentID string) error
	// ListSessions returns up to limit sessions with AgentID > after, ordered by AgentID as
	// strings compare. An empty result means the listing is complete.
	ListSessions(ctx context.Context, after string, limit int) ([]Session, error)
}

// Leases give one replica at a time the right to run an agent's poller: a second poller would
// steal events from the first (the gateway hands each event to whichever poll asks first).
type Leases interface {
	// AcquireLease takes or renews the lease on key for owner, valid for ttl. It returns false
	// (and no error) while another owner holds an unexpired lease.
	AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if owner holds it; otherwise it does nothing.
	ReleaseLease(ctx context.Context, key, owner string) error
}

// Event is one CC-Gateway agent event as logged by the bridge.
type Event struct {
	AgentID string
	// Seq is the per-agent sequence: 1 for the agent's first event, then strictly increasing by 1.
	Seq uint64
	// Pos is the store-wide position: strictly increasing across all agents in append order.
	// Cursors are built from it, so one number resumes a stream over any set of agents.
	Pos uint64

	Type        string    // CC-Gateway eventType
	ReceivedAt  time.Time // when the bridge received it
	GatewayTime time.Time // eventGenTime when the gateway sent one, else zero

	CallID, Caller, Called, OtherPhone, Feature, MediaType, Result, Reason string

	Content []byte // the event's raw JSON content ("null" when absent)
}

// Gap describes events of one agent that a reader asked for but the log no longer retains.
type Gap struct {
	AgentID string
	// FromSeq is the first missing sequence, or 0 when the backend can no longer tell (the reader
	// then knows the missing range starts after the last sequence it saw for this agent).
	FromSeq uint64
	// ToSeq is the last missing sequence; the agent's retained log starts at ToSeq+1.
	ToSeq uint64
}

// Retention bounds each agent's log: the oldest events are dropped once either limit is passed.
type Retention struct {
	MaxEvents int           // per agent; default 10,000
	MaxAge    time.Duration // default 1 hour
}

// Events is the per-agent event log with a store-wide position for resuming and tailing.
type Events interface {
	// Append logs events for one agent in order, assigning Seq and Pos (fields set by the caller
	// are ignored), and returns them as stored. Readers and watchers see them once it returns.
	Append(ctx context.Context, agentID string, evs ...Event) ([]Event, error)
	// Read returns retained events with Pos > after, in Pos order, for the listed agents (all
	// agents when agentIDs is empty), at most limit of them.
	Read(ctx context.Context, agentIDs []string, after uint64, limit int) ([]Event, error)
	// Gaps reports, for the listed agents (all when empty), events with Pos > after that were
	// dropped by retention. No gap for an agent means nothing after `after` was lost.
	Gaps(ctx context.Context, agentIDs []string, after uint64) ([]Gap, error)
	// Head returns the position of the newest event appended (0 when none) and the backend's
	// epoch: a value that changes when positions restart (a new in-memory store), so a cursor
	// from another epoch can be recognised instead of silently misread.
	Head(ctx context.Context) (pos uint64, epoch string, err error)
	// Watch calls notify (from a backend goroutine, never concurrently with itself) with the new
	// head position after appends, coalescing bursts, until ctx ends. notify must not block long.
	Watch(ctx context.Context, notify func(head uint64)) error
	// DeleteEvents drops an agent's whole log (sign-out of an agent that will not come back is
	// not a reason; this exists for tests and operator clean-up).
	DeleteEvents(ctx context.Context, agentID string) error
}

// IdemState is the state of an idempotency record.
type IdemState int

const (
	// IdemPending: the first request with this key is still running.
	IdemPending IdemState = iota + 1
	// IdemDone: the first request finished; Result holds its outcome.
	IdemDone
)

// IdemRecord remembers a command by the caller's request id, so a retry does not place a second
// call on the gateway.
type IdemRecord struct {
	Key         string
	Fingerprint string // hash of the request payload; the same key with another payload is refused
	State       IdemState
	Result      []byte // opaque to the store: the core's encoding of the outcome (success or error)
	CreatedAt   time.Time
}

// Idempotency stores command outcomes by request id for a time-to-live.
type Idempotency interface {
	// ReserveRequest creates a pending record for key unless one exists. It returns the record
	// and true when this call created it, or the existing record and false.
	ReserveRequest(ctx context.Context, key, fingerprint string, ttl time.Duration) (IdemRecord, bool, error)
	// CompleteRequest stores the outcome of a pending record and marks it done.
	CompleteRequest(ctx context.Context, key string, result []byte) error
	// GetRequest returns the record for key, or ErrNotFound once it expired or never existed.
	GetRequest(ctx context.Context, key string) (IdemRecord, error)
}

// Package store defines where the bridge keeps what must outlive a single RPC: agent sessions,
// poller leases, per-agent event logs and idempotency records. Backends (memory today, NATS
// JetStream for several replicas) implement Store and must pass the shared conformance suite in
// store/storetest, so the core never depends on a particular backend's behaviour.
package store

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"
)

// ErrNotFound is returned when a session or idempotency record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrClosed is returned by every method once the store has been closed.
var ErrClosed = errors.New("store: closed")

// ErrInvalidArgument is returned (wrapped, with the offending argument named) for an empty agent
// id, key or owner, a limit below 1 or a non-positive ttl. Backends never panic on bad input.
var ErrInvalidArgument = errors.New("store: invalid argument")

// Entry is the check every backend method makes first: ctx.Err() when ctx is done, then
// ErrClosed once the store is closed.
func Entry(ctx context.Context, closed bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if closed {
		return ErrClosed
	}
	return nil
}

// Store is everything the core needs from a backend. All methods are safe for concurrent use.
// Every method first fails with ctx.Err() when ctx is already done and with ErrClosed once the
// store is closed.
type Store interface {
	Sessions
	Leases
	Events
	Idempotency
	Fencing
	// Close releases the backend's resources and makes running Watch calls return ErrClosed;
	// later calls, a second Close included, fail with ErrClosed.
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

	// RequestVerifier recognises a repeated sign-in (same password and settings): a keyed HMAC
	// whose key is never stored, so the password cannot be recovered or tested from it. Opaque
	// to backends.
	RequestVerifier string

	// Revision is set by the backend on every write; PutSession with a non-zero Revision fails with
	// ErrConflict unless it matches the stored one (optimistic concurrency between replicas).
	Revision uint64
}

// ErrConflict is returned by PutSession when the caller's Revision is stale (a non-zero Revision
// for a session that does not exist is stale too), and by CompleteRequest for a record that is
// already done.
var ErrConflict = errors.New("store: revision conflict")

// Sessions stores agent sessions, keyed by agent id.
type Sessions interface {
	// PutSession creates or replaces the session and returns it with its new Revision. Revision 0
	// writes unconditionally. Revisions are never reused within a store, not even after a delete,
	// so a Revision read before a delete cannot match a session created after it.
	PutSession(ctx context.Context, s Session) (Session, error)
	// GetSession returns the session or ErrNotFound. The result shares nothing with the store.
	GetSession(ctx context.Context, agentID string) (Session, error)
	// DeleteSession removes the session; deleting a missing session is not an error.
	DeleteSession(ctx context.Context, agentID string) error
	// ListSessions returns up to limit sessions whose AgentID comes after `after` in
	// CompareAgentIDs order (numeric order for agent ids), in that order. An empty result means
	// the listing is complete. limit must be >= 1.
	ListSessions(ctx context.Context, after string, limit int) ([]Session, error)
}

// CompareAgentIDs orders agent ids as numbers: agent ids are decimal without leading zeros, so
// a shorter id is smaller, and ids of one length compare as strings. Any other strings get a
// consistent order too (by length, then bytes).
func CompareAgentIDs(a, b string) int {
	if len(a) != len(b) {
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// Leases give one replica at a time the right to run an agent's poller: a second poller would
// steal events from the first (the gateway hands each event to whichever poll asks first).
type Leases interface {
	// AcquireLease takes or renews the lease on key for owner, valid for ttl from now. It returns
	// false (and no error) while another owner holds an unexpired lease. A lease whose ttl has
	// fully elapsed is expired and may be taken by anyone.
	AcquireLease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	// ReleaseLease gives the lease up if owner holds it (expired or not); otherwise it does
	// nothing.
	ReleaseLease(ctx context.Context, key, owner string) error
}

// LeaseCache is an optional capability of a store whose every lease read is a request (a
// networked backend): a local view of all leases, which may lag the store by a moment. The
// takeover sweep consults it to pass over the agents other replicas visibly poll instead of
// asking the store about each of them every second; AcquireLease remains the authority.
type LeaseCache interface {
	// CachedLease is the lease on key as recently seen: its owner and expiry; ok is false when
	// none was seen (never taken, released, or the view is not ready).
	CachedLease(key string) (owner string, expires time.Time, ok bool)
}

// ErrLeaseLost is returned by a fenced write when its writer does not hold the lease it names:
// the lease expired or another owner took it. The writer should stop acting for the agent.
var ErrLeaseLost = errors.New("store: lease not held")

// Fence names the lease a write is made under: the lease on Key held by Owner (the same
// arguments as AcquireLease).
type Fence struct {
	Key, Owner string
}

// Fencing lets a replica write on behalf of an agent only while it holds the agent's lease, so
// a replica that lost the lease (paused, partitioned, slow) cannot add to the agent's log after
// another replica took over.
type Fencing interface {
	// AppendFenced is Append made under f: it fails with ErrLeaseLost, writing nothing, unless
	// f.Owner holds an unexpired lease on f.Key when the append starts. A backend shared by
	// replicas also refuses the write when another writer appended to the agent since this
	// store last did and the lease is no longer f.Owner's (the check is repeated then).
	// An empty Key or Owner is ErrInvalidArgument.
	AppendFenced(ctx context.Context, f Fence, agentID string, evs ...Event) ([]Event, error)
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

	// Content is the event's raw JSON content ("null" when absent). Append keeps the slice as
	// given and Read hands out slices shared with the store: neither side modifies it afterwards.
	Content []byte
}

// Gap describes events of one agent that a reader asked for but the log no longer retains.
type Gap struct {
	AgentID string
	// FromSeq is the first missing sequence. It is exact when the reader's cursor predates the
	// agent's first event and whenever at most ExactGapDrops of the agent's events were dropped
	// after the cursor (storetest pins both); only beyond that may a backend answer 0, "can no
	// longer tell" (the range then starts after the last sequence the reader saw of the agent).
	FromSeq uint64
	// ToSeq is the last missing sequence; the agent's retained log starts at ToSeq+1.
	ToSeq uint64
}

// ExactGapDrops is how many dropped events of one agent after a reader's cursor a backend must
// still be able to count, so that Gap.FromSeq is exact.
const ExactGapDrops = 4096

// Retention bounds each agent's log: the oldest events are dropped once either limit is passed.
// An event's age is measured on the backend's clock from when it was appended (not ReceivedAt);
// an event is dropped once its age exceeds MaxAge. Zero or negative fields mean the default.
type Retention struct {
	MaxEvents int           // per agent; default 10,000
	MaxAge    time.Duration // default 1 hour
}

// Retention defaults.
const (
	DefaultMaxEvents = 10_000
	DefaultMaxAge    = time.Hour
)

// WithDefaults returns r with every unset (zero or negative) field replaced by its default.
func (r Retention) WithDefaults() Retention {
	if r.MaxEvents <= 0 {
		r.MaxEvents = DefaultMaxEvents
	}
	if r.MaxAge <= 0 {
		r.MaxAge = DefaultMaxAge
	}
	return r
}

// Events is the per-agent event log with a store-wide position for resuming and tailing.
type Events interface {
	// Append logs events for one agent in order, assigning Seq and Pos (AgentID, Seq and Pos set
	// by the caller are ignored), and returns them as stored. Readers and watchers see them once
	// it returns, and never see a position before all smaller positions are visible, so a reader
	// that advances its cursor to the last Pos it read cannot skip an event. Appending no events
	// does nothing and returns nil.
	Append(ctx context.Context, agentID string, evs ...Event) ([]Event, error)
	// Read returns retained events with Pos > after, in Pos order, for the listed agents (all
	// agents when agentIDs is empty; duplicates and unknown ids are ignored), at most limit
	// (>= 1) of them.
	Read(ctx context.Context, agentIDs []string, after uint64, limit int) ([]Event, error)
	// Gaps reports, for the listed agents (all when empty), events with Pos > after that were
	// dropped by retention, at most one Gap per agent, in CompareAgentIDs order. No gap for an agent
	// means nothing after `after` was lost. Events removed by DeleteEvents are not gaps.
	Gaps(ctx context.Context, agentIDs []string, after uint64) ([]Gap, error)
	// Head returns the position of the newest event appended (0 when none) and the backend's
	// epoch: a value that changes when positions restart (a new in-memory store), so a cursor
	// from another epoch can be recognised instead of silently misread.
	Head(ctx context.Context) (pos uint64, epoch string, err error)
	// Watch blocks until ctx ends (returning ctx.Err()) or the store closes (returning
	// ErrClosed), calling notify never concurrently with itself and never after Watch has
	// returned (the memory backend calls it on Watch's own goroutine). Once
	// registered it calls notify with the current head (0 when empty), so nothing appended around
	// the registration is missed; after that it calls notify only with a head greater than the
	// previous one, after appends. Bursts coalesce: when notify returns, the next call carries
	// the newest head. notify should not block long; while it runs, appends are not held up.
	Watch(ctx context.Context, notify func(head uint64)) error
	// DeleteEvents drops an agent's whole log (sign-out of an agent that will not come back is
	// not a reason; this exists for tests and operator clean-up). The agent's next Append starts
	// again at Seq 1; Pos keeps increasing and Head does not move back. Deleting an unknown
	// agent's log is not an error.
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
	// ReserveRequest creates a pending record for key unless an unexpired one exists. It returns
	// the record and true when this call created it, or the existing record (with its own
	// fingerprint; comparing is the caller's job) and false. The record expires ttl after its
	// creation, whether it is done by then or not; an expired key can be reserved again.
	ReserveRequest(ctx context.Context, key, fingerprint string, ttl time.Duration) (IdemRecord, bool, error)
	// CompleteRequest stores the outcome of a pending record and marks it done. It fails with
	// ErrNotFound when the record is missing or expired, and ErrConflict when it is already done.
	CompleteRequest(ctx context.Context, key string, result []byte) error
	// GetRequest returns the record for key, or ErrNotFound once it expired or never existed.
	GetRequest(ctx context.Context, key string) (IdemRecord, error)
}

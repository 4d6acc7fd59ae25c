// Package nats is the store backend on NATS JetStream, shared by every bridge replica.
//
// Layout, all names under one prefix (default "CCGW") so several bridges can share a cluster:
//   - stream <P>_EVENTS, subjects <P>.ev.<agent>: one subject per agent. The stream sequence is
//     the store-wide Pos; MaxMsgsPerSubject and MaxAge are the per-agent retention. Each message
//     carries its agent's Seq, the Pos of the agent's previous event and of its Seq 1, so a
//     reader can tell what retention dropped from the first message it still finds.
//   - KV <P>_agents: per agent, the newest Seq/Pos written (a checkpoint). It is needed only
//     when retention has emptied an agent's subject: the next Append continues the sequence from
//     it and Gaps reports the dropped range from it.
//   - KV <P>_sessions, <P>_leases, <P>_requests: sessions, leases and idempotency records, each
//     under its key, written with expected revisions.
//
// Appends to one agent are chained with the expected last subject sequence, so two writers
// (two replicas that both believe they run an agent's poller) cannot interleave a sequence:
// the second fails, reloads and, for AppendFenced, first checks it still holds the lease.
//
// Clocks: each event carries its append time on the writer's clock (Options.Now), and reads
// hide events older than MaxAge on the reader's clock, exactly as the store contract says; the
// stream's MaxAge removes them from disk on the server's timer a moment later. Lease expiry and
// idempotency TTLs are likewise decided on the store's clock from timestamps in the records. So
// replicas need synchronised clocks (NTP) to within a small fraction of the lease TTL.
package nats

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Options configure a JetStream store.
type Options struct {
	// Conn is the connection to use; the caller owns it and closes it after the store.
	Conn *natsgo.Conn
	// Prefix names the stream and buckets ([A-Za-z0-9_-], default "CCGW").
	Prefix string
	// Replicas is the number of copies the cluster keeps of the stream and buckets (default 1).
	Replicas int
	// Storage is file (the default) or memory.
	Storage jetstream.StorageType
	// Retention bounds each agent's log; unset fields take store defaults. It is applied to
	// the stream on Open, so the newest Open's retention wins for all replicas.
	Retention store.Retention
	// Now is the clock for leases and idempotency TTLs; nil means time.Now.
	Now func() time.Time
	// Timeout bounds each call (default 5 s; the caller's deadline applies when earlier).
	Timeout time.Duration
}

const defaultPrefix = "CCGW"

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// Store is the JetStream backend. Open it with Open.
type Store struct {
	js        jetstream.JetStream
	events    jetstream.Stream
	agents    jetstream.KeyValue
	sessions  jetstream.KeyValue
	leases    jetstream.KeyValue
	requests  jetstream.KeyValue
	now       func() time.Time
	maxAge    int64 // retention by age, ns
	maxEvents int   // retention by count

	stream  string // events stream name
	direct  bool   // the stream has one replica: reads use batched direct gets
	mux     replyMux
	timeout time.Duration
	subjPre string // "<P>.ev."
	// agentsSubj is the agents bucket's subject prefix, "$KV.<P>_agents.": checkpoints are
	// published to it directly (see append).
	agentsSubj string

	closed   atomic.Bool
	closedCh chan struct{}
	appended atomic.Uint64 // the newest stream position an append of this store was acknowledged at

	// Local copies of the sessions and leases buckets (mirror.go), for the takeover sweep.
	sessMirror  *mirror[store.Session]
	leaseMirror *mirror[lease]
	stopMirrors context.CancelFunc
	mirrors     sync.WaitGroup

	mu    sync.Mutex
	heads map[string]*agentHead   // per-agent append state, see events.go
	held  map[string]leaseHolding // leases this store wrote, see leases.go
}

var (
	_ store.Store      = (*Store)(nil)
	_ store.LeaseCache = (*Store)(nil)
)

// Open creates (or updates) the stream and buckets and returns a store on them.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Conn == nil {
		return nil, fmt.Errorf("%w: no NATS connection", store.ErrInvalidArgument)
	}
	p := opts.Prefix
	if p == "" {
		p = defaultPrefix
	}
	if !prefixRE.MatchString(p) {
		return nil, fmt.Errorf("%w: prefix %q: want 1-32 of [A-Za-z0-9_-]", store.ErrInvalidArgument, p)
	}
	replicas := max(opts.Replicas, 1)
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	js, err := jetstream.New(opts.Conn, jetstream.WithDefaultTimeout(timeout))
	if err != nil {
		return nil, fmt.Errorf("store/nats: %w", err)
	}
	ret := opts.Retention.WithDefaults()
	s := &Store{
		js: js, now: opts.Now, stream: p + "_EVENTS", subjPre: p + ".ev.", agentsSubj: "$KV." + p + "_agents.",
		closedCh: make(chan struct{}), heads: map[string]*agentHead{}, held: map[string]leaseHolding{}, maxAge: int64(ret.MaxAge), maxEvents: ret.MaxEvents,
	}
	if s.now == nil {
		s.now = time.Now
	}
	streamCfg := jetstream.StreamConfig{
		Name:              s.stream,
		Description:       "ccgw-bridge agent events, one subject per agent",
		Subjects:          []string{s.subjPre + ">"},
		Retention:         jetstream.LimitsPolicy,
		Discard:           jetstream.DiscardOld,
		MaxMsgsPerSubject: int64(ret.MaxEvents) + store.ExactGapDrops + 1, // see view

		MaxAge:   ret.MaxAge,
		Storage:  opts.Storage,
		Replicas: replicas,
		// Direct gets are answered by any replica, and a follower may lag: with followers
		// they are used only where the leader confirms the end (see readTail).
		AllowDirect: true,
	}
	s.events, err = untilPlaced(ctx, timeout, func(ctx context.Context) (jetstream.Stream, error) { return js.CreateOrUpdateStream(ctx, streamCfg) })
	if err != nil {
		return nil, fmt.Errorf("store/nats: events stream %s: %w", s.stream, err)
	}
	s.direct, s.timeout = replicas == 1, timeout
	buckets := []struct {
		kv   *jetstream.KeyValue
		name string
		ttl  bool
	}{{&s.agents, "agents", false}, {&s.sessions, "sessions", false}, {&s.leases, "leases", false}, {&s.requests, "requests", true}}
	for _, b := range buckets {
		cfg := jetstream.KeyValueConfig{Bucket: p + "_" + b.name, History: 1, Storage: opts.Storage, Replicas: replicas}
		if b.ttl {
			// Per-key TTLs remove idempotency records from disk; the record's own expiry,
			// on this store's clock, is what the API answers by.
			cfg.LimitMarkerTTL = time.Second
		}
		if *b.kv, err = untilPlaced(ctx, timeout, func(ctx context.Context) (jetstream.KeyValue, error) { return js.CreateOrUpdateKeyValue(ctx, cfg) }); err != nil {
			return nil, fmt.Errorf("store/nats: bucket %s: %w", cfg.Bucket, err)
		}
		if *b.kv, err = leaderReads(ctx, js, cfg.Bucket); err != nil {
			return nil, fmt.Errorf("store/nats: bucket %s: %w", cfg.Bucket, err)
		}
	}
	s.startMirrors()
	return s, nil
}

// leaderReads turns direct gets off for a bucket and binds it again. nats.go creates KV buckets
// with direct gets, which any replica of the bucket answers, a follower possibly with a value
// it has not caught up on: a lease renewed a moment ago would read as expired or absent, so a
// fenced append would be refused for its rightful holder and a takeover decided on stale data.
// Without direct gets every read goes to the bucket's leader, which has every acknowledged
// write. A handle keeps the mode it was bound with, so a replica re-creating the bucket (which
// turns direct gets back on) does not change how others read.
func leaderReads(ctx context.Context, js jetstream.JetStream, bucket string) (jetstream.KeyValue, error) {
	// A cluster that is electing leaders or catching a restarted node up refuses stream
	// updates for a moment; Open's context bounds the retries.
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		st, err := js.Stream(ctx, "KV_"+bucket)
		if err == nil {
			if cfg := st.CachedInfo().Config; cfg.AllowDirect {
				cfg.AllowDirect = false
				_, err = js.UpdateStream(ctx, cfg)
			}
		}
		if err == nil {
			return js.KeyValue(ctx, bucket)
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// Close makes every later call fail with ErrClosed and ends running Watch calls. It does not
// close the connection, which belongs to the caller.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return store.ErrClosed
	}
	close(s.closedCh)
	s.stopMirrors()
	s.mirrors.Wait()
	s.mux.close()
	// Checkpoints are published without waiting for their acknowledgements (see append);
	// give those in flight a moment to be stored.
	select {
	case <-s.js.PublishAsyncComplete():
	case <-time.After(time.Second):
	}
	return nil
}

// check is the common entry test of every method.
func (s *Store) check(ctx context.Context) error { return store.Entry(ctx, s.closed.Load()) }

// bound limits one call to the store's timeout, within the caller's deadline: a request lost
// with a connection (a killed server) is not answered, and must not hold its caller for good.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// wrap turns a client error into the store's: a closed store or ended context wins over
// whatever the connection reported, so callers can rely on errors.Is.
func (s *Store) wrap(ctx context.Context, what string, err error) error {
	if err == nil {
		return nil
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("store/nats: %s: %w", what, err)
}

// token maps an agent id, lease key or request id to a subject token / KV key. Ids made of
// [A-Za-z0-9_-] (every real agent id) are used as they are; anything else becomes "=" and its
// base64url encoding, which cannot collide with the first form.
func token(id string) string {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return "=" + base64.RawURLEncoding.EncodeToString([]byte(id))
		}
	}
	return id
}

// untoken reverses token; ok is false for keys this store did not write.
func untoken(t string) (string, bool) {
	if len(t) > 0 && t[0] == '=' {
		b, err := base64.RawURLEncoding.DecodeString(t[1:])
		return string(b), err == nil && len(b) > 0
	}
	return t, t != ""
}

// isWrongLastSeq reports a failed expected-sequence check (code 10071, or 10164 on replicated
// streams).
func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{store.ErrInvalidArgument}, args...)...)
}

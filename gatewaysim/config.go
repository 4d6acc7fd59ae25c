package gatewaysim

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Agent is one entry of the simulated CTI agent directory.
type Agent struct {
	ID       string  `json:"id" yaml:"id"`             // work number, decimal 101–999999
	Password string  `json:"password" yaml:"password"` // compared verbatim at sign-in
	Phone    string  `json:"phone" yaml:"phone"`       // bound soft-phone; "" accepts any phonenum
	Skills   []int64 `json:"skills" yaml:"skills"`     // skill queues the agent is configured for
}

// Queue is a skill queue.
type Queue struct {
	ID   int64  `json:"id" yaml:"id"`
	Name string `json:"name" yaml:"name"`
}

// Retcodes the simulator can be told to use for a stale or unknown GUID.
const (
	StaleGUIDNoRight       = "000-003" // default; real gateways answer "no right to invite resouce"
	StaleGUIDNotSignedIn   = "100-006"
	DefaultGUIDInterval    = 60 * time.Second
	DefaultGUIDTimeout     = 120 * time.Second
	DefaultPollWait        = 10 * time.Second
	DefaultHeartbeat       = 120 * time.Second
	defaultMaxQueuedEvent  = 1000
	DefaultLateResultDelay = time.Second
)

// How a success-mode (mode 2) session transfer that no target took is
// reported. The transfer pages list AgentEvent_Connect_Fail among the
// transfer's events and AgentEvent_SuccTransResult as the result of every
// success-mode transfer, without saying whether a failure produces one or
// both, or in which order; the simulator offers both readings.
const (
	// TransferFailureResult (the default): AgentEvent_SuccTransResult
	// {"result":1} only.
	TransferFailureResult = "result"
	// TransferFailureConnectFailLateResult: AgentEvent_Connect_Fail at once,
	// and the SuccTransResult {"result":1} late: held back until just before
	// the agent's next event, or until LateResultDelay has passed, whichever
	// comes first. A client then sees the result of one transfer after it
	// has sent the next.
	TransferFailureConnectFailLateResult = "connect_fail_late_result"
)

// Config configures a Sim. Zero values take the gateway's documented defaults.
type Config struct {
	Agents []Agent
	Queues []Queue

	// AuthMode is the gateway's AUTHMODE: 1 static GUID, 2 dynamic (default).
	AuthMode int
	// GUIDInterval is how often a dynamic GUID rotates (GUIDINTERVAL, default 60 s).
	GUIDInterval time.Duration
	// GUIDTimeout is how long a GUID stays valid after it was issued once it
	// has been replaced (GUIDTIMEOUT, default 120 s).
	GUIDTimeout time.Duration
	// PollWait is how long an event poll is held when no event is queued (default 10 s).
	PollWait time.Duration
	// HeartbeatTimeout signs out an agent that has not polled for this long (default 120 s).
	HeartbeatTimeout time.Duration
	// StaleGUIDRetcode is answered for a wrong, replaced or expired GUID of
	// a signed-in agent: StaleGUIDNoRight (default) or StaleGUIDNotSignedIn.
	StaleGUIDRetcode string
	// AutoJoinSkills makes sign-in join every configured skill queue at once.
	// Off by default: on the real gateway an agent joins queues with resetskill.
	AutoJoinSkills bool
	// MaxQueuedEvents bounds each agent's event queue; the oldest event is
	// dropped when it is full (default 1000).
	MaxQueuedEvents int
	// TransferFailure chooses the events of a failed success-mode transfer:
	// TransferFailureResult (default) or TransferFailureConnectFailLateResult.
	TransferFailure string
	// LateResultDelay bounds how long a late SuccTransResult is held back
	// (default 1 s; simulator clock).
	LateResultDelay time.Duration
	// EnableDebugRoutes serves GET /sim/v1/debug/agents/{id}/guid, which
	// reveals the current GUID. Off by default so the control API never
	// leaks a credential by accident.
	EnableDebugRoutes bool

	Clock  Clock        // nil = real time
	Logger *slog.Logger // nil = discard
}

// Validate reports settings New would not honour: New fills zero values with the gateway's
// defaults, but an explicit auth mode, negative duration or retcode outside the documented ones
// is a mistake, and in dynamic mode a GUID must rotate before it expires (GUIDINTERVAL <
// GUIDTIMEOUT), or a client could not learn the new GUID while the old one still works.
func (c Config) Validate() error {
	var errs []error
	if c.AuthMode != 0 && c.AuthMode != 1 && c.AuthMode != 2 {
		errs = append(errs, fmt.Errorf("auth mode %d: want 1 (static) or 2 (dynamic)", c.AuthMode))
	}
	for name, d := range map[string]time.Duration{"GUID interval": c.GUIDInterval, "GUID timeout": c.GUIDTimeout,
		"poll wait": c.PollWait, "heartbeat timeout": c.HeartbeatTimeout, "late result delay": c.LateResultDelay} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s %v: must not be negative", name, d))
		}
	}
	if c.StaleGUIDRetcode != "" && c.StaleGUIDRetcode != StaleGUIDNoRight && c.StaleGUIDRetcode != StaleGUIDNotSignedIn {
		errs = append(errs, fmt.Errorf("stale GUID retcode %q: want %s or %s", c.StaleGUIDRetcode, StaleGUIDNoRight, StaleGUIDNotSignedIn))
	}
	if err := validTransferFailure(c.TransferFailure); err != nil {
		errs = append(errs, err)
	}
	if d := c.withDefaults(); d.AuthMode == 2 && d.GUIDInterval >= d.GUIDTimeout {
		errs = append(errs, fmt.Errorf("GUID interval %v must be shorter than the GUID timeout %v", d.GUIDInterval, d.GUIDTimeout))
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.AuthMode != 1 {
		c.AuthMode = 2
	}
	if c.GUIDInterval <= 0 {
		c.GUIDInterval = DefaultGUIDInterval
	}
	if c.GUIDTimeout <= 0 {
		c.GUIDTimeout = DefaultGUIDTimeout
	}
	if c.PollWait <= 0 {
		c.PollWait = DefaultPollWait
	}
	if c.HeartbeatTimeout <= 0 {
		c.HeartbeatTimeout = DefaultHeartbeat
	}
	if c.StaleGUIDRetcode != StaleGUIDNotSignedIn {
		c.StaleGUIDRetcode = StaleGUIDNoRight
	}
	if c.TransferFailure == "" {
		c.TransferFailure = TransferFailureResult
	}
	if c.LateResultDelay <= 0 {
		c.LateResultDelay = DefaultLateResultDelay
	}
	if c.MaxQueuedEvents <= 0 {
		c.MaxQueuedEvents = defaultMaxQueuedEvent
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// DemoConfig is the demo directory: agents 1001–1004 with password
// "demo-<id>" and phone "7<id>"; queue 1 "General" (all four agents) and
// queue 2 "Billing" (1003, 1004). Timing fields are left at the defaults.
func DemoConfig() Config {
	var agents []Agent
	for id := 1001; id <= 1004; id++ {
		s := strconv.Itoa(id)
		skills := []int64{1}
		if id >= 1003 {
			skills = append(skills, 2)
		}
		agents = append(agents, Agent{ID: s, Password: "demo-" + s, Phone: "7" + s, Skills: skills})
	}
	return Config{
		Agents: agents,
		Queues: []Queue{{ID: 1, Name: "General"}, {ID: 2, Name: "Billing"}},
	}
}

func validTransferFailure(mode string) error {
	switch mode {
	case "", TransferFailureResult, TransferFailureConnectFailLateResult:
		return nil
	}
	return fmt.Errorf("transfer failure %q: want %s or %s", mode, TransferFailureResult, TransferFailureConnectFailLateResult)
}

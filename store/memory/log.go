package memory

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// entry is one retained event plus the store clock reading at its append (Unix ns). Appends
// read the never-decreasing store clock under the write lock, so at is non-decreasing in Pos
// across the whole store, which lets age checks binary-search.
type entry struct {
	ev store.Event
	at int64
}

// agentLog is one agent's retained events. Every field is guarded by eventLog.mu.
type agentLog struct {
	id      string
	evs     ring[entry]
	nextSeq uint64 // Seq of the next append
	// dropped counts events removed from the front by retention, so evs.at(0) has Seq dropped+1.
	dropped uint64
	// firstPos is the Pos of Seq 1, so a reader whose cursor predates it lost everything dropped.
	firstPos uint64
	// tomb holds the Pos of the most recently dropped events in Seq order, the newest being Seq
	// dropped; lastDroppedPos survives when tomb is empty only because nothing was dropped.
	tomb           ring[uint64]
	lastDroppedPos uint64
	deleted        bool // set by DeleteEvents; the recent index may still point here
	idx            int  // position in eventLog.order
}

// liveFrom is the index of the first entry not yet expired at cutoff (entries stamped before
// cutoff are dropped even while still physically present).
func (a *agentLog) liveFrom(cutoff int64) int {
	if a.evs.len() == 0 || a.evs.at(0).at >= cutoff {
		return 0
	}
	return a.evs.search(0, func(e *entry) bool { return e.at >= cutoff })
}

// eventLog holds every agent's log, the recent index and the head.
type eventLog struct {
	mu sync.RWMutex

	maxEvents int
	tombCap   int
	chunk     int // agents per read-lock hold in a chunked merge

	agents map[string]*agentLog
	order  []*agentLog // every live agentLog, for sweeping and listing without map iteration

	// The append-time age sweep visits order round-robin. A full cycle learns a lower bound on
	// the stamp of every retained entry (floor); while the expiry cutoff is at or below it
	// nothing can have expired, and appends skip age trimming altogether.
	sweep      int   // next index in order
	floor      int64 // no physically retained entry is stamped before this
	cycleMin   int64 // lowest front stamp seen in the current cycle
	cycleStart int64 // store time when the current cycle began

	head   atomic.Uint64 // written under mu; read without it by Head and Watch
	recent recentIndex
	// maxDroppedPos is the highest Pos any agent physically dropped, so Gaps can answer "nothing
	// lost" for a cursor past it without visiting agents.
	maxDroppedPos uint64
}

func (l *eventLog) init(maxEvents, tombCap, recent int) {
	l.maxEvents, l.tombCap, l.chunk = maxEvents, tombCap, mergeChunk
	l.agents = make(map[string]*agentLog)
	l.recent.init(recent)
	l.floor, l.cycleMin, l.cycleStart = math.MinInt64, math.MaxInt64, math.MinInt64
}

func (l *eventLog) release() {
	l.agents, l.order = nil, nil
	l.recent = recentIndex{}
}

// dropOldest removes a's oldest entry, remembering its Pos for gap reports.
func (l *eventLog) dropOldest(a *agentLog) {
	e := a.evs.popFront()
	a.dropped++
	a.lastDroppedPos = e.ev.Pos
	a.tomb.pushEvict(e.ev.Pos, l.tombCap)
	if e.ev.Pos > l.maxDroppedPos {
		l.maxDroppedPos = e.ev.Pos
	}
}

// trimExpired physically drops a's entries stamped before cutoff. An agent whose every event
// expired has been idle for MaxAge: its buffer (up to MaxEvents entries) is freed rather than
// kept at its peak size.
func (l *eventLog) trimExpired(a *agentLog, cutoff int64) {
	if a.evs.len() == 0 || a.evs.at(0).at >= cutoff {
		return
	}
	for a.evs.len() > 0 && a.evs.at(0).at < cutoff {
		l.dropOldest(a)
	}
	if a.evs.len() == 0 {
		a.evs = ring[entry]{}
	}
}

// trimOnAppend applies age retention physically after an append to a (stamped now): a itself,
// and a couple of other agents in turn so the memory of agents that stopped receiving events is
// reclaimed without a background goroutine. Visibility never depends on this: reads and gap
// reports apply the cutoff themselves.
func (l *eventLog) trimOnAppend(a *agentLog, now, cutoff int64) {
	if cutoff <= l.floor {
		return
	}
	l.trimExpired(a, cutoff)
	for k := 0; k < 2 && len(l.order) > 0; k++ {
		if l.sweep >= len(l.order) {
			// Entries appended since the cycle began (possibly to agents already visited) are
			// stamped no earlier than its start; every other front was seen.
			l.floor = min(l.cycleMin, l.cycleStart)
			l.sweep, l.cycleMin, l.cycleStart = 0, math.MaxInt64, now
		}
		b := l.order[l.sweep]
		l.trimExpired(b, cutoff)
		l.observe(b)
		l.sweep++
	}
}

// observe counts b's oldest entry into the current sweep cycle.
func (l *eventLog) observe(b *agentLog) {
	if b.evs.len() > 0 {
		l.cycleMin = min(l.cycleMin, b.evs.at(0).at)
	}
}

func (l *eventLog) agent(id string) *agentLog {
	a := l.agents[id]
	if a == nil {
		a = &agentLog{id: id, nextSeq: 1, idx: len(l.order)}
		l.agents[id] = a
		l.order = append(l.order, a)
	}
	return a
}

func (l *eventLog) remove(id string) {
	a := l.agents[id]
	if a == nil {
		return
	}
	delete(l.agents, id)
	last := l.order[len(l.order)-1]
	if a.idx < l.sweep {
		l.observe(last) // moves into a visited slot: the cycle would never see it otherwise
	}
	l.order[a.idx] = last
	last.idx = a.idx
	l.order[len(l.order)-1] = nil
	l.order = l.order[:len(l.order)-1]
	a.deleted = true
	a.evs, a.tomb = ring[entry]{}, ring[uint64]{}
}

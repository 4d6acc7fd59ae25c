package memory

import (
	"sync"
	"sync/atomic"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// entry is one retained event plus the store clock reading at its append (Unix ns). at is
// non-decreasing in Pos across the whole store, which lets age checks binary-search.
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

	agents map[string]*agentLog
	order  []*agentLog // every live agentLog, for sweeping and listing without map iteration
	sweep  int         // next index in order for the append-time age sweep

	head   atomic.Uint64 // written under mu; read without it by Head and Watch
	lastAt int64         // clock stamp of the newest event, to keep stamps non-decreasing
	recent recentIndex
	// maxDroppedPos is the highest Pos any agent physically dropped, so Gaps can answer "nothing
	// lost" for a cursor past it without visiting agents.
	maxDroppedPos uint64
	// cutoff only moves forward so an expired event never reappears if the clock steps back.
	cutoff atomic.Int64
}

func (l *eventLog) init(maxEvents, tombCap, recent int) {
	l.maxEvents, l.tombCap = maxEvents, tombCap
	l.agents = make(map[string]*agentLog)
	l.recent.init(recent)
	l.cutoff.Store(-1 << 63)
}

func (l *eventLog) release() {
	l.agents, l.order = nil, nil
	l.recent = recentIndex{}
}

// raiseCutoff returns the expiry cutoff for a clock reading, never lower than one used before.
func (l *eventLog) raiseCutoff(c int64) int64 {
	for {
		old := l.cutoff.Load()
		if c <= old {
			return old
		}
		if l.cutoff.CompareAndSwap(old, c) {
			return c
		}
	}
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

// trimExpired physically drops a's entries stamped before cutoff.
func (l *eventLog) trimExpired(a *agentLog, cutoff int64) {
	for a.evs.len() > 0 && a.evs.at(0).at < cutoff {
		l.dropOldest(a)
	}
}

// sweepExpired trims a couple of agents in turn, so the memory of agents that stopped receiving
// events is reclaimed over time without a background goroutine.
func (l *eventLog) sweepExpired(cutoff int64) {
	for k := 0; k < 2 && len(l.order) > 0; k++ {
		if l.sweep >= len(l.order) {
			l.sweep = 0
		}
		l.trimExpired(l.order[l.sweep], cutoff)
		l.sweep++
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
	l.order[a.idx] = last
	last.idx = a.idx
	l.order[len(l.order)-1] = nil
	l.order = l.order[:len(l.order)-1]
	a.deleted = true
	a.evs, a.tomb = ring[entry]{}, ring[uint64]{}
}

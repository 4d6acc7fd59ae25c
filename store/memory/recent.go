package memory

// recentIndex maps each of the newest positions to its agent and Seq. Positions are assigned
// without holes, so slot p&mask holds Pos p for every p in the window (head-len, head].
type recentIndex struct {
	slots []recentSlot
	mask  uint64
}

type recentSlot struct {
	a   *agentLog
	seq uint64
	at  int64
}

func (r *recentIndex) init(n int) {
	c := 1
	for c < n {
		c <<= 1
	}
	r.slots = make([]recentSlot, c)
	r.mask = uint64(c - 1)
}

func (r *recentIndex) put(pos uint64, a *agentLog, seq uint64, at int64) {
	r.slots[pos&r.mask] = recentSlot{a: a, seq: seq, at: at}
}

func (r *recentIndex) slot(pos uint64) *recentSlot { return &r.slots[pos&r.mask] }

// covers reports whether every position in (after, head] is still in the window.
func (r *recentIndex) covers(after, head uint64) bool {
	return head-after <= uint64(len(r.slots))
}

package core

import (
	"sync"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Logged is a stored event with its encoded cursor, shared read-only by every stream it goes to.
type Logged struct {
	store.Event
	Cursor string

	wire wireMemo
}

// wireMemo is a transport's form of one event, built once however many streams send it.
type wireMemo struct {
	once sync.Once
	v    any
}

// Wire returns build(l), calling build at most once per event: the hub hands the same *Logged
// to every stream that wants it, so a fan-out to N streams converts the event once instead of N
// times. The result is shared by those streams concurrently and must not be modified; build
// must depend only on the event (one transport per process builds it, the gRPC server).
func (l *Logged) Wire(build func(*Logged) any) any {
	l.wire.once.Do(func() { l.wire.v = build(l) })
	return l.wire.v
}

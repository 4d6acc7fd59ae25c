package core

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// A cursor names a point in the bridge's store-wide event order: "every event at or before this
// position has been delivered". One number resumes a stream over any set of agents, because the
// store assigns positions across all agents in append order. The epoch guards against reading a
// cursor issued by a different event log (an in-memory log that was restarted), whose positions
// mean something else.
type cursor struct {
	epoch string
	pos   uint64
}

const cursorVersion = 1

// ErrBadCursor is returned for a resume_after value that is not a cursor this bridge issued.
var ErrBadCursor = errors.New("resume cursor is not a cursor issued by this bridge")

func (c cursor) String() string {
	b := make([]byte, 0, 2+len(c.epoch)+binary.MaxVarintLen64)
	b = append(b, cursorVersion, byte(len(c.epoch)))
	b = append(b, c.epoch...)
	b = binary.AppendUvarint(b, c.pos)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 3 || b[0] != cursorVersion {
		return cursor{}, ErrBadCursor
	}
	n := int(b[1])
	if len(b) < 2+n+1 {
		return cursor{}, ErrBadCursor
	}
	pos, used := binary.Uvarint(b[2+n:])
	if used <= 0 || 2+n+used != len(b) {
		return cursor{}, ErrBadCursor
	}
	return cursor{epoch: string(b[2 : 2+n]), pos: pos}, nil
}

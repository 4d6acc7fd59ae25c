package nats

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Watch implements store.Events with an ordered consumer that delivers only the headers of new
// events: it sees appends by every replica. The consumer's callback records the newest
// position, and whether the stream held nothing newer when it was delivered; this goroutine
// calls notify, so notify is serial and bursts coalesce.
func (s *Store) Watch(ctx context.Context, notify func(head uint64)) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if notify == nil {
		return invalid("nil notify")
	}
	cons, err := s.events.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{s.subjPre + ">"},
		DeliverPolicy:  jetstream.DeliverNewPolicy,
		HeadersOnly:    true,
	})
	if err != nil {
		return s.wrap(ctx, "watch", err)
	}
	type seen struct {
		pos    uint64
		atHead bool // nothing was pending behind pos when it was delivered
	}
	newest := make(chan seen, 1) // holds the newest position not yet taken
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		n := seen{pos: md.Sequence.Stream, atHead: md.NumPending == 0}
		select {
		case old := <-newest:
			if old.pos > n.pos {
				n = old
			}
		default:
		}
		newest <- n // never blocks: this callback is the only sender and just emptied it
	})
	if err != nil {
		return s.wrap(ctx, "watch", err)
	}
	defer func() {
		cc.Stop()
		<-cc.Closed()
	}()
	// Registered before reading the head, so an append in between is in one or the other.
	head, _, err := s.Head(ctx)
	if err != nil {
		return err
	}
	notify(head)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.closedCh:
			return store.ErrClosed
		case n := <-newest:
			if n.pos <= head {
				continue
			}
			// A notify after a burst carries the newest head, as the contract says. While the
			// consumer is still delivering one, that is the stream's head. A message delivered
			// with nothing pending behind it was the head then, which spares every single
			// append a stream info request; appends this store saw acknowledged since (the
			// consumer delivers a moment after the acknowledgement) are newer still.
			if n.atHead {
				n.pos = max(n.pos, s.appended.Load())
			} else {
				now, _, err := s.Head(ctx)
				if err != nil {
					return err
				}
				n.pos = max(n.pos, now)
			}
			head = n.pos
			notify(head)
		}
	}
}

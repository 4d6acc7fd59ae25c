package nats

import (
	"context"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ccgw-bridge/ccgw-bridge/store"
)

// Watch implements store.Events with an ordered consumer that delivers only the headers of new
// events: it sees appends by every replica. The consumer's callback records the newest
// position; this goroutine calls notify, so notify is serial and bursts coalesce.
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
	newest := make(chan uint64, 1) // holds the newest position not yet taken
	cc, err := cons.Consume(func(m jetstream.Msg) {
		md, err := m.Metadata()
		if err != nil {
			return
		}
		pos := md.Sequence.Stream
		select {
		case old := <-newest:
			pos = max(pos, old)
		default:
		}
		newest <- pos // never blocks: this callback is the only sender and just emptied it
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
		case pos := <-newest:
			if pos <= head {
				continue
			}
			// The consumer may still be delivering the rest of a burst; the stream's head
			// is the newest, so a notify after a burst carries it, as the contract says.
			now, _, err := s.Head(ctx)
			if err != nil {
				return err
			}
			head = max(pos, now)
			notify(head)
		}
	}
}

package gatewayclient

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func TestBackoffBounds(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: 2 * time.Second}
	ceil := b.Min
	for i := 0; i < 40; i++ {
		d := b.Next()
		if d < b.Min || d > ceil {
			t.Fatalf("attempt %d: %v outside [%v, %v]", i, d, b.Min, ceil)
		}
		ceil = min(ceil*2, b.Max)
	}
	b.Reset()
	if d := b.Next(); d != b.Min {
		t.Errorf("first delay after Reset = %v, want exactly Min", d)
	}
}

// TestBackoffJitters: delays at the cap are spread out, not identical.
func TestBackoffJitters(t *testing.T) {
	b := Backoff{Min: time.Millisecond, Max: time.Second}
	for i := 0; i < 20; i++ {
		b.Next()
	}
	seen := map[time.Duration]bool{}
	for i := 0; i < 50; i++ {
		seen[b.Next()] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct delays out of 50", len(seen))
	}
}

func TestBackoffDefaultsAndEdges(t *testing.T) {
	var zero Backoff
	if d := zero.Next(); d != DefaultBackoffMin {
		t.Errorf("zero value first delay %v", d)
	}
	for i := 0; i < 100; i++ {
		if d := zero.Next(); d > DefaultBackoffMax {
			t.Fatalf("exceeds default max: %v", d)
		}
	}
	inverted := Backoff{Min: time.Second, Max: time.Millisecond}
	if d := inverted.Next(); d != time.Second {
		t.Errorf("Max below Min: %v", d)
	}
	huge := Backoff{Min: time.Duration(math.MaxInt64 / 3), Max: time.Duration(math.MaxInt64)}
	for i := 0; i < 10; i++ {
		if d := huge.Next(); d < huge.Min {
			t.Fatalf("overflow: %v", d)
		}
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Min: time.Nanosecond, Max: time.Microsecond}
	if err := b.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := Backoff{Min: time.Hour, Max: time.Hour}
	if err := slow.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait on a canceled context: %v", err)
	}
}

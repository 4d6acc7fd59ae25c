package gatewayclient

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind (a leaked
// keep-alive connection, a forgotten timer).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

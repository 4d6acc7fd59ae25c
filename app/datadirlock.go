//go:build unix

package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on dir for as long as the returned file stays open.
// The embedded JetStream server keeps no lock of its own: a second bridge started on the same
// directory (an old process not yet dead, a copy-pasted unit) would run a second server on the
// same files, and both would hand out the same stream sequences, so clients resuming from a
// cursor would silently skip events. The lock dies with the process, kill -9 included.
func lockDataDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "ccgw-bridge.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("-data-dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("-data-dir: %s is in use by another ccgw-bridge process", dir)
		}
		return nil, fmt.Errorf("-data-dir: locking %s: %w", dir, err)
	}
	return f, nil
}

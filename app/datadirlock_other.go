//go:build !unix

package app

import (
	"errors"
	"os"
)

// lockDataDir: without a file lock two processes could share one data directory unnoticed
// (see datadirlock.go), so -data-dir is refused rather than run unguarded.
func lockDataDir(string) (*os.File, error) {
	return nil, errors.New("-data-dir: needs a platform with file locks (a unix); use -nats-url")
}

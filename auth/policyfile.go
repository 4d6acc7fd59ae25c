package auth

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// PolicyFile is a policy read from a file and read again when the file changes (checked every
// interval: a poll rather than inotify, so it also sees a Kubernetes ConfigMap's symlink swap). A
// file that no longer parses is logged and the previous policy stays in force.
type PolicyFile struct {
	path     string
	log      *slog.Logger
	interval time.Duration
	cur      atomic.Pointer[Policy]

	mu      sync.Mutex
	stamp   fileStamp
	changed chan struct{} // closed and replaced at every reload

	stop context.CancelFunc
	done chan struct{}
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// LoadPolicyFile reads path (an error if it cannot be read or parsed) and, if interval > 0,
// watches it until Close.
func LoadPolicyFile(path string, interval time.Duration, log *slog.Logger) (*PolicyFile, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &PolicyFile{path: path, log: log, interval: interval, changed: make(chan struct{}), done: make(chan struct{})}
	if err := f.load(); err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	f.stop = stop
	if interval <= 0 {
		close(f.done)
		return f, nil
	}
	go f.watch(ctx)
	return f, nil
}

// Current is the policy in force.
func (f *PolicyFile) Current() *Policy { return f.cur.Load() }

// Changed is closed when the policy is next replaced.
func (f *PolicyFile) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// Close stops watching the file.
func (f *PolicyFile) Close() {
	f.stop()
	<-f.done
}

func (f *PolicyFile) watch(ctx context.Context) {
	defer close(f.done)
	t := time.NewTicker(f.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f.load(); err != nil {
				f.log.Error("policy file not reloaded; the previous policy stays in force", "path", f.path, "err", err)
			}
		}
	}
}

// load reads the file if it changed since the last load.
func (f *PolicyFile) load() error {
	st, err := os.Stat(f.path)
	if err != nil {
		return err
	}
	stamp := fileStamp{mod: st.ModTime(), size: st.Size()}
	f.mu.Lock()
	same := f.stamp == stamp && f.cur.Load() != nil
	f.mu.Unlock()
	if same {
		return nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	p, err := ParsePolicy(data)
	if err != nil {
		f.mu.Lock()
		f.stamp = stamp // report a bad file once, not at every tick
		f.mu.Unlock()
		return err
	}
	f.cur.Store(p)
	f.mu.Lock()
	first := f.stamp == fileStamp{}
	f.stamp = stamp
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
	if !first {
		f.log.Info("policy file reloaded", "path", f.path, "callers", len(p.callers), "api_keys", len(p.apiKeys))
	}
	return nil
}

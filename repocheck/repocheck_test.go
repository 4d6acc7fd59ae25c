// Package repocheck keeps build outputs out of git: `make check` fails when a tracked file outside
// gen/ is over 1 MiB or when any tracked file is a compiled executable. A 38 MB benchmark binary
// was once committed at the root and shipped to every Docker build; this is the test that would
// have stopped it.
package repocheck

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// maxTracked is the size above which a tracked file outside gen/ is taken for a build output or a
// data dump. Generated code may be larger (descriptor sets, bundled OpenAPI documents).
const maxTracked = 1 << 20

// executableKind names the executable format that head (a file's first bytes) starts with, or "".
// Only formats a Go, Java or C toolchain here produces are recognised; a text file never matches.
func executableKind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "ELF executable"
	case bytes.HasPrefix(head, []byte("\x00asm")):
		return "WebAssembly module"
	case len(head) >= 4 && isMachO(binary.BigEndian.Uint32(head)):
		return "Mach-O executable"
	case isPE(head):
		return "Windows PE executable"
	}
	return ""
}

func isMachO(magic uint32) bool {
	switch magic {
	case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe:
		return true
	}
	return false
}

// isPE checks the DOS stub's pointer to the "PE\0\0" signature, so a text file that merely starts
// with "MZ" is not taken for a program.
func isPE(head []byte) bool {
	if len(head) < 0x40 || !bytes.HasPrefix(head, []byte("MZ")) {
		return false
	}
	off := int(binary.LittleEndian.Uint32(head[0x3c:]))
	return off+4 <= len(head) && bytes.Equal(head[off:off+4], []byte("PE\x00\x00"))
}

// problem says what is wrong with one tracked file, or "" when nothing is.
func problem(path string, size int64, head []byte) string {
	if kind := executableKind(head); kind != "" {
		return path + " is a tracked " + kind + " (build outputs belong in bin/, which git ignores)"
	}
	if size > maxTracked && !strings.HasPrefix(path, "gen/") {
		return path + " is a tracked file over 1 MiB outside gen/"
	}
	return ""
}

func TestTrackedFiles(t *testing.T) {
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v (this check needs a git checkout and git on PATH)", err)
	}
	root := strings.TrimSpace(string(top))
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	checked := 0
	for _, path := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		full := filepath.Join(root, path)
		fi, err := os.Lstat(full)
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		head, err := readHead(full, 4096)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if p := problem(path, fi.Size(), head); p != "" {
			t.Error(p)
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d tracked files: the listing is wrong, so nothing was proved", checked)
	}
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, n)
	m, err := io.ReadFull(f, head)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return head[:m], err
}

func TestProblem(t *testing.T) {
	pe := make([]byte, 0x80)
	copy(pe, "MZ")
	binary.LittleEndian.PutUint32(pe[0x3c:], 0x40)
	copy(pe[0x40:], "PE\x00\x00")
	for _, tc := range []struct {
		name string
		path string
		size int64
		head []byte
		bad  bool
	}{
		{"ELF at the root", "ccgw-bench", 38 << 20, []byte("\x7fELF\x02\x01\x01"), true},
		{"small ELF in gen", "gen/tool", 100, []byte("\x7fELF\x02"), true},
		{"Mach-O", "bin/x", 100, []byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1}, true},
		{"PE", "x.exe", int64(len(pe)), pe, true},
		{"wasm", "x.wasm", 8, []byte("\x00asm\x01\x00\x00\x00"), true},
		{"large file outside gen", "testdata/dump.json", maxTracked + 1, []byte(`{"a":1}`), true},
		{"large file in gen", "gen/openapi/ccgw.json", maxTracked + 1, []byte(`{"a":1}`), false},
		{"exactly 1 MiB", "BENCHMARKS.md", maxTracked, []byte("# Benchmarks"), false},
		{"shell script", "tools/x.sh", 200, []byte("#!/usr/bin/env bash\n"), false},
		{"text starting MZ", "notes.txt", 300, append([]byte("MZ is not a program"), make([]byte, 0x60)...), false},
		{"empty file", "empty", 0, nil, false},
	} {
		if got := problem(tc.path, tc.size, tc.head) != ""; got != tc.bad {
			t.Errorf("%s: problem = %v, want %v", tc.name, got, tc.bad)
		}
	}
}

package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the child when the bench dies, so a crashed or killed bench
// never leaves a simulator or bridge process behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

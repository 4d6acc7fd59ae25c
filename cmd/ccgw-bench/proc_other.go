//go:build !linux

package main

import "os/exec"

// dieWithParent needs Linux's parent-death signal; elsewhere children are stopped by Close only.
func dieWithParent(*exec.Cmd) {}

//go:build !linux

package autoreload

import "syscall"

// childAttr has nothing to add where the parent's death cannot be
// signalled to the child.
func childAttr() *syscall.SysProcAttr { return nil }

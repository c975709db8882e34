package autoreload

import "syscall"

// childAttr makes the site stop when runserver dies, even by SIGKILL, so
// that no orphan keeps the port.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} }

package passwords

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed" // for the common passwords list
	"fmt"
	"io"
	"strings"
	"sync"
)

// commonPasswordsGz is Django's list of 20,000 common passwords,
// lowercased and deduplicated (19,726 lines), created by Royce Williams
// (https://gist.github.com/roycewilliams/281ce539915a947a23db17137d91aeb7):
// the file django/contrib/auth/common-passwords.txt.gz of Django 3.2.25,
// as Debian's python3-django ships it, unchanged. Django is distributed
// under the BSD 3-Clause licence, Copyright (c) Django Software Foundation
// and individual contributors; see its LICENSE file.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

// PasswordList is a set of refused passwords, for Common.
type PasswordList struct {
	set map[string]struct{}
}

// Contains reports whether the list holds password exactly; Common
// lowercases and trims it first.
func (l *PasswordList) Contains(password string) bool {
	_, ok := l.set[password]
	return ok
}

// Len returns the number of passwords in the list.
func (l *PasswordList) Len() int { return len(l.set) }

// NewPasswordList returns a list of the given passwords, lowercased and
// trimmed as Common compares them.
func NewPasswordList(passwords ...string) *PasswordList {
	l := &PasswordList{set: make(map[string]struct{}, len(passwords))}
	for _, p := range passwords {
		l.set[strings.ToLower(strings.TrimSpace(p))] = struct{}{}
	}
	return l
}

// ReadPasswordList reads a list of passwords, one a line, gzipped or
// plain, as Django's CommonPasswordValidator reads its
// password_list_path. Lines are trimmed and lowercased, and blank lines
// skipped.
func ReadPasswordList(r io.Reader) (*PasswordList, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("passwords: reading a gzipped password list: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	l := &PasswordList{set: map[string]struct{}{}}
	sc := bufio.NewScanner(br)
	for sc.Scan() {
		if p := strings.ToLower(strings.TrimSpace(sc.Text())); p != "" {
			l.set[p] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("passwords: reading a password list: %w", err)
	}
	return l, nil
}

// CommonPasswords returns Django's list of 20,000 common passwords,
// shipped in the binary and decompressed on first use (a few
// milliseconds, about 1 MiB of memory).
func CommonPasswords() (*PasswordList, error) { return commonPasswords() }

var commonPasswords = sync.OnceValues(func() (*PasswordList, error) {
	return ReadPasswordList(bytes.NewReader(commonPasswordsGz))
})

// Package randtext makes random strings over an alphabet from crypto/rand,
// for secrets, keys and salts (Django's get_random_string).
package randtext

import "crypto/rand"

// String returns n characters drawn uniformly from alphabet, which must
// hold between 1 and 256 bytes (ASCII).
func String(n int, alphabet string) string {
	// Bytes at or above limit would favour the first characters.
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:]) // crypto/rand.Read does not fail
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

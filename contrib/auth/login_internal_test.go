package auth

import "testing"

// Django's get_session_auth_hash for a password hash and a secret key
// (salted_hmac with SHA-256, computed by Django's algorithm in Python).
func TestSessionAuthHashLikeDjango(t *testing.T) {
	const want = "fd2dbdd8084175bf41db5d0645894e38b93c37ecab9e21e7fc04b89d2ab9dd68"
	if got := sessionAuthHash("pbkdf2_sha256$1000$salt$hash", "secret"); got != want {
		t.Errorf("sessionAuthHash = %s, want %s", got, want)
	}
}

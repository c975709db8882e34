package passwords

// ForTestsIterations is the PBKDF2 iteration count of ForTests.
const ForTestsIterations = 1000

// ForTests returns Hashers that make a hash in well under a millisecond,
// for test suites, as Django projects list MD5PasswordHasher in their test
// settings: PBKDF2SHA256 with ForTestsIterations iterations preferred,
// then the other algorithms of DefaultHashers, so that hashes made with
// Django's parameters (a fixture's) still check. nuagestest.New installs
// it in an auth.App that has no Hashers.
//
// Never use it outside tests: its hashes fall to a brute force over a
// thousand times faster than Django's.
func ForTests() *Hashers {
	list := []Hasher{PBKDF2SHA256{Iterations: ForTestsIterations}, PBKDF2SHA1{Iterations: ForTestsIterations}}
	for _, h := range DefaultHashers() {
		switch h.(type) {
		case PBKDF2SHA256, PBKDF2SHA1:
		default:
			list = append(list, h)
		}
	}
	hs, err := New(Options{Hashers: list})
	if err != nil {
		panic("passwords: ForTests: " + err.Error()) // the list above is valid
	}
	return hs
}

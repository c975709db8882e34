// Package passwords hashes and validates passwords as Django does, in
// Django's stored formats, so that a user table copied from a Django site
// logs in unchanged.
//
// A Hashers value holds the hashers a project accepts, the preferred one
// first, like Django's PASSWORD_HASHERS setting:
//
//	hs, err := passwords.New(passwords.Options{}) // Django's defaults
//	encoded, err := hs.Make(ctx, "s3cret pass")  // "pbkdf2_sha256$1200000$..."
//	ok, mustUpdate, err := hs.Check(ctx, "s3cret pass", encoded)
//	if ok && mustUpdate {
//		// rehash with hs.Make and save: the preferred hasher or its
//		// parameters changed since this hash was made
//	}
//
// Hashers in the list: PBKDF2SHA256 (Django's default, 1,200,000
// iterations), PBKDF2SHA1, Argon2 (argon2id, verifies Django's older
// argon2i hashes), BCryptSHA256, Scrypt, and BCrypt (plain bcrypt, for old
// tables). Each type's zero value has Django's current parameters.
// ForTests returns fast Hashers for test suites (nuagestest.New installs
// them), as Django projects list MD5PasswordHasher in test settings.
//
// Hashing is deliberately slow, so a flood of login attempts could take
// every core. Hashers therefore runs at most Options.MaxConcurrent hashes
// at once (GOMAXPROCS by default); callers wait for a slot until their
// context ends, then get an error matching ErrBusy. When the user does not
// exist, call SimulateCheck so that the answer takes as long as for a
// wrong password, and usernames cannot be told apart by timing.
//
// Validate checks a new password against validators like Django's
// AUTH_PASSWORD_VALIDATORS: MinimumLength, UserAttributeSimilarity, Common
// (Django's list of 20,000 common passwords, shipped in the binary) and
// Numeric, returning every failure with Django's codes and messages.
package passwords

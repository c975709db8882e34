package passwords_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// Low parameters keep the examples fast; a project keeps the defaults
// (passwords.Options{}), Django's.
var exampleHashers = []passwords.Hasher{
	passwords.PBKDF2SHA256{Iterations: 1000},
	passwords.PBKDF2SHA1{Iterations: 1000},
	passwords.Argon2{Time: 1, Memory: 64, Threads: 1},
}

func Example() {
	ctx := context.Background()
	hs, err := passwords.New(passwords.Options{Hashers: exampleHashers})
	if err != nil {
		panic(err)
	}
	encoded, err := hs.Make(ctx, "correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(encoded, "$", 3)[:2])

	ok, mustUpdate, err := hs.Check(ctx, "correct horse battery staple", encoded)
	fmt.Println(ok, mustUpdate, err)
	ok, _, _ = hs.Check(ctx, "Correct Horse Battery Staple", encoded)
	fmt.Println(ok)
	// Output:
	// [pbkdf2_sha256 1000]
	// true false <nil>
	// false
}

// A hash copied from a Django site's auth_user table logs in unchanged;
// one with an older iteration count asks to be replaced.
func ExampleHashers_Check_fromDjango() {
	ctx := context.Background()
	hs, _ := passwords.New(passwords.Options{Hashers: exampleHashers})
	// Django made this one with 10 iterations (make_password('lètmein',
	// 'seasalt') with iterations=10).
	const stored = "pbkdf2_sha256$10$seasalt$VbSPqS8BdRSyZf3o3EFw4JIgQ7e+0T7vCqysXj34iII="

	ok, mustUpdate, err := hs.Check(ctx, "lètmein", stored)
	if err != nil {
		panic(err)
	}
	if ok && mustUpdate {
		// In a login view: save the new hash on the user.
		fresh, _ := hs.Make(ctx, "lètmein")
		fmt.Println("upgraded to", strings.SplitN(fresh, "$", 3)[:2])
	}
	// Output: upgraded to [pbkdf2_sha256 1000]
}

// A login view: an unknown user costs one hash too, and a flood of logins
// waits for a hashing slot no longer than the request's deadline.
func ExampleHashers_SimulateCheck() {
	hs, _ := passwords.New(passwords.Options{Hashers: exampleHashers, MaxConcurrent: 4})
	users := map[string]string{} // username -> stored hash; nobody yet

	login := func(ctx context.Context, username, password string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		stored, found := users[username]
		if !found {
			if err := hs.SimulateCheck(ctx, password); err != nil {
				return "", err
			}
			return "refused", nil
		}
		ok, _, err := hs.Check(ctx, password, stored)
		if err != nil || !ok {
			return "refused", err
		}
		return "welcome", nil
	}
	fmt.Println(login(context.Background(), "nobody", "guess"))

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := login(canceled, "nobody", "guess")
	fmt.Println(errors.Is(err, passwords.ErrBusy)) // a 503 for the view
	// Output:
	// refused <nil>
	// true
}

func ExampleUnusable() {
	encoded := passwords.Unusable() // an account that logs in by single sign-on only
	fmt.Println(passwords.IsUsable(encoded), len(encoded))
	// Output: false 41
}

func ExampleValidate() {
	user := []passwords.Attribute{
		{Name: "username", Value: "jsmith"},
		{Name: "email", VerboseName: "email address", Value: "john.smith@example.com"},
	}
	err := passwords.Validate("smith123", user) // Django's four default validators
	var errs passwords.ValidationErrors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Println(e.Code+":", e.Message)
		}
	}
	fmt.Println(passwords.Validate("a quite unusual phrase", user))
	// Output:
	// password_too_similar: The password is too similar to the username.
	// password_too_common: This password is too common.
	// <nil>
}

func ExampleHelpTexts() {
	for _, text := range passwords.HelpTexts(passwords.MinimumLength{Min: 12}, passwords.Numeric{}) {
		fmt.Println(text)
	}
	// Output:
	// Your password must contain at least 12 characters.
	// Your password can’t be entirely numeric.
}

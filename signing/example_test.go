package signing_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/nuages-go/nuages/signing"
)

func ExampleSigner() {
	s := signing.Signer{Key: "predictable-secret", Salt: "newsletter.unsubscribe"}
	link := "/unsubscribe/?t=" + s.Sign("alice@example.com")
	fmt.Println(link)

	email, err := s.Unsign("alice@example.com:ATtacker-made-this")
	fmt.Printf("%q %v\n", email, errors.Is(err, signing.ErrBadSignature))
	// Output:
	// /unsubscribe/?t=alice@example.com:_tfJz0NDPOfjJAH5a2IQ14ZoxEdJtfhYbrzvMlLRdIo
	// "" true
}

func ExampleTimestampSigner_UnsignObject() {
	s := signing.TimestampSigner{Signer: signing.Signer{Key: "predictable-secret", Salt: "password-reset"}}
	token, _ := s.SignObject(map[string]int{"user": 42})

	var claims struct{ User int }
	if err := s.UnsignObject(token, &claims, 15*time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reset the password of user", claims.User)
	// Output: reset the password of user 42
}

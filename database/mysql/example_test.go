package mysql_test

import (
	"context"
	"errors"
	"log"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/mysql"
)

// A MySQL or MariaDB database is named by a mysql:// (or mariadb://) URL
// and opened with this engine (a project names it in Settings.Engines); a
// constraint violation is classified as on every engine. (Not run: it
// needs a server.)
func Example() {
	ctx := context.Background()
	db, err := database.Open(ctx, "default", database.Config{URL: "mysql://app:p%40ss@127.0.0.1:3306/shop", Engine: mysql.Engine{}})
	if err != nil {
		log.Fatal(err) // the password is never in the message
	}
	defer db.Close()

	_, err = db.Exec(ctx, "INSERT INTO author (email) VALUES (?)", "ann@example.com")
	if errors.Is(err, database.ErrUniqueViolation) {
		log.Print("that address is taken")
	} else if err != nil {
		log.Fatal(err)
	}
}

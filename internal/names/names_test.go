package names

import "testing"

func TestSnake(t *testing.T) {
	cases := map[string]string{"PubDate": "pub_date", "ID": "id", "HTTPServer": "http_server", "UserID": "user_id", "Text": "text", "A": "a", "": ""}
	for in, want := range cases {
		if got := Snake(in); got != want {
			t.Errorf("Snake(%q) = %q, want %q", in, got, want)
		}
	}
}

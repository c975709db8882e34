package nuages

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
)

func TestCheckCommand(t *testing.T) {
	strong := strings.Repeat("abcdefghij", 6)
	tests := []struct {
		name     string
		edit     func(*Settings)
		appMsgs  []Message
		args     []string
		wantCode int
		want     string // the whole report
	}{
		{"clean", nil, nil, []string{"check"}, 0, "System check identified no issues (0 silenced).\n"},
		{"deploy_checks_need_deploy", func(s *Settings) { s.Debug = true }, nil, []string{"check"}, 0, "System check identified no issues (0 silenced).\n"},
		{"deploy", func(s *Settings) { s.Debug, s.SecretKey, s.AllowedHosts = true, "short", nil }, nil, []string{"check", "-deploy"}, 0,
			"System check identified some issues:\n\nWARNINGS:\n" +
				"?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it starts with \"nuages-insecure-\". It is a weak key for signing sessions and tokens.\n" +
				"\tHINT: Generate a long random key, for example: export SECRET_KEY=\"$(openssl rand -base64 48)\"\n" +
				"?: (security.W018) You should not have DEBUG set to true in deployment.\n\tHINT: Set DEBUG=false in the environment.\n" +
				"?: (security.W020) ALLOWED_HOSTS must not be empty in deployment.\n\tHINT: Set ALLOWED_HOSTS to the site's host names, e.g. ALLOWED_HOSTS=example.com,www.example.com.\n" +
				"\nSystem check identified 3 issues (0 silenced).\n"},
		{"weak_fallback_key", func(s *Settings) {
			s.SecretKeyFallbacks = []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
		}, nil, []string{"check", "-deploy", "-tag", "security"}, 0,
			"System check identified some issues:\n\nWARNINGS:\n" +
				"?: (security.W025) Your SECRET_KEY_FALLBACKS[0] has less than 50 characters, less than 5 unique characters, or it starts with \"nuages-insecure-\". It is a weak key for signing sessions and tokens.\n" +
				"\tHINT: Generate a long random key, for example: export SECRET_KEY=\"$(openssl rand -base64 48)\"\n" +
				"\nSystem check identified 1 issue (0 silenced).\n"},
		{"silenced", func(s *Settings) { s.Debug = true; s.SilencedSystemChecks = []string{"security.W018"} }, nil, []string{"check", "-deploy"}, 0, "System check identified no issues (1 silenced).\n"},
		{"warning_fails_at_warning_level", func(s *Settings) { s.Debug = true }, nil, []string{"check", "-deploy", "-fail-level", "warning"}, 1,
			"System check identified some issues:\n\nWARNINGS:\n?: (security.W018) You should not have DEBUG set to true in deployment.\n\tHINT: Set DEBUG=false in the environment.\n\nSystem check identified 1 issue (0 silenced).\n"},
		{"app_error_fails_and_sorts_by_level", nil, []Message{
			{Level: Warning, ID: "polls.W001", Msg: "w", Obj: "polls.Question"},
			{Level: Error, ID: "polls.E001", Msg: "e", Hint: "fix it", Obj: "polls.Choice"},
		}, []string{"check"}, 1,
			"System check identified some issues:\n\nERRORS:\npolls.Choice: (polls.E001) e\n\tHINT: fix it\n\nWARNINGS:\npolls.Question: (polls.W001) w\n\nSystem check identified 2 issues (0 silenced).\n"},
		{"tag_filters_app_checks_out", nil, []Message{{Level: Error, ID: "polls.E001", Msg: "e"}}, []string{"check", "-tag", "security"}, 0, "System check identified no issues (0 silenced).\n"},
		{"database_reachable", nil, nil, []string{"check", "-database", "default"}, 0, "System check identified no issues (0 silenced).\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := devSettings(t)
			s.Debug, s.SecretKey, s.AllowedHosts = false, strong, []string{"example.com"}
			if tt.edit != nil {
				tt.edit(&s)
			}
			p := newProject(t, s, pollsApp{msgs: tt.appMsgs})
			code, out, errOut := runCLI(t, p, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			got := out
			if tt.wantCode != 0 {
				got = errOut // a failing report goes to stderr
			}
			if got != tt.want {
				t.Errorf("report:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestCheckCommand_UnreachableDatabase(t *testing.T) {
	s := devSettings(t)
	s.Databases["default"] = database.Config{URL: "postgres://app:hunter2@127.0.0.1:1/shop?sslmode=disable"}
	p := newProject(t, s)
	code, _, errOut := runCLI(t, p, "check", "-database", "default")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	for _, want := range []string{"ERRORS:\ndatabase default: (nuages.E001) Cannot connect to the database: database \"default\" (postgres://app:xxxxx@127.0.0.1:1/shop?sslmode=disable)", "HINT: Check the database URL"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr = %q, want it to contain %q", errOut, want)
		}
	}
	if strings.Contains(errOut, "hunter2") {
		t.Errorf("stderr shows the password: %q", errOut)
	}
}

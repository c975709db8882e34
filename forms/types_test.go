package forms

import (
	"context"
	"encoding/json"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

// cleanOne binds a one-field form ("f") to values and returns the cleaned
// value, or the codes of its errors.
func cleanOne(t *testing.T, fd Field, loc *time.Location, values ...string) (any, []string) {
	t.Helper()
	fd.Name = "f"
	f := New[Values](fd)
	f.Location = loc
	data := url.Values{}
	if values != nil {
		data["f"] = values
	}
	f.BindValues(data, nil)
	ok, err := f.IsValid(context.Background())
	if err != nil {
		t.Fatalf("IsValid: unexpected failure %v", err)
	}
	if !ok {
		var codes []string
		for _, e := range f.Errors()["f"] {
			codes = append(codes, e.Code)
			if e.Error() == "" || strings.Contains(e.Error(), "{") {
				t.Errorf("error %q has an unfilled message %q", e.Code, e.Error())
			}
		}
		return nil, codes
	}
	return f.Value["f"], nil
}

type typeCase struct {
	name   string
	field  Field
	values []string // nil: key absent
	want   any      // the cleaned value, when wantErr is ""
	code   string   // the first error code expected
}

func runTypeCases(t *testing.T, cases []typeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, codes := cleanOne(t, tc.field, time.UTC, tc.values...)
			if tc.code != "" {
				if len(codes) == 0 || codes[0] != tc.code {
					t.Fatalf("got value %#v, errors %v; want error %q", got, codes, tc.code)
				}
				return
			}
			if len(codes) > 0 {
				t.Fatalf("got errors %v, want %#v", codes, tc.want)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v (%T), want %#v (%T)", got, got, tc.want, tc.want)
			}
		})
	}
}

func TestChar(t *testing.T) {
	long := strings.Repeat("é", 1<<16)
	runTypeCases(t, []typeCase{
		{"plain", Field{}, []string{"hello"}, "hello", ""},
		{"stripped", Field{}, []string{"  hi \n"}, "hi", ""},
		{"no_strip", Field{Type: Char{NoStrip: true}}, []string{" hi "}, " hi ", ""},
		{"missing_required", Field{}, nil, nil, "required"},
		{"blank_required", Field{}, []string{"   "}, nil, "required"},
		{"blank_optional", Field{Optional: true}, []string{""}, "", ""},
		{"max_length_counts_characters", Field{Type: Char{MaxLength: 3}}, []string{"ééé"}, "ééé", ""},
		{"over_max_length", Field{Type: Char{MaxLength: 3}}, []string{"abcd"}, nil, "max_length"},
		{"overlong_hostile", Field{Type: Char{MaxLength: 100}}, []string{long}, nil, "max_length"},
		{"under_min_length", Field{Type: Char{MinLength: 3}}, []string{"ab"}, nil, "min_length"},
		{"nul_byte", Field{}, []string{"a\x00b"}, nil, "null_characters_not_allowed"},
		{"invalid_utf8", Field{}, []string{"a\xffb"}, nil, "invalid_utf8"},
		{"duplicated_key_last_wins", Field{}, []string{"first", "last"}, "last", ""},
		{"html_kept_as_text", Field{}, []string{`<script>alert(1)</script>`}, `<script>alert(1)</script>`, ""},
	})
}

func TestText(t *testing.T) {
	runTypeCases(t, []typeCase{
		{"email", Field{Type: Email{}}, []string{"ann@example.com"}, "ann@example.com", ""},
		{"email_plus_and_dots", Field{Type: Email{}}, []string{"a.b+c@mail.example.co.uk"}, "a.b+c@mail.example.co.uk", ""},
		{"email_quoted_local", Field{Type: Email{}}, []string{`"john..doe"@example.com`}, `"john..doe"@example.com`, ""},
		{"email_idn", Field{Type: Email{}}, []string{"ann@exämple.de"}, "ann@exämple.de", ""},
		{"email_ip_literal", Field{Type: Email{}}, []string{"ann@[192.168.0.1]"}, "ann@[192.168.0.1]", ""},
		{"email_localhost", Field{Type: Email{}}, []string{"root@localhost"}, "root@localhost", ""},
		{"email_no_at", Field{Type: Email{}}, []string{"ann.example.com"}, nil, "invalid_email"},
		{"email_no_domain", Field{Type: Email{}}, []string{"ann@"}, nil, "invalid_email"},
		{"email_no_tld", Field{Type: Email{}}, []string{"ann@example"}, nil, "invalid_email"},
		{"email_double_dot", Field{Type: Email{}}, []string{"a..b@example.com"}, nil, "invalid_email"},
		{"email_header_injection", Field{Type: Email{}}, []string{"a@example.com\r\nBcc: x@y.z"}, nil, "invalid_email"},
		{"email_too_long", Field{Type: Email{}}, []string{strings.Repeat("a", 320) + "@example.com"}, nil, "max_length"},
		{"url", Field{Type: URL{}}, []string{"https://example.com/a?b=c#d"}, "https://example.com/a?b=c#d", ""},
		{"url_assumes_https", Field{Type: URL{}}, []string{"example.com/x"}, "https://example.com/x", ""},
		{"url_host_port_no_scheme", Field{Type: URL{}}, []string{"example.com:8000/x"}, "https://example.com:8000/x", ""},
		{"url_ipv6", Field{Type: URL{}}, []string{"http://[::1]:8000/"}, "http://[::1]:8000/", ""},
		{"url_localhost", Field{Type: URL{}}, []string{"http://localhost:8000"}, "http://localhost:8000", ""},
		{"url_javascript", Field{Type: URL{}}, []string{"javascript:alert(1)"}, nil, "invalid_url"},
		{"url_space", Field{Type: URL{}}, []string{"http://exa mple.com"}, nil, "invalid_url"},
		{"url_bad_port", Field{Type: URL{}}, []string{"http://example.com:99999999/"}, nil, "invalid_url"},
		{"url_no_host", Field{Type: URL{}}, []string{"http://"}, nil, "invalid_url"},
		{"url_bad_label", Field{Type: URL{}}, []string{"http://-bad-.com"}, nil, "invalid_url"},
		{"slug", Field{Type: Slug{}}, []string{"my-post_2"}, "my-post_2", ""},
		{"slug_space", Field{Type: Slug{}}, []string{"my post"}, nil, "invalid_slug"},
		{"slug_unicode_refused", Field{Type: Slug{}}, []string{"café"}, nil, "invalid_slug"},
		{"slug_unicode_allowed", Field{Type: Slug{AllowUnicode: true}}, []string{"café"}, "café", ""},
		{"regex", Field{Type: Regex{Pattern: regexp.MustCompile(`^[A-Z]{2}$`)}}, []string{"FR"}, "FR", ""},
		{"regex_no_match", Field{Type: Regex{Pattern: regexp.MustCompile(`^[A-Z]{2}$`)}}, []string{"FRA"}, nil, "invalid"},
		{"uuid_hyphens", Field{Type: UUID{}}, []string{"6BA7B810-9DAD-11D1-80B4-00C04FD430C8"}, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", ""},
		{"uuid_plain_braces", Field{Type: UUID{}}, []string{"{6ba7b8109dad11d180b400c04fd430c8}"}, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", ""},
		{"uuid_urn", Field{Type: UUID{}}, []string{"urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"}, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", ""},
		{"uuid_short", Field{Type: UUID{}}, []string{"6ba7b810"}, nil, "invalid_uuid"},
		{"uuid_not_hex", Field{Type: UUID{}}, []string{"zba7b810-9dad-11d1-80b4-00c04fd430c8"}, nil, "invalid_uuid"},
		{"json_object_compacted", Field{Type: JSON{}}, []string{`{"a": [1, 2]}`}, json.RawMessage(`{"a":[1,2]}`), ""},
		{"json_invalid", Field{Type: JSON{}}, []string{`{"a": `}, nil, "invalid_json"},
		{"json_null_is_empty", Field{Type: JSON{}}, []string{`null`}, nil, "required"},
		{"json_deep_nesting", Field{Type: JSON{}}, []string{strings.Repeat("[", 100000)}, nil, "invalid_json"},
	})
}

func TestNumbers(t *testing.T) {
	runTypeCases(t, []typeCase{
		{"integer", Field{Type: Integer{}}, []string{" -42 "}, int64(-42), ""},
		{"integer_plus", Field{Type: Integer{}}, []string{"+7"}, int64(7), ""},
		{"integer_dot_zero", Field{Type: Integer{}}, []string{"12.00"}, int64(12), ""},
		{"integer_fraction", Field{Type: Integer{}}, []string{"12.5"}, nil, "invalid_integer"},
		{"integer_word", Field{Type: Integer{}}, []string{"twelve"}, nil, "invalid_integer"},
		{"integer_hex", Field{Type: Integer{}}, []string{"0x10"}, nil, "invalid_integer"},
		{"integer_underscore", Field{Type: Integer{}}, []string{"1_000"}, nil, "invalid_integer"},
		{"integer_huge", Field{Type: Integer{}}, []string{"99999999999999999999999"}, nil, "max_value"},
		{"integer_huge_negative", Field{Type: Integer{}}, []string{"-99999999999999999999999"}, nil, "min_value"},
		{"integer_megabyte", Field{Type: Integer{}}, []string{strings.Repeat("9", 1<<20)}, nil, "invalid_integer"},
		{"integer_max", Field{Type: Integer{Max: new(int64(10))}}, []string{"11"}, nil, "max_value"},
		{"integer_min", Field{Type: Integer{Min: new(int64(10))}}, []string{"9"}, nil, "min_value"},
		{"integer_step", Field{Type: Integer{Step: 5}}, []string{"12"}, nil, "step_size"},
		{"integer_step_from_min", Field{Type: Integer{Min: new(int64(1)), Step: 5}}, []string{"11"}, int64(11), ""},
		{"integer_empty_optional", Field{Type: Integer{}, Optional: true}, []string{""}, nil, ""},
		{"float", Field{Type: Float{}}, []string{"1.5e3"}, 1500.0, ""},
		{"float_nan", Field{Type: Float{}}, []string{"NaN"}, nil, "invalid_number"},
		{"float_inf", Field{Type: Float{}}, []string{"inf"}, nil, "invalid_number"},
		{"float_overflow", Field{Type: Float{}}, []string{"1e999"}, nil, "invalid_number"},
		{"float_hex", Field{Type: Float{}}, []string{"0x1p3"}, nil, "invalid_number"},
		{"float_max", Field{Type: Float{Max: new(0.5)}}, []string{"0.51"}, nil, "max_value"},
		{"float_step", Field{Type: Float{Step: 0.25}}, []string{"0.75"}, 0.75, ""},
		{"decimal_exact", Field{Type: Decimal{}}, []string{"0.10"}, "0.10", ""},
		{"decimal_exponent", Field{Type: Decimal{}}, []string{"1.5e2"}, "150", ""},
		{"decimal_max_digits", Field{Type: Decimal{MaxDigits: 4, DecimalPlaces: 2}}, []string{"123.45"}, nil, "max_digits"},
		{"decimal_places", Field{Type: Decimal{MaxDigits: 6, DecimalPlaces: 2}}, []string{"1.234"}, nil, "max_decimal_places"},
		{"decimal_whole_digits", Field{Type: Decimal{MaxDigits: 4, DecimalPlaces: 2}}, []string{"123.4"}, nil, "max_whole_digits"},
		{"decimal_fits", Field{Type: Decimal{MaxDigits: 4, DecimalPlaces: 2}}, []string{"-12.34"}, "-12.34", ""},
		{"decimal_leading_zeros", Field{Type: Decimal{MaxDigits: 3, DecimalPlaces: 2}}, []string{"0.05"}, "0.05", ""},
		{"decimal_min_exact", Field{Type: Decimal{Min: "0.1"}}, []string{"0.09999999999999999999"}, nil, "min_value"},
		{"decimal_step", Field{Type: Decimal{Step: "0.05"}}, []string{"0.15"}, "0.15", ""},
		{"decimal_step_refused", Field{Type: Decimal{Step: "0.05"}}, []string{"0.17"}, nil, "step_size"},
		{"decimal_nan", Field{Type: Decimal{}}, []string{"NaN"}, nil, "invalid_number"},
		{"decimal_comma", Field{Type: Decimal{}}, []string{"1,5"}, nil, "invalid_number"},
		{"decimal_huge_exponent", Field{Type: Decimal{}}, []string{"1e99999999"}, nil, "invalid_number"},
		{"decimal_megabyte", Field{Type: Decimal{}}, []string{strings.Repeat("1", 1<<20)}, nil, "invalid_number"},
	})
}

func TestBooleans(t *testing.T) {
	runTypeCases(t, []typeCase{
		{"checked", Field{Type: Boolean{}}, []string{"on"}, true, ""},
		{"false_text", Field{Type: Boolean{}, Optional: true}, []string{"False"}, false, ""},
		{"zero", Field{Type: Boolean{}, Optional: true}, []string{"0"}, false, ""},
		{"unchecked_optional", Field{Type: Boolean{}, Optional: true}, nil, false, ""},
		{"unchecked_required", Field{Type: Boolean{}}, nil, nil, "required"},
		{"false_required", Field{Type: Boolean{}}, []string{"false"}, nil, "required"},
		{"null_true", Field{Type: NullBoolean{}}, []string{"true"}, true, ""},
		{"null_two_is_true", Field{Type: NullBoolean{}}, []string{"2"}, true, ""},
		{"null_false", Field{Type: NullBoolean{}}, []string{"3"}, false, ""},
		{"null_unknown", Field{Type: NullBoolean{}}, []string{"unknown"}, nil, ""},
		{"null_absent", Field{Type: NullBoolean{}}, nil, nil, ""},
	})
}

func TestChoices(t *testing.T) {
	opts := []Option{{Value: "a", Label: "A"}, {Value: "b", Label: "B"}, {Value: "x", Label: "X", Disabled: true}}
	toInt := func(_ context.Context, s string) (any, error) { return int64(len(s)), nil }
	runTypeCases(t, []typeCase{
		{"valid", Field{Type: Choice{Options: opts}}, []string{"b"}, "b", ""},
		{"invalid", Field{Type: Choice{Options: opts}}, []string{"c"}, nil, "invalid_choice"},
		{"disabled_option", Field{Type: Choice{Options: opts}}, []string{"x"}, nil, "invalid_choice"},
		{"empty_required", Field{Type: Choice{Options: opts}}, []string{""}, nil, "required"},
		{"chooser", Field{Type: Choice{Chooser: Options(opts)}}, []string{"a"}, "a", ""},
		{"typed", Field{Type: Choice{Options: opts, Coerce: toInt}}, []string{"a"}, int64(1), ""},
		{"typed_empty", Field{Type: Choice{Options: opts, Coerce: toInt, Empty: int64(-1)}, Optional: true}, []string{""}, int64(-1), ""},
		{"multiple", Field{Type: MultipleChoice{Options: opts}}, []string{"b", "a", "b"}, []string{"b", "a"}, ""},
		{"multiple_one_invalid", Field{Type: MultipleChoice{Options: opts}}, []string{"a", "zz"}, nil, "invalid_choice"},
		{"multiple_none_required", Field{Type: MultipleChoice{Options: opts}}, nil, nil, "required"},
		{"multiple_none_optional", Field{Type: MultipleChoice{Options: opts}, Optional: true}, nil, []string(nil), ""},
		{"multiple_too_many", Field{Type: MultipleChoice{Options: opts, MaxChoices: 2}}, []string{"a", "b", "c"}, nil, "invalid_list"},
		{"multiple_typed", Field{Type: MultipleChoice{Options: opts, Coerce: toInt}}, []string{"a"}, []any{int64(1)}, ""},
	})
}

func TestTimes(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	runTypeCases(t, []typeCase{
		{"date_iso", Field{Type: Date{}}, []string{"2006-10-25"}, day(2006, 10, 25), ""},
		{"date_us", Field{Type: Date{}}, []string{"10/25/2006"}, day(2006, 10, 25), ""},
		{"date_us_short", Field{Type: Date{}}, []string{"10/25/06"}, day(2006, 10, 25), ""},
		{"date_month_name", Field{Type: Date{}}, []string{"October 25, 2006"}, day(2006, 10, 25), ""},
		{"date_abbrev", Field{Type: Date{}}, []string{"25 Oct 2006"}, day(2006, 10, 25), ""},
		{"date_february_30", Field{Type: Date{}}, []string{"2006-02-30"}, nil, "invalid_date"},
		{"date_garbage", Field{Type: Date{}}, []string{"tomorrow"}, nil, "invalid_date"},
		{"date_overlong", Field{Type: Date{}}, []string{strings.Repeat("2006-10-25", 1000)}, nil, "invalid_date"},
		{"date_max", Field{Type: Date{Max: day(2000, 1, 1)}}, []string{"2000-01-02"}, nil, "max_value"},
		{"time", Field{Type: Time{}}, []string{"14:30"}, time.Date(0, 1, 1, 14, 30, 0, 0, time.UTC), ""},
		{"time_fraction", Field{Type: Time{}}, []string{"14:30:59.000200"}, time.Date(0, 1, 1, 14, 30, 59, 200000, time.UTC), ""},
		{"time_25h", Field{Type: Time{}}, []string{"25:00"}, nil, "invalid_time"},
		{"datetime_offset", Field{Type: DateTime{}}, []string{"2006-01-02T15:04:05+02:00"}, time.Date(2006, 1, 2, 13, 4, 5, 0, time.UTC), ""},
		{"datetime_z", Field{Type: DateTime{}}, []string{"2006-01-02T15:04:05Z"}, time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), ""},
		{"datetime_local_input", Field{Type: DateTime{}}, []string{"2006-01-02T15:04"}, time.Date(2006, 1, 2, 15, 4, 0, 0, time.UTC), ""},
		{"datetime_space", Field{Type: DateTime{}}, []string{"2006-01-02 15:04:05.5"}, time.Date(2006, 1, 2, 15, 4, 5, 5e8, time.UTC), ""},
		{"datetime_date_only", Field{Type: DateTime{}}, []string{"2006-01-02"}, time.Date(2006, 1, 2, 0, 0, 0, 0, time.UTC), ""},
		{"datetime_garbage", Field{Type: DateTime{}}, []string{"2006-01-02T25:00"}, nil, "invalid_datetime"},
		{"duration_django", Field{Type: Duration{}}, []string{"3 days, 04:05:06"}, 3*24*time.Hour + 4*time.Hour + 5*time.Minute + 6*time.Second, ""},
		{"duration_django_short", Field{Type: Duration{}}, []string{"1 02:03:04.5"}, 26*time.Hour + 3*time.Minute + 4500*time.Millisecond, ""},
		{"duration_minutes_seconds", Field{Type: Duration{}}, []string{"15:30"}, 15*time.Minute + 30*time.Second, ""},
		{"duration_seconds", Field{Type: Duration{}}, []string{"90"}, 90 * time.Second, ""},
		{"duration_negative_days", Field{Type: Duration{}}, []string{"-1 00:00:00"}, -24 * time.Hour, ""},
		{"duration_iso", Field{Type: Duration{}}, []string{"P3DT4H5M6S"}, 3*24*time.Hour + 4*time.Hour + 5*time.Minute + 6*time.Second, ""},
		{"duration_iso_fraction", Field{Type: Duration{}}, []string{"PT1.5S"}, 1500 * time.Millisecond, ""},
		{"duration_iso_negative", Field{Type: Duration{}}, []string{"-P1D"}, -24 * time.Hour, ""},
		{"duration_go", Field{Type: Duration{}}, []string{"1h30m"}, 90 * time.Minute, ""},
		{"duration_overflow_days", Field{Type: Duration{}}, []string{"999999999 00:00:00"}, nil, "overflow"},
		{"duration_overflow_iso", Field{Type: Duration{}}, []string{"P999999999D"}, nil, "overflow"},
		{"duration_overflow_go", Field{Type: Duration{}}, []string{"9999999999h"}, nil, "overflow"},
		{"duration_bare_p", Field{Type: Duration{}}, []string{"P"}, nil, "invalid_duration"},
		{"duration_garbage", Field{Type: Duration{}}, []string{"soon"}, nil, "invalid_duration"},
		{"duration_max", Field{Type: Duration{Max: time.Hour}}, []string{"2h"}, nil, "max_value"},
	})
}

func TestDateTimeLocation(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	tests := []struct {
		name, in string
		want     time.Time
		code     string
	}{
		{"naive_is_local", "2024-07-01 12:00", time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC), ""},
		{"offset_wins", "2024-07-01T12:00:00Z", time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC), ""},
		{"gap_does_not_exist", "2024-03-31 02:30", time.Time{}, "ambiguous_timezone"},
		{"overlap_is_ambiguous", "2024-10-27 02:30", time.Time{}, "ambiguous_timezone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, codes := cleanOne(t, Field{Type: DateTime{}}, paris, tt.in)
			if tt.code != "" {
				if len(codes) == 0 || codes[0] != tt.code {
					t.Fatalf("got %v, %v; want error %s", got, codes, tt.code)
				}
				return
			}
			gt, ok := got.(time.Time)
			if !ok || !gt.Equal(tt.want) || gt.Location() != paris {
				t.Fatalf("got %v (errors %v), want %v in Europe/Paris", got, codes, tt.want)
			}
		})
	}
	// Shown back in the form's location, as a datetime-local input reads it.
	if got := (DateTime{}).Format(time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC), paris); !reflect.DeepEqual(got, []string{"2024-07-01T12:00:00"}) {
		t.Errorf("Format = %q, want 2024-07-01T12:00:00", got)
	}
}

func TestSplitDateTime(t *testing.T) {
	fd := Field{Name: "when", Type: SplitDateTime{}}
	tests := []struct {
		name string
		data url.Values
		want time.Time
		code string
	}{
		{"both", url.Values{"when_0": {"2006-01-02"}, "when_1": {"15:04"}}, time.Date(2006, 1, 2, 15, 4, 0, 0, time.UTC), ""},
		{"date_missing", url.Values{"when_1": {"15:04"}}, time.Time{}, "invalid_date"},
		{"time_missing", url.Values{"when_0": {"2006-01-02"}}, time.Time{}, "invalid_time"},
		{"none", url.Values{}, time.Time{}, "required"},
		{"bad_time", url.Values{"when_0": {"2006-01-02"}, "when_1": {"99:99"}}, time.Time{}, "invalid_time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New[Values](fd)
			f.BindValues(tt.data, nil)
			ok, err := f.IsValid(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if tt.code != "" {
				if ok || !f.Errors().Has("when", tt.code) {
					t.Fatalf("got valid=%v errors %v, want %s", ok, f.Errors(), tt.code)
				}
				return
			}
			if got, _ := f.Value["when"].(time.Time); !ok || !got.Equal(tt.want) {
				t.Fatalf("got %v (%v), want %v", f.Value["when"], f.Errors(), tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00:00"},
		{90 * time.Second, "00:01:30"},
		{26*time.Hour + 3*time.Minute, "1 02:03:00"},
		{-time.Hour, "-01:00:00"},
		{1500 * time.Millisecond, "00:00:01.500000"},
		{math.MaxInt64, "106751 23:47:16.854775"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
		if tt.d == math.MaxInt64 {
			continue
		}
		back, err := parseDuration(formatDuration(tt.d))
		if err != nil || back != tt.d {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", formatDuration(tt.d), back, err, tt.d)
		}
	}
}

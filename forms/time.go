package forms

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateFormats are the layouts Date reads by default, Django's
// DATE_INPUT_FORMATS: "2006-10-25", "10/25/2006", "10/25/06",
// "Oct 25 2006", "Oct 25, 2006", "25 Oct 2006", "25 Oct, 2006",
// "October 25 2006", "October 25, 2006", "25 October 2006",
// "25 October, 2006".
var dateFormats = []string{
	"2006-01-02", "1/2/2006", "1/2/06",
	"Jan 2 2006", "Jan 2, 2006", "2 Jan 2006", "2 Jan, 2006",
	"January 2 2006", "January 2, 2006", "2 January 2006", "2 January, 2006",
}

// timeFormats are the layouts Time reads by default, Django's
// TIME_INPUT_FORMATS: "14:30:59", "14:30:59.000200", "14:30".
var timeFormats = []string{"15:04:05", "15:04"}

// dateTimeFormats are read by DateTime besides ISO 8601 with an offset.
var dateTimeFormats = []string{
	"2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
	"1/2/2006 15:04:05", "1/2/2006 15:04", "1/2/06 15:04:05", "1/2/06 15:04",
}

// maxDateLength bounds the text of a date or time: longer is refused
// before any layout is tried.
const maxDateLength = 64

// Date is a calendar date, Django's DateField: a time.Time at midnight
// UTC (a date has no time zone). It reads Django's DATE_INPUT_FORMATS:
// "2006-10-25", "10/25/2006", "10/25/06", "Oct 25 2006", "Oct 25, 2006",
// "25 Oct 2006", "25 Oct, 2006", "October 25 2006", "October 25, 2006",
// "25 October 2006", "25 October, 2006"; Formats (Go layouts) replaces them.
type Date struct {
	Formats  []string
	Min, Max time.Time // zero: no bound
}

func (d Date) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	t, ok := parseLayouts(s, orDefault(d.Formats, dateFormats), time.UTC)
	if !ok {
		return nil, newError("invalid_date", nil)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

func (d Date) Format(v any, loc *time.Location) []string {
	if t, ok := deref(v).(time.Time); ok {
		if t.IsZero() {
			return nil
		}
		return []string{t.Format("2006-01-02")}
	}
	return formatAny(v, loc)
}

func (d Date) Widget() Widget { return Input{Type: "date"} }

func (d Date) Validators() []Validator { return timeBounds(d.Min, d.Max) }

func (d Date) attrs() []Attr {
	var as []Attr
	if !d.Max.IsZero() {
		as = append(as, Attr{"max", d.Max.Format("2006-01-02")})
	}
	if !d.Min.IsZero() {
		as = append(as, Attr{"min", d.Min.Format("2006-01-02")})
	}
	return as
}

func timeBounds(lo, hi time.Time) []Validator {
	var vs []Validator
	if !hi.IsZero() {
		vs = append(vs, MaxValue(hi))
	}
	if !lo.IsZero() {
		vs = append(vs, MinValue(lo))
	}
	return vs
}

// Time is a time of day, Django's TimeField: a time.Time on January 1 of
// year 0, UTC. It reads "14:30:59", "14:30:59.000200" and "14:30";
// Formats (Go layouts) replaces them, and fractions of a second are
// read after the seconds whatever the layout.
type Time struct {
	Formats []string
}

func (t Time) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	v, ok := parseLayouts(s, orDefault(t.Formats, timeFormats), time.UTC)
	if !ok {
		return nil, newError("invalid_time", nil)
	}
	return time.Date(0, 1, 1, v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC), nil
}

func (t Time) Format(v any, loc *time.Location) []string {
	if tv, ok := deref(v).(time.Time); ok {
		return []string{formatClock(tv)}
	}
	return formatAny(v, loc)
}

func formatClock(t time.Time) string {
	if t.Nanosecond() != 0 {
		return t.Format("15:04:05.000000")
	}
	return t.Format("15:04:05")
}

func (t Time) Widget() Widget { return Input{Type: "time"} }

// DateTime is a moment, Django's DateTimeField with USE_TZ: ISO 8601
// with an offset ("2006-01-02T15:04:05+02:00", "...Z") is that moment; a
// date and time without one is the wall clock in the form's Location,
// and is refused when that clock time does not exist there or happens
// twice (a daylight-saving change), as Django refuses it. The value is a
// time.Time in the form's Location.
type DateTime struct {
	Formats  []string // read after ISO 8601; replaces the defaults
	Min, Max time.Time
}

func (d DateTime) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	return parseDateTime(s, d.Formats, in.Location)
}

func parseDateTime(s string, formats []string, loc *time.Location) (any, error) {
	if len(s) > maxDateLength {
		return nil, newError("invalid_datetime", nil)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.In(loc), nil
		}
	}
	layouts := formats
	if len(layouts) == 0 {
		layouts = append(append([]string{}, dateTimeFormats...), dateFormats...)
	}
	t, ok := parseLayouts(s, layouts, time.UTC)
	if !ok {
		return nil, newError("invalid_datetime", nil)
	}
	return inLocation(t, loc)
}

// inLocation gives the wall clock of t (read as UTC) in loc, refusing a
// clock time that does not exist there or exists twice.
func inLocation(t time.Time, loc *time.Location) (time.Time, error) {
	local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	wall := func(x time.Time) string { return x.Format("2006-01-02 15:04:05.999999999") }
	want := wall(t)
	ambiguous := false
	for _, shift := range []time.Duration{-time.Hour, time.Hour, -30 * time.Minute, 30 * time.Minute} {
		other := local.Add(shift).In(loc)
		if wall(other) == want && !other.Equal(local) {
			ambiguous = true
		}
	}
	if wall(local) != want || ambiguous {
		return time.Time{}, &Error{Code: "ambiguous_timezone",
			Message: "{datetime} couldn’t be interpreted in time zone {current_timezone}; it may be ambiguous or it may not exist.",
			Params:  map[string]any{"datetime": want, "current_timezone": loc.String()}}
	}
	return local, nil
}

func (d DateTime) Format(v any, loc *time.Location) []string {
	if t, ok := deref(v).(time.Time); ok {
		if t.IsZero() {
			return nil
		}
		return []string{formatDateTime(t, loc)}
	}
	return formatAny(v, loc)
}

// formatDateTime writes t in loc as a datetime-local input reads it.
func formatDateTime(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02T15:04:05.000000")
	}
	return t.Format("2006-01-02T15:04:05")
}

func (d DateTime) Widget() Widget { return Input{Type: "datetime-local"} }

func (d DateTime) Validators() []Validator { return timeBounds(d.Min, d.Max) }

// SplitDateTime is a moment sent as a date and a time in two inputs
// (name_0 and name_1), Django's SplitDateTimeField; both are required
// together. The value is as DateTime's.
type SplitDateTime struct {
	DateFormats, TimeFormats []string
}

func (d SplitDateTime) Convert(ctx context.Context, in Raw) (any, error) {
	var date, clock string
	if len(in.Values) > 0 {
		date = strings.TrimSpace(in.Values[0])
	}
	if len(in.Values) > 1 {
		clock = strings.TrimSpace(in.Values[1])
	}
	if date == "" && clock == "" {
		return nil, nil
	}
	if date == "" {
		return nil, newError("invalid_date", nil)
	}
	if clock == "" {
		return nil, newError("invalid_time", nil)
	}
	dv, err := Date{Formats: d.DateFormats}.Convert(ctx, Raw{Values: []string{date}})
	if err != nil {
		return nil, err
	}
	tv, err := Time{Formats: d.TimeFormats}.Convert(ctx, Raw{Values: []string{clock}})
	if err != nil {
		return nil, err
	}
	day, tod := dv.(time.Time), tv.(time.Time)
	return inLocation(time.Date(day.Year(), day.Month(), day.Day(), tod.Hour(), tod.Minute(), tod.Second(), tod.Nanosecond(), time.UTC), in.Location)
}

func (d SplitDateTime) Format(v any, loc *time.Location) []string {
	t, ok := deref(v).(time.Time)
	if !ok || t.IsZero() {
		if s, ok := v.([]string); ok {
			return s // what was sent, shown back
		}
		return nil
	}
	if loc != nil {
		t = t.In(loc)
	}
	return []string{t.Format("2006-01-02"), formatClock(t)}
}

func (d SplitDateTime) Widget() Widget { return SplitDateTimeWidget{} }

// Duration is a time.Duration, Django's DurationField. It reads Django's
// format ("3 days, 04:05:06", "1 02:03:04.5", "15:30", "90"), ISO 8601
// ("P3DT4H5M6S", "PT1.5S", "-P1D") and Go's ("1h30m").
type Duration struct {
	Min, Max time.Duration // 0: no bound
}

var djangoDuration = regexp.MustCompile(`^(?:([-+]?\d+) (?:days?, )?)?([-+]?)(?:(\d+):(\d+):|(\d+):)?(\d+)(?:[.,](\d{1,9}))?$`)
var goDuration = regexp.MustCompile(`^[-+]?(\d+(\.\d*)?(ns|us|µs|μs|ms|s|m|h))+$`)
var isoDuration = regexp.MustCompile(`^([-+]?)P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$`)

func (d Duration) Convert(_ context.Context, in Raw) (any, error) {
	s := strings.TrimSpace(in.Value())
	if s == "" {
		return nil, nil
	}
	if len(s) > maxDateLength {
		return nil, newError("invalid_duration", nil)
	}
	v, err := parseDuration(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}

const maxDays = 106751 // the most whole days a time.Duration holds

func overflow() error {
	return newError("overflow", map[string]any{"min_days": -maxDays, "max_days": maxDays})
}

func parseDuration(s string) (time.Duration, error) {
	bad := newError("invalid_duration", nil)
	if m := djangoDuration.FindStringSubmatch(s); m != nil {
		var total float64 // whole seconds, bounded below by the check on days
		days, err := strconv.ParseInt(cmpStr(m[1], "0"), 10, 64)
		if err != nil || days > maxDays || days < -maxDays {
			return 0, overflow()
		}
		nums := make([]int64, 4) // hours, minutes, seconds, nanoseconds
		hour, minute := m[3], cmpStr(m[4], m[5])
		for i, part := range []string{hour, minute, m[6]} {
			if len(part) > 12 {
				return 0, overflow()
			}
			nums[i], _ = strconv.ParseInt(cmpStr(part, "0"), 10, 64)
		}
		if m[7] != "" {
			frac := (m[7] + "000000000")[:9]
			nums[3], _ = strconv.ParseInt(frac, 10, 64)
		}
		total = float64(nums[0])*3600 + float64(nums[1])*60 + float64(nums[2])
		if total > float64(maxDays)*86400 {
			return 0, overflow()
		}
		clock := time.Duration(nums[0])*time.Hour + time.Duration(nums[1])*time.Minute + time.Duration(nums[2])*time.Second + time.Duration(nums[3])
		if m[2] == "-" {
			clock = -clock
		}
		return addDuration(time.Duration(days)*24*time.Hour, clock)
	}
	if m := isoDuration.FindStringSubmatch(s); m != nil && s != "P" && !strings.HasSuffix(s, "T") && m[0] != "-P" {
		units := []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second}
		var total time.Duration
		for i, part := range m[2:6] {
			if part == "" {
				continue
			}
			f, err := strconv.ParseFloat(strings.Replace(part, ",", ".", 1), 64)
			if err != nil || f*float64(units[i]) > float64(maxDays)*24*float64(time.Hour) {
				return 0, overflow()
			}
			var ok error
			if total, ok = addDuration(total, time.Duration(f*float64(units[i]))); ok != nil {
				return 0, ok
			}
		}
		if m[1] == "-" {
			total = -total
		}
		return total, nil
	}
	if v, err := time.ParseDuration(s); err == nil {
		return v, nil
	}
	if goDuration.MatchString(s) {
		return 0, overflow() // well formed, so too long for a time.Duration
	}
	return 0, bad
}

func addDuration(a, b time.Duration) (time.Duration, error) {
	sum := a + b
	if (b > 0 && sum < a) || (b < 0 && sum > a) {
		return 0, overflow()
	}
	return sum, nil
}

// formatDuration writes d as Django's duration_string: "3 04:05:06",
// "00:01:30", "00:00:00.500000".
func formatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h, m, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if us := (d % time.Second) / time.Microsecond; us != 0 {
		out += fmt.Sprintf(".%06d", us)
	}
	if days != 0 {
		out = fmt.Sprintf("%d %s", days, out)
	}
	return sign + out
}

func (d Duration) Format(v any, loc *time.Location) []string {
	if dv, ok := deref(v).(time.Duration); ok {
		return []string{formatDuration(dv)}
	}
	return formatAny(v, loc)
}

func (d Duration) Widget() Widget { return Input{Type: "text"} }

func (d Duration) Validators() []Validator {
	var vs []Validator
	if d.Max != 0 {
		vs = append(vs, MaxValue(d.Max))
	}
	if d.Min != 0 {
		vs = append(vs, MinValue(d.Min))
	}
	return vs
}

func parseLayouts(s string, layouts []string, loc *time.Location) (time.Time, bool) {
	if len(s) > maxDateLength {
		return time.Time{}, false
	}
	for _, layout := range layouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func orDefault(v, def []string) []string {
	if len(v) == 0 {
		return def
	}
	return v
}

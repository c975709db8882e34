package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// namedFormats are Django's default (English) named formats.
var namedFormats = map[string]string{
	"DATE_FORMAT":           "N j, Y",
	"DATETIME_FORMAT":       "N j, Y, P",
	"SHORT_DATE_FORMAT":     "m/d/Y",
	"SHORT_DATETIME_FORMAT": "m/d/Y P",
	"TIME_FORMAT":           "P",
	"YEAR_MONTH_FORMAT":     "F Y",
	"MONTH_DAY_FORMAT":      "F j",
}

// date is Django's date filter: {{.pub | date "N j, Y, P"}}, or
// {{.pub | date}} for DATE_FORMAT. The value is a time.Time or *time.Time;
// nil, the zero time and any other value give "".
func date(args ...any) (string, error) {
	if len(args) < 1 || len(args) > 2 {
		return "", fmt.Errorf("templates: date takes a format and a value, got %d arguments", len(args))
	}
	t, ok := toTime(args[len(args)-1])
	if !ok {
		return "", nil
	}
	format := "DATE_FORMAT"
	if len(args) == 2 {
		format = toString(args[0])
	}
	if f, ok := namedFormats[format]; ok {
		format = f
	}
	return formatDate(t, format), nil
}

func toTime(v any) (time.Time, bool) {
	switch v := v.(type) {
	case time.Time:
		return v, !v.IsZero()
	case *time.Time:
		if v != nil {
			return *v, !v.IsZero()
		}
	}
	return time.Time{}, false
}

var apMonths = [...]string{"Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}

// formatDate formats t with Django's date format characters; other
// characters are copied, and a backslash copies the next one as it is.
func formatDate(t time.Time, f string) string {
	var b strings.Builder
	pad := func(n int) { // two digits
		if n < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(n))
	}
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	ampm := "a.m."
	if t.Hour() >= 12 {
		ampm = "p.m."
	}
	shortTime := func() { // Django's "f": 1, 1:30
		b.WriteString(strconv.Itoa(hour12))
		if t.Minute() != 0 {
			b.WriteByte(':')
			pad(t.Minute())
		}
	}
	for i := 0; i < len(f); {
		r, size := utf8.DecodeRuneInString(f[i:])
		i += size
		switch r {
		case '\\':
			if i < len(f) {
				r, size = utf8.DecodeRuneInString(f[i:])
				i += size
				b.WriteRune(r)
			}
		case 'a':
			b.WriteString(ampm)
		case 'A':
			b.WriteString(strings.ToUpper(ampm[:1]) + "M")
		case 'b':
			b.WriteString(strings.ToLower(t.Month().String()[:3]))
		case 'c':
			b.WriteString(t.Format("2006-01-02T15:04:05"))
			if us := t.Nanosecond() / 1000; us != 0 {
				fmt.Fprintf(&b, ".%06d", us)
			}
			b.WriteString(t.Format("-07:00"))
		case 'd':
			pad(t.Day())
		case 'D':
			b.WriteString(t.Weekday().String()[:3])
		case 'e', 'T':
			name, _ := t.Zone()
			b.WriteString(name)
		case 'E', 'F':
			b.WriteString(t.Month().String())
		case 'f':
			shortTime()
		case 'g':
			b.WriteString(strconv.Itoa(hour12))
		case 'G':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'h':
			pad(hour12)
		case 'H':
			pad(t.Hour())
		case 'i':
			pad(t.Minute())
		case 'I':
			if t.IsDST() {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		case 'j':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'l':
			b.WriteString(t.Weekday().String())
		case 'L':
			if y := t.Year(); y%4 == 0 && (y%100 != 0 || y%400 == 0) {
				b.WriteString("True")
			} else {
				b.WriteString("False")
			}
		case 'm':
			pad(int(t.Month()))
		case 'M':
			b.WriteString(t.Month().String()[:3])
		case 'n':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'N':
			b.WriteString(apMonths[t.Month()-1])
		case 'o':
			y, _ := t.ISOWeek()
			b.WriteString(strconv.Itoa(y))
		case 'O':
			b.WriteString(t.Format("-0700"))
		case 'P':
			switch {
			case t.Minute() == 0 && t.Hour() == 0:
				b.WriteString("midnight")
			case t.Minute() == 0 && t.Hour() == 12:
				b.WriteString("noon")
			default:
				shortTime()
				b.WriteString(" " + ampm)
			}
		case 'r':
			b.WriteString(t.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
		case 's':
			pad(t.Second())
		case 'S':
			b.WriteString(ordinal(t.Day()))
		case 't':
			b.WriteString(strconv.Itoa(time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()))
		case 'u':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'U':
			b.WriteString(strconv.FormatInt(t.Unix(), 10))
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'W':
			_, w := t.ISOWeek()
			b.WriteString(strconv.Itoa(w))
		case 'y':
			pad(t.Year() % 100)
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'z':
			b.WriteString(strconv.Itoa(t.YearDay()))
		case 'Z':
			_, offset := t.Zone()
			b.WriteString(strconv.Itoa(offset))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ordinal is Django's "S": the English suffix of a day of the month.
func ordinal(day int) string {
	switch {
	case day >= 11 && day <= 13:
		return "th"
	case day%10 == 1:
		return "st"
	case day%10 == 2:
		return "nd"
	case day%10 == 3:
		return "rd"
	}
	return "th"
}

// timesince is Django's timesince: {{.pub | timesince}} is the time from
// .pub to now, {{.pub | timesince .comment}} from .pub to .comment, in at
// most two adjacent units ("2 weeks, 3 days"; "1 year, 5 days" cannot
// happen), with a no-break space inside each, as Django writes it. A time
// in the future gives "0 minutes"; a value that is not a time gives "".
func timesince(now func() time.Time, args ...any) (string, error) {
	d, other, ok, err := timePair("timesince", now, args)
	if !ok {
		return "", err
	}
	return since(d, other), nil
}

// timeuntil is Django's timeuntil: {{.event | timeuntil}} is the time from
// now to .event, {{.event | timeuntil .from}} from .from to .event.
func timeuntil(now func() time.Time, args ...any) (string, error) {
	d, other, ok, err := timePair("timeuntil", now, args)
	if !ok {
		return "", err
	}
	return since(other, d), nil
}

// timePair reads the arguments of timesince and timeuntil: the piped
// value, and the time to compare it with (now() by default); ok is false
// when either is not a time.
func timePair(name string, now func() time.Time, args []any) (value, other time.Time, ok bool, err error) {
	if len(args) < 1 || len(args) > 2 {
		return value, other, false, fmt.Errorf("templates: %s takes a time to compare with and a value, got %d arguments", name, len(args))
	}
	if value, ok = toTime(args[len(args)-1]); !ok {
		return value, other, false, nil
	}
	if len(args) == 2 {
		other, ok = toTime(args[0])
	} else {
		other = now()
	}
	return value, other, ok, nil
}

var (
	timeUnits  = [...]string{"year", "month", "week", "day", "hour", "minute"}
	timeChunks = [...]float64{7 * 24 * 3600, 24 * 3600, 3600, 60} // week to minute
	monthDays  = [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
)

// since is Django's timesince(d, now): calendar years and months first,
// then weeks, days, hours and minutes, as utils/timesince.py counts them.
func since(d, now time.Time) string {
	now = now.In(d.Location())
	if now.Sub(d) < time.Second {
		return "0\u00a0minutes"
	}
	months := (now.Year()-d.Year())*12 + int(now.Month()-d.Month())
	if d.Day() > now.Day() || d.Day() == now.Day() && clock(d) > clock(now) {
		months--
	}
	years, months := months/12, months%12
	pivot := d
	if years != 0 || months != 0 {
		y, m := d.Year()+years, int(d.Month())+months
		if m > 12 {
			m -= 12
			y++
		}
		pivot = time.Date(y, time.Month(m), min(monthDays[m-1], d.Day()), d.Hour(), d.Minute(), d.Second(), 0, d.Location())
	}
	remaining := now.Sub(pivot).Seconds()
	parts := []int{years, months}
	for _, chunk := range timeChunks {
		n := int(remaining / chunk)
		parts = append(parts, n)
		remaining -= chunk * float64(n)
	}
	var out []string
	for i, n := range parts {
		if n == 0 {
			if len(out) > 0 {
				break
			}
			continue
		}
		unit := timeUnits[i]
		if n != 1 {
			unit += "s"
		}
		out = append(out, strconv.Itoa(n)+"\u00a0"+unit)
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "0\u00a0minutes"
	}
	return strings.Join(out, ", ")
}

// clock is the time of day of t, for comparing two times of day.
func clock(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
}

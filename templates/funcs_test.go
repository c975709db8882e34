package templates_test

import (
	"html/template"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/nuages-go/nuages/templates"
)

// funcCase is a template source run with data, and its output. The cases
// are Django's documented examples where it has them.
type funcCase struct {
	src  string
	data templates.Data
	want string
}

// runFuncs renders each case as its own page through an Engine, so the
// functions are called as pipelines call them.
func runFuncs(t *testing.T, tests []funcCase) {
	t.Helper()
	runFuncsAt(t, nil, tests)
}

// runFuncsAt renders each case with now as the engine's clock.
func runFuncsAt(t *testing.T, now func() time.Time, tests []funcCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			e := templates.New(templates.Options{Dirs: []fs.FS{files("t.html", tc.src)}, Now: now})
			r := httptest.NewRequest("GET", "/list?color=red&size=S&size=M", nil)
			if got := render(t, e, r, "t.html", tc.data); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

type decimalString string // stands for a decimal type with a String method

func (d decimalString) String() string { return string(d) }

func TestFuncs_Truncate(t *testing.T) {
	v := templates.Data{"v": "Joel is a slug", "accents": "Café crème brûlée", "combining": "e\u0301e\u0301e\u0301e\u0301"}
	runFuncs(t, []funcCase{
		{`{{.v | truncatechars 7}}`, v, "Joel i…"},
		{`{{.v | truncatechars 14}}`, v, "Joel is a slug"},
		{`{{.v | truncatechars 13}}`, v, "Joel is a sl…"},
		{`{{.v | truncatechars 1}}`, v, "…"},
		{`{{.v | truncatechars 0}}`, v, ""},
		{`{{.v | truncatechars "7"}}`, v, "Joel i…"},
		{`{{.v | truncatechars "x"}}`, v, "Joel is a slug"},
		{`{{.accents | truncatechars 6}}`, v, "Café …"},
		{`{{.combining | truncatechars 3}}`, v, "e\u0301e\u0301…"},
		{`{{truncatechars 3 12345}}`, nil, "12…"},
		{`{{.v | truncatewords 2}}`, v, "Joel is …"},
		{`{{.v | truncatewords 4}}`, v, "Joel is a slug"},
		{`{{.v | truncatewords 0}}`, v, ""},
		{`{{.text | truncatewords 3}}`, templates.Data{"text": "one\ntwo  three\tfour"}, "one two three …"},
		{`{{.text | truncatewords 9}}`, templates.Data{"text": " one\ntwo "}, "one two"},
		{`{{.v | truncatewords .n}}`, templates.Data{"v": "a b c", "n": uint8(2)}, "a b …"},
	})
}

func TestFuncs_Pluralize(t *testing.T) {
	runFuncs(t, []funcCase{
		{`{{.n}} vote{{.n | pluralize}}`, templates.Data{"n": 1}, "1 vote"},
		{`{{.n}} vote{{.n | pluralize}}`, templates.Data{"n": 2}, "2 votes"},
		{`{{.n}} vote{{.n | pluralize}}`, templates.Data{"n": 0}, "0 votes"},
		{`walrus{{.n | pluralize "es"}}`, templates.Data{"n": 1}, "walrus"},
		{`walrus{{.n | pluralize "es"}}`, templates.Data{"n": int64(3)}, "walruses"},
		{`cherr{{.n | pluralize "y,ies"}}`, templates.Data{"n": uint(1)}, "cherry"},
		{`cherr{{.n | pluralize "y,ies"}}`, templates.Data{"n": 2.5}, "cherries"},
		{`{{.n | pluralize}}`, templates.Data{"n": "1"}, ""},
		{`{{.n | pluralize}}`, templates.Data{"n": "1.0"}, ""},
		{`{{.n | pluralize}}`, templates.Data{"n": "2"}, "s"},
		{`{{.n | pluralize}}`, templates.Data{"n": "many"}, ""},
		{`{{.n | pluralize}}`, templates.Data{"n": []string{"a"}}, ""},
		{`{{.n | pluralize}}`, templates.Data{"n": []string{"a", "b"}}, "s"},
		{`{{.n | pluralize}}`, templates.Data{"n": map[string]int{}}, "s"},
		{`{{.n | pluralize "y,ies,x"}}`, templates.Data{"n": 2}, ""},
		{`{{.n | pluralize}}`, templates.Data{"n": struct{}{}}, ""},
	})
}

func TestFuncs_Text(t *testing.T) {
	runFuncs(t, []funcCase{
		{`{{.v | linebreaksbr}}`, templates.Data{"v": "Joel\nis a slug"}, "Joel<br>is a slug"},
		{`{{.v | linebreaksbr}}`, templates.Data{"v": "a\r\nb\rc\n"}, "a<br>b<br>c<br>"},
		{`{{.v | linebreaksbr}}`, templates.Data{"v": "<b>\n&"}, "&lt;b&gt;<br>&amp;"},
		{`{{.v | linebreaksbr}}`, templates.Data{"v": template.HTML("<b>x</b>\ny")}, "<b>x</b><br>y"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": ""}, "nothing"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": 0}, "nothing"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": false}, "nothing"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": []int{}}, "nothing"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": nil}, "nothing"},
		{`{{.missing | default "nothing"}}`, nil, "nothing"},
		{`{{.v | default "nothing"}}`, templates.Data{"v": "something"}, "something"},
		{`{{.v | default 7}}`, templates.Data{"v": 3}, "3"},
		{`{{.v | yesno}}`, templates.Data{"v": true}, "yes"},
		{`{{.v | yesno}}`, templates.Data{"v": false}, "no"},
		{`{{.v | yesno}}`, templates.Data{"v": nil}, "maybe"},
		{`{{.v | yesno "yeah,no,maybe"}}`, templates.Data{"v": true}, "yeah"},
		{`{{.v | yesno "yeah,no,maybe"}}`, templates.Data{"v": (*int)(nil)}, "maybe"},
		{`{{.v | yesno "yeah,no"}}`, templates.Data{"v": nil}, "no"},
		{`{{.v | yesno "yeah,no"}}`, templates.Data{"v": "x"}, "yeah"},
		{`{{.v | yesno "yeah"}}`, templates.Data{"v": true}, "true"},
		{`{{.v | yesno "a,b,c,d"}}`, templates.Data{"v": nil}, "b"},
	})
}

func TestFuncs_Numbers(t *testing.T) {
	t.Parallel()
	f := func(v any) templates.Data { return templates.Data{"v": v} }
	runFuncs(t, []funcCase{
		// Django's floatformat table.
		{`{{.v | floatformat}}`, f(34.23234), "34.2"},
		{`{{.v | floatformat}}`, f(34.00000), "34"},
		{`{{.v | floatformat}}`, f(34.26000), "34.3"},
		{`{{.v | floatformat 3}}`, f(34.23234), "34.232"},
		{`{{.v | floatformat 3}}`, f(34.00000), "34.000"},
		{`{{.v | floatformat 3}}`, f(34.26000), "34.260"},
		{`{{.v | floatformat "0"}}`, f(34.23234), "34"},
		{`{{.v | floatformat "0"}}`, f(34.00000), "34"},
		{`{{.v | floatformat "0"}}`, f(39.56000), "40"},
		{`{{.v | floatformat -3}}`, f(34.23234), "34.232"},
		{`{{.v | floatformat -3}}`, f(34.00000), "34"},
		{`{{.v | floatformat -3}}`, f(34.26000), "34.260"},
		{`{{.v | floatformat "2g"}}`, f(34232.34), "34,232.34"},
		{`{{.v | floatformat "2g"}}`, f(34232.06), "34,232.06"},
		{`{{.v | floatformat "g"}}`, f(34232.00), "34,232"},
		{`{{.v | floatformat "-3g"}}`, f(34232.00), "34,232"},
		{`{{.v | floatformat "2u"}}`, f(34232.345), "34232.35"},
		// Halves round away from zero on the decimal value.
		{`{{.v | floatformat 0}}`, f(2.5), "3"},
		{`{{.v | floatformat 0}}`, f(-2.5), "-3"},
		{`{{.v | floatformat 1}}`, f(0.05), "0.1"},
		{`{{.v | floatformat 2}}`, f(1.005), "1.01"},
		{`{{.v | floatformat 2}}`, f(-0.001), "0.00"},
		{`{{.v | floatformat 0}}`, f(-0.4), "0"},
		{`{{.v | floatformat}}`, f(7), "7"},
		{`{{.v | floatformat 2}}`, f(int8(-7)), "-7.00"},
		{`{{.v | floatformat 1}}`, f(float32(0.1)), "0.1"},
		{`{{.v | floatformat 2}}`, f("12.3456"), "12.35"},
		{`{{.v | floatformat 2}}`, f("1e3"), "1000.00"},
		{`{{.v | floatformat 2}}`, f(decimalString("-99.995")), "-100.00"},
		{`{{.v | floatformat 2}}`, f("abc"), ""},
		{`{{.v | floatformat 2}}`, f("1e999999999"), ""},
		{`{{.v | floatformat 2}}`, f(nil), ""},
		{`{{.v | floatformat "x"}}`, f(1.5), "1.5"},
		{`{{.v | floatformat 2}}`, f(1e20), "100000000000000000000.00"},
		{`{{.v | floatformat}}`, f(inf()), "inf"},
		// humanize's intcomma.
		{`{{.v | intcomma}}`, f(4500), "4,500"},
		{`{{.v | intcomma}}`, f(45000), "45,000"},
		{`{{.v | intcomma}}`, f(450000), "450,000"},
		{`{{.v | intcomma}}`, f(4500000), "4,500,000"},
		{`{{.v | intcomma}}`, f(100), "100"},
		{`{{.v | intcomma}}`, f(-1234567), "-1,234,567"},
		{`{{.v | intcomma}}`, f(uint64(18446744073709551615)), "18,446,744,073,709,551,615"},
		{`{{.v | intcomma}}`, f(1234.5), "1,234.5"},
		{`{{.v | intcomma}}`, f("1234567.1234"), "1,234,567.1234"},
		{`{{.v | intcomma}}`, f("-100000"), "-100,000"},
		{`{{.v | intcomma}}`, f("12345 apples"), "12,345 apples"},
		{`{{.v | intcomma}}`, f("abc"), "abc"},
		{`{{.v | intcomma}}`, f(decimalString("1234.50")), "1,234.50"},
	})
}

func inf() float64 { var zero float64; return 1 / zero }

func TestFuncs_JSONScript(t *testing.T) {
	runFuncs(t, []funcCase{
		{`{{.v | json_script "hello-data"}}`, templates.Data{"v": map[string]string{"hello": "world"}},
			`<script id="hello-data" type="application/json">{"hello":"world"}</script>`},
		{`{{json_script .v}}`, templates.Data{"v": []any{1, "a", nil}},
			`<script type="application/json">[1,"a",null]</script>`},
		{`{{json_script "" .v}}`, templates.Data{"v": true},
			`<script type="application/json">true</script>`},
		{`{{.v | json_script "d"}}`, templates.Data{"v": "</script><b>&amp;'\u2028"},
			`<script id="d" type="application/json">"\u003C/script\u003E\u003Cb\u003E\u0026amp;'\u2028"</script>`},
	})
}

func TestFuncs_Querystring(t *testing.T) {
	// The request of runFuncs has ?color=red&size=S&size=M.
	runFuncs(t, []funcCase{
		{`{{querystring .request}}`, nil, "?color=red&amp;size=S&amp;size=M"},
		{`{{querystring .request "color" "blue"}}`, nil, "?color=blue&amp;size=S&amp;size=M"},
		{`{{querystring .request "color" nil}}`, nil, "?size=S&amp;size=M"},
		{`{{querystring .request "size" .sizes}}`, templates.Data{"sizes": []string{"L", "XL"}}, "?color=red&amp;size=L&amp;size=XL"},
		{`{{querystring .request "size" .sizes}}`, templates.Data{"sizes": []any{nil, 3}}, "?color=red&amp;size=3"},
		{`{{querystring .request "size" .sizes "color" nil}}`, templates.Data{"sizes": []any{nil}}, "?"},
		{`{{querystring .request "page" 3}}`, nil, "?color=red&amp;page=3&amp;size=S&amp;size=M"},
		{`{{querystring nil "page" 3}}`, nil, "?page=3"},
		{`{{querystring .q "page" .next}}`, templates.Data{"q": url.Values{"q": {"a b"}}, "next": 2}, "?page=2&amp;q=a&#43;b"},
		{`<a href="{{querystring .request "page" 2}}">`, nil, `<a href="?color=red&amp;page=2&amp;size=S&amp;size=M">`},
		{`{{range .pages}}<a href="{{querystring $.request "page" .}}">{{.}}</a>{{end}}`, templates.Data{"pages": []int{1, 2}},
			`<a href="?color=red&amp;page=1&amp;size=S&amp;size=M">1</a><a href="?color=red&amp;page=2&amp;size=S&amp;size=M">2</a>`},
	})
}

// TestFuncs_Date checks each of Django's format characters. The output is
// HTML, where html/template writes "+" as "&#43;".
func TestFuncs_Date(t *testing.T) {
	zone := time.FixedZone("EET", 2*3600)
	v := templates.Data{
		"t":        time.Date(2008, time.January, 2, 15, 4, 5, 123456000, zone),
		"morning":  time.Date(2003, time.September, 21, 9, 0, 0, 0, time.UTC),
		"midnight": time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC),
		"noon":     time.Date(2024, time.November, 11, 12, 0, 0, 0, time.UTC),
		"ptr":      new(time.Date(2000, time.December, 21, 16, 1, 7, 0, zone)),
		"nilptr":   (*time.Time)(nil),
		"zero":     time.Time{},
	}
	runFuncs(t, []funcCase{
		{`{{.t | date "D d M Y"}}`, v, "Wed 02 Jan 2008"},
		{`{{.t | date "N j, Y, P"}}`, v, "Jan. 2, 2008, 3:04 p.m."},
		{`{{.t | date "Y-m-d H:i"}}`, v, "2008-01-02 15:04"},
		{`{{.t | date}}`, v, "Jan. 2, 2008"},
		{`{{.t | date "DATETIME_FORMAT"}}`, v, "Jan. 2, 2008, 3:04 p.m."},
		{`{{.t | date "SHORT_DATE_FORMAT"}}`, v, "01/02/2008"},
		{`{{.t | date "SHORT_DATETIME_FORMAT"}}`, v, "01/02/2008 3:04 p.m."},
		{`{{date "a A b c" .t}}`, v, "p.m. PM jan 2008-01-02T15:04:05.123456&#43;02:00"},
		{`{{.t | date "d D e E f F g G h H i I"}}`, v, "02 Wed EET January 3:04 January 3 15 03 15 04 0"},
		{`{{.t | date "j l L m M n N o O"}}`, v, "2 Wednesday True 01 Jan 1 Jan. 2008 &#43;0200"},
		{`{{.t | date "r s S t T u U"}}`, v, "Wed, 02 Jan 2008 15:04:05 &#43;0200 05 nd 31 EET 123456 1199279045"},
		{`{{.t | date "w W y Y z Z"}}`, v, "3 1 08 2008 2 7200"},
		{`{{.t | date "\\Y\\e\\a\\r: Y, \\d\\a\\y: jS"}}`, v, "Year: 2008, day: 2nd"},
		{`{{.t | date "jS ✓ ü"}}`, v, "2nd ✓ ü"},
		{`{{.morning | date "f P c"}}`, v, "9 9 a.m. 2003-09-21T09:00:00&#43;00:00"},
		{`{{.morning | date "N W o S t L"}}`, v, "Sept. 38 2003 st 30 False"},
		{`{{.midnight | date "P t L S"}}`, v, "midnight 29 True th"},
		{`{{.noon | date "P f g h A S"}}`, v, "noon 12 12 12 PM th"},
		{`{{.ptr | date "r"}}`, v, "Thu, 21 Dec 2000 16:01:07 &#43;0200"},
		{`{{.nilptr | date "r"}}`, v, ""},
		{`{{.zero | date "r"}}`, v, ""},
		{`{{.missing | date "r"}}`, v, ""},
		{`{{"2008-01-02" | date "r"}}`, v, ""},
	})
}

func TestFuncs_Timesince(t *testing.T) {
	now := time.Date(2024, time.March, 31, 12, 0, 0, 0, time.UTC)
	at := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	v := templates.Data{
		// Django's example: a blog entry at midnight, a comment at 08:00.
		"blog":     at(2006, time.June, 1, 0, 0, 0),
		"comment":  at(2006, time.June, 1, 8, 0, 0),
		"secs":     now.Add(-59 * time.Second),
		"minute":   now.Add(-time.Minute),
		"hours":    now.Add(-(3*time.Hour + 25*time.Minute)),
		"days":     now.Add(-(4*24*time.Hour + 6*time.Hour)),
		"weeks":    now.Add(-(17 * 24 * time.Hour)),
		"weekhr":   now.Add(-(14*24*time.Hour + 3*time.Hour)),
		"months":   at(2024, time.January, 15, 12, 0, 0),
		"feb":      at(2024, time.February, 29, 12, 0, 0),
		"year":     at(2023, time.March, 31, 12, 0, 0),
		"yeardays": at(2023, time.March, 26, 12, 0, 0),
		"future":   now.Add(time.Hour),
		"other":    time.Date(2024, time.March, 31, 14, 0, 0, 0, time.FixedZone("X", 2*3600)).Add(-2 * time.Hour),
	}
	nb := "\u00a0"
	runFuncsAt(t, func() time.Time { return now }, []funcCase{
		{`{{.blog | timesince .comment}}`, v, "8" + nb + "hours"},
		{`{{.comment | timeuntil .blog}}`, v, "8" + nb + "hours"},
		{`{{.secs | timesince}}`, v, "0" + nb + "minutes"},
		{`{{.minute | timesince}}`, v, "1" + nb + "minute"},
		{`{{.hours | timesince}}`, v, "3" + nb + "hours, 25" + nb + "minutes"},
		{`{{.days | timesince}}`, v, "4" + nb + "days, 6" + nb + "hours"},
		{`{{.weeks | timesince}}`, v, "2" + nb + "weeks, 3" + nb + "days"},
		{`{{.weekhr | timesince}}`, v, "2" + nb + "weeks"},
		{`{{.months | timesince}}`, v, "2" + nb + "months, 2" + nb + "weeks"},
		{`{{.feb | timesince}}`, v, "1" + nb + "month"},
		{`{{.year | timesince}}`, v, "1" + nb + "year"},
		{`{{.yeardays | timesince}}`, v, "1" + nb + "year"},
		{`{{.future | timesince}}`, v, "0" + nb + "minutes"},
		{`{{.future | timeuntil}}`, v, "1" + nb + "hour"},
		{`{{.other | timesince}}`, v, "2" + nb + "hours"},
		{`{{.missing | timesince}}`, v, ""},
	})
}

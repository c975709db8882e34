package structtag

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, tag string
		want      Options
		err       string // a part of the error; "" when the tag is good
	}{
		{"empty", "", nil, ""},
		{"flag", "null", Options{{Key: "null"}}, ""},
		{"value", "max_length=200", Options{{Key: "max_length", Value: "200", HasValue: true}}, ""},
		{"empty_value", "verbose_name=", Options{{Key: "verbose_name", HasValue: true}}, ""},
		{"several", "max_length=200,null,unique", Options{{Key: "max_length", Value: "200", HasValue: true}, {Key: "null"}, {Key: "unique"}}, ""},
		{"spaces", " max_length = 20 , null ", Options{{Key: "max_length", Value: "20", HasValue: true}, {Key: "null"}}, ""},
		{"inner_spaces_kept", "verbose_name=date published", Options{{Key: "verbose_name", Value: "date published", HasValue: true}}, ""},
		{"empty_options", ",,null,", Options{{Key: "null"}}, ""},
		{"only_commas", " , ,", nil, ""},
		{"equals_in_value", "default=a=b", Options{{Key: "default", Value: "a=b", HasValue: true}}, ""},
		{"quote_inside", "verbose_name=Ada's", Options{{Key: "verbose_name", Value: "Ada's", HasValue: true}}, ""},
		{"quoted_comma", "help_text='Letters, digits and _ only.',blank", Options{{Key: "help_text", Value: "Letters, digits and _ only.", HasValue: true}, {Key: "blank"}}, ""},
		{"quoted_spaces_kept", "placeholder=' a '", Options{{Key: "placeholder", Value: " a ", HasValue: true}}, ""},
		{"quoted_doubled", "verbose_name='Ada''s'", Options{{Key: "verbose_name", Value: "Ada's", HasValue: true}}, ""},
		{"quoted_empty", "default=''", Options{{Key: "default", HasValue: true}}, ""},
		{"quoted_space_before_comma", "a='x' , b", Options{{Key: "a", Value: "x", HasValue: true}, {Key: "b"}}, ""},
		{"quoted_after_space", "a= 'x,y'", Options{{Key: "a", Value: "x,y", HasValue: true}}, ""},
		{"unicode_value", "verbose_name=données", Options{{Key: "verbose_name", Value: "données", HasValue: true}}, ""},
		{"unclosed", "a='x,y", nil, "the quoted value of a has no closing '"},
		{"text_after_quote", "a='x'y", nil, `after the quoted value of a comes "y"`},
		{"duplicate", "null,null", nil, `option "null" given twice`},
		{"duplicate_with_values", "max_length=1,max_length=2", nil, `option "max_length" given twice`},
		{"no_name", "=5", nil, `an option has no name ("=5")`},
		{"name_with_space", "max length=5", nil, `option "max length" is not a name`},
		{"name_with_quote", "'a,b'", nil, `option "'a" is not a name`},
		{"name_not_ascii", "längd=5", nil, `option "längd" is not a name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.tag)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Parse(%q) = %v, %v; want an error with %q", tt.tag, got, err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q) = %#v, %v; want %#v", tt.tag, got, err, tt.want)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	opts, err := Parse("a,b=false,c=true,d=x,e=1")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"a": true, "b": false, "c": true, "d": false, "e": true, "z": false} {
		if got := opts.Flag(key); got != want {
			t.Errorf("Flag(%q) = %v, want %v", key, got, want)
		}
	}
	if v, ok := opts.Lookup("d"); v != "x" || !ok {
		t.Errorf(`Lookup("d") = %q, %v; want "x", true`, v, ok)
	}
	if v, ok := opts.Lookup("z"); v != "" || ok {
		t.Errorf(`Lookup("z") = %q, %v; want "", false`, v, ok)
	}
	for _, tt := range []struct {
		opts Options
		want string
	}{
		{Options{{Key: "a"}, {Key: "b", HasValue: true}, {Key: "c", Value: "x y", HasValue: true}}, "a,b=,c=x y"},
		{Options{{Key: "h", Value: "a, b", HasValue: true}}, "h='a, b'"},
		{Options{{Key: "h", Value: "'q'", HasValue: true}}, "h='''q'''"},
		{Options{{Key: "h", Value: " pad", HasValue: true}}, "h=' pad'"},
		{Options{{Key: "h", Value: "Ada's", HasValue: true}}, "h=Ada's"},
	} {
		if got := tt.opts.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestVocabulary(t *testing.T) {
	v := Vocabulary{Tag: "orm", Keys: []string{"max_length=", "null", "verbose_name="}}
	m2m := Vocabulary{Tag: "orm", For: "a many-to-many field", Keys: []string{"db_table=", "blank"}}
	tests := []struct {
		name string
		v    Vocabulary
		tag  string
		err  string // the whole message; "" when the tag is good
	}{
		{"good", v, "max_length=20,null", ""},
		{"flag_true", v, "null=true", ""},
		{"flag_false", v, "null=false", ""},
		{"flag_word", v, "null=yes", "null=\"yes\" is not true or false in tag `orm:\"null=yes\"`: write null alone, or null=false"},
		{"value_alone", v, "max_length", "option \"max_length\" needs a value in tag `orm:\"max_length\"`: write max_length=..."},
		{"unknown", v, "max_lenght=20", "unknown option \"max_lenght\" in tag `orm:\"max_lenght=20\"`: the options are max_length, null, verbose_name"},
		{"unknown_for", m2m, "null", "option \"null\" does not apply to a many-to-many field in tag `orm:\"null\"`: the options are db_table, blank"},
		{"grammar", v, "null,null", "option \"null\" given twice in tag `orm:\"null,null\"`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := tt.v.Parse(tt.tag)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("Parse(%q): %v", tt.tag, err)
			case tt.err != "" && (err == nil || err.Error() != tt.err):
				t.Fatalf("Parse(%q) = %v, %v; want the error %s", tt.tag, opts, err, tt.err)
			case tt.err != "" && opts != nil:
				t.Fatalf("Parse(%q) = %v with an error, want nil", tt.tag, opts)
			}
		})
	}
}

// FuzzParse checks that Parse never panics, that what it accepts is a list
// of distinct names, and that String writes it back as Parse reads it.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "max_length=200,null", "primary_key,max_length=40,db_column=session_key,verbose_name=session key",
		"default=true,verbose_name=active,help_text=Designates whether this user should be treated as active.",
		"choices=d:Draft|p:Published,widget=radio", "help_text='a, b',x", "a='it''s'", "a='x", "=", ",,", "a= ' b ' ,c",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		opts, err := Parse(tag)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, o := range opts {
			if o.Key == "" || seen[o.Key] {
				t.Fatalf("Parse(%q) = %#v: an empty or repeated name", tag, opts)
			}
			seen[o.Key] = true
		}
		again, err := Parse(opts.String())
		if err != nil || !reflect.DeepEqual(again, opts) {
			t.Fatalf("Parse(%q) = %#v, written %q, read back as %#v, %v", tag, opts, opts.String(), again, err)
		}
	})
}

package orm

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type tagAuthor struct {
	Model
	Name string `orm:"max_length=50"`
}

type tagBook struct {
	Model
	Author ForeignKey[tagAuthor] `orm:"on_delete=cascade"`
}

// describeField prints what a tag set on a field, for TestTags.
func describeField(f *Field) string {
	out := []string{f.Kind.String()}
	add := func(ok bool, s string) {
		if ok {
			out = append(out, s)
		}
	}
	add(f.MaxLength != 0, fmt.Sprintf("max_length=%d", f.MaxLength))
	add(f.MaxDigits != 0 || f.decimal, fmt.Sprintf("decimal(%d,%d)", f.MaxDigits, f.DecimalPlaces))
	add(f.Null, "null")
	add(f.Blank, "blank")
	add(f.Unique, "unique")
	add(f.Index, "index")
	add(f.PrimaryKey, "pk")
	add(!f.Editable && f.m2m == nil && f.reverse == nil, "not_editable")
	add(f.AutoNow, "auto_now")
	add(f.AutoNowAdd, "auto_now_add")
	add(f.Column != "" && f.Column != f.Name, "column="+f.Column)
	add(f.Default != "", fmt.Sprintf("default=%q", f.Default))
	add(f.Choices != nil, fmt.Sprintf("choices=%q", f.Choices))
	add(f.VerboseName != strings.ReplaceAll(f.Name, "_", " ") && f.VerboseName != "", fmt.Sprintf("verbose_name=%q", f.VerboseName))
	add(f.HelpText != "", fmt.Sprintf("help_text=%q", f.HelpText))
	add(f.deleteRule != "", "on_delete="+f.deleteRule)
	add(f.RelatedName != "", "related_name="+f.RelatedName)
	add(f.Format != "", "format="+f.Format)
	add(f.by != "", "by="+f.by)
	if f.m2m != nil && f.m2m.table != "" {
		out = append(out, "db_table="+f.m2m.table)
	}
	add(f.annotation, "annotation")
	return strings.Join(out, " ")
}

// TestTags pins the orm tag grammar: the tags found in the tree and the
// edges of the rules, accepted (what they set) or refused (the error).
func TestTags(t *testing.T) {
	str, pstr, i64 := reflect.TypeFor[string](), reflect.TypeFor[*string](), reflect.TypeFor[int64]()
	fk := reflect.TypeFor[ForeignKey[tagAuthor]]()
	m2m := reflect.TypeFor[ManyToMany[tagAuthor]]()
	rev := reflect.TypeFor[Related[tagBook]]()
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		want string // describeField's text, or "error: " and a part of the message
	}{
		{"empty", str, "", "text"},
		{"max_length", str, "max_length=200", "char max_length=200"},
		{"max_length_zero", str, "max_length=0", `error: max_length="0" is not a positive integer`},
		{"max_length_word", str, "max_length=abc", `error: max_length="abc" is not a positive integer`},
		{"max_length_bare", str, "max_length", `error: max_length`},
		{"null_needs_pointer", str, "max_length=200,null", "error: null needs a field that can hold NULL"},
		{"null_pointer", pstr, "null", "text null"},
		{"null_true", pstr, "null=true", "text null"}, // was refused: a flag takes =true or =false, as forms' required=false,
		{"null_false", str, "null=false", "text"},
		{"null_word", pstr, "null=yes", `error: null="yes" is not true or false in tag ` + "`orm:\"null=yes\"`: write null alone, or null=false"},
		{"duplicate_flag", str, "unique,unique", `error: option "unique" given twice`},                    // was accepted, as forms refused it,
		{"duplicate_value", str, "max_length=10,max_length=20", `error: option "max_length" given twice`}, // was: the last won,
		{"formats_exclusive", str, "email,url", `error: options "email" and "url" exclude each other`},
		{"format_value", str, "email=x", `error: email="x" is not true or false`},
		{"format_false", str, "email=false", "text"},
		{"email", str, "email,unique,verbose_name=email address", `char max_length=254 unique verbose_name="email address" format=email`},
		{"misspelled", str, "max_lenght=20", `error: unknown option "max_lenght" in tag ` + "`orm:\"max_lenght=20\"`" + `: the options are max_length, max_digits, decimal_places, null, blank`},
		{"spaces", str, " max_length = 20 , null=false ", "char max_length=20"}, // was: unknown option "max_length ",
		{"empty_options", str, ",max_length=20,,", "char max_length=20"},
		{"no_key", str, "=5", `error: an option has no name ("=5")`}, // was ignored,
		{"editable_false", str, "max_length=10,editable=false", "char max_length=10 not_editable"},
		{"editable_bare", str, "editable", "text"}, // a flag alone is true,
		{"editable_word", str, "editable=no", `error: editable="no"`},
		{"db_column", str, "max_length=20,db_column=text", "char max_length=20 column=text"},
		{"db_column_empty", str, "db_column=", "error: db_column needs a name"},
		{"default_with_equals", str, "default=a=b", `text default="a=b"`},
		{"choices", str, "max_length=6,choices=bronze|silver|gold", `char max_length=6 choices=["bronze" "silver" "gold"]`},
		{"help_text", str, "help_text=As on the cover.", `text help_text="As on the cover."`},
		{"comma_unquoted", str, "help_text=Letters, digits", `error: unknown option "digits"`},
		{"comma_quoted", str, "help_text='Letters, digits and @/./+/-/_ only.'", `text help_text="Letters, digits and @/./+/-/_ only."`}, // was refused: no value could hold a comma,
		{"quote_doubled", str, "verbose_name='Ada''s'", `text verbose_name="Ada's"`},                                                     // was kept with its quotes,
		{"quote_unclosed", str, "verbose_name='Ada", "error: the quoted value of verbose_name has no closing '"},
		{"quote_then_text", str, "verbose_name='Ada'x", `error: after the quoted value of verbose_name comes "x"`},
		{"quote_inside", str, "verbose_name=Ada's", `text verbose_name="Ada's"`},
		{"decimal", str, "max_digits=8,decimal_places=2", "decimal decimal(8,2)"},
		{"decimal_half", str, "max_digits=10", "error: a decimal field needs both max_digits and decimal_places"},
		{"primary_key", i64, "primary_key", "bigauto pk"},
		{"auto_now_on_string", str, "auto_now", "error: auto_now and auto_now_add need a time.Time field"},
		{"on_delete_no_relation", str, "on_delete=cascade", "error: on_delete and related_name apply to ForeignKey and OneToOne fields"},
		{"fk", fk, "on_delete=cascade,related_name=books", "bigint index column=f_id on_delete=cascade related_name=books"},
		{"fk_no_on_delete", fk, "", "error: a relation needs on_delete"},
		{"fk_bad_on_delete", fk, "on_delete=bogus", `error: on_delete="bogus": use cascade, protect, restrict, set_null, set_default or do_nothing`},
		{"fk_set_null_not_null", fk, "on_delete=set_null", "error: on_delete=set_null needs the null option"},
		{"fk_set_null", fk, "null,on_delete=set_null", "bigint null index column=f_id on_delete=set_null"},
		{"annotation", i64, "annotation", "invalid not_editable annotation"},
		{"annotation_spaces", i64, " annotation ", "invalid not_editable annotation"}, // was refused,
		{"annotation_more", i64, "annotation,null", "error: an annotation field takes no other option"},
		{"annotation_value", i64, "annotation=x", `error: annotation="x" is not true or false`},
		{"m2m", m2m, "blank,verbose_name=user permissions", `invalid blank verbose_name="user permissions"`},
		{"m2m_db_table", m2m, "blank,db_table=auth_group_permissions", "invalid blank db_table=auth_group_permissions"},
		{"m2m_db_table_empty", m2m, "db_table=", "error: db_table needs a name"},
		{"m2m_blank_word", m2m, "blank=x", `error: blank="x" is not true or false`}, // was accepted as blank,
		{"m2m_duplicate", m2m, "blank,blank", `error: option "blank" given twice`},
		{"m2m_through_fields_auto", m2m, "through_fields=from|to", "error: through_fields=\"from|to\": it takes two fields"},
		{"m2m_unknown", m2m, "null", `error: option "null" does not apply to a many-to-many field in tag ` + "`orm:\"null\"`: the options are db_table, through_fields, blank, verbose_name, help_text, related_name"},
		{"reverse", rev, "by=author", "invalid by=author"},
		{"reverse_verbose", rev, "verbose_name=written", `invalid verbose_name="written"`},
		{"reverse_unknown", rev, "null", `error: option "null" does not apply to a Related field in tag ` + "`orm:\"null\"`: the options are by, verbose_name"},
		{"reverse_duplicate", rev, "by=a,by=b", `error: option "by" given twice`}, // was: the last won,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields := []reflect.StructField{
				{Name: "ID", Type: i64, Tag: `orm:"primary_key"`},
				{Name: "F", Type: tt.typ, Tag: reflect.StructTag(fmt.Sprintf("orm:%q", tt.tag))},
			}
			if tt.name == "primary_key" {
				fields = fields[1:]
			}
			typ := reflect.StructOf(fields)
			m, err := buildMeta(typ)
			var got string
			if err != nil {
				got = "error: " + err.Error()
			} else {
				f, ok := m.Field("f")
				if !ok {
					t.Fatalf("no field f in %s", m.fieldNames())
				}
				got = describeField(f)
			}
			if strings.HasPrefix(tt.want, "error: ") {
				if !strings.Contains(got, strings.TrimPrefix(tt.want, "error: ")) {
					t.Errorf("tag %q: got %s, want %s", tt.tag, got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("tag %q: got %s, want %s", tt.tag, got, tt.want)
			}
		})
	}
}

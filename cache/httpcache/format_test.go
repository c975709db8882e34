package httpcache

import (
	"bytes"
	"net/http"
	"reflect"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	h := http.Header{"Content-Type": {"text/html"}, "Vary": {"Accept-Encoding", "Accept-Language"}, "X-Empty": {""}}
	for _, body := range [][]byte{nil, []byte("<p>hello</p>"), bytes.Repeat([]byte{0, 255}, 1000)} {
		status, got, gotBody, err := decode(encode(203, h, body))
		if err != nil || status != 203 || !reflect.DeepEqual(got, h) || !bytes.Equal(gotBody, body) {
			t.Errorf("round trip = %d %v %q %v", status, got, gotBody, err)
		}
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{
		nil, {1}, {2, 200, 1}, {1, 199, 1, 0}, {1, 200, 1},
		{1, 200, 1, 3, 'a'},                          // key shorter than its length
		{1, 200, 1, 1, 'a', 5, 0},                    // more values than bytes
		{1, 200, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f}, // a huge header count
		{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	} {
		if _, _, _, err := decode(b); err == nil {
			t.Errorf("decode(%v) succeeded; want an error", b)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encode(200, http.Header{"A": {"b"}}, []byte("body")))
	f.Add([]byte{1, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		status, h, body, err := decode(b)
		if err != nil {
			return
		}
		// What decodes encodes back to the same bytes, unless keys were
		// repeated or unsorted in the input.
		if again := encode(status, h, body); len(again) > len(b) {
			t.Errorf("re-encoding grew from %d to %d bytes", len(b), len(again))
		}
	})
}

package mail

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// asciiDomain writes the domain of addr in ASCII, as Django does with the
// idna codec: each non-ASCII label lower-cased and Punycode-encoded with
// the "xn--" prefix (RFC 3490, 3492), so that the address reaches servers
// without SMTPUTF8. A non-ASCII local part is left as it is (RFC 6531).
// The ideographic and full-width full stops separate labels as "." does
// (RFC 3490 section 3.1). Unicode normalization (UTS 46 mapping) is beyond
// the standard library and not done: addresses are expected in NFC, as
// users type them.
func asciiDomain(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || isASCII(addr[at+1:]) {
		return addr, nil
	}
	labels := strings.Split(labelDots.Replace(addr[at+1:]), ".")
	for i, label := range labels {
		if isASCII(label) {
			continue
		}
		encoded := "xn--" + punycode(strings.ToLower(label))
		if len(encoded) > 63 {
			return "", fmt.Errorf("the domain label %q is longer than 63 characters once encoded", label)
		}
		labels[i] = encoded
	}
	return addr[:at+1] + strings.Join(labels, "."), nil
}

// labelDots are RFC 3490's label separators other than ".".
var labelDots = strings.NewReplacer("\u3002", ".", "\uff0e", ".", "\uff61", ".")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Punycode parameters, RFC 3492 section 5.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

// punycode encodes s by RFC 3492 section 6.3. Labels are at most a few
// dozen runes, far from the overflow the RFC guards against.
func punycode(s string) string {
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for h := basic; h < len(runes); {
		m := rune(utf8.MaxRune)
		for _, r := range runes {
			if r >= n && r < m {
				m = r
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, r := range runes {
			if r < n {
				delta++
			}
			if r != n {
				continue
			}
			q := delta
			for k := pcBase; ; k += pcBase {
				t := min(max(k-bias, pcTMin), pcTMax)
				if q < t {
					break
				}
				out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
				q = (q - t) / (pcBase - t)
			}
			out = append(out, pcDigit(q))
			bias = pcAdapt(delta, h+1, h == basic)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out)
}

func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func pcAdapt(delta, points int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / points
	k := 0
	for delta > (pcBase-pcTMin)*pcTMax/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

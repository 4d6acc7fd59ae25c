package gatewayclient

import (
	"net/http"
	"strings"
)

// maxGUIDLen bounds an accepted GUID; real ones are a UUID plus a short
// ".AgentGatewayN" suffix.
const maxGUIDLen = 256

// ParseSetGUID extracts the GUID from a Set-GUID header value. The documented
// form is "JSESSIONID=<guid>"; also accepted are a bare "<guid>", surrounding
// whitespace, quotes, and further "k=v" attributes separated by ';' (in any
// order; a "GUID=" key is taken too). It returns "" when the value holds no
// usable GUID (empty, too long, or with characters not allowed in a header),
// and the caller then keeps its current GUID.
func ParseSetGUID(v string) string {
	var bare string
	for part := range strings.SplitSeq(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, hasEq := strings.Cut(part, "=")
		if !hasEq {
			if bare == "" {
				bare = part
			}
			continue
		}
		key = strings.TrimSpace(key)
		if strings.EqualFold(key, "JSESSIONID") || strings.EqualFold(key, "GUID") {
			if g := cleanGUID(val); g != "" {
				return g
			}
		}
	}
	return cleanGUID(bare)
}

func cleanGUID(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" || len(s) > maxGUIDLen {
		return ""
	}
	alnum := false
	for i := 0; i < len(s); i++ {
		// Visible ASCII only: the value goes back out in a Guid header.
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\' {
			return ""
		}
		alnum = alnum || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
	}
	if !alnum {
		return "" // "=", "-" and the like are debris, not a GUID
	}
	return s
}

// guidFromHeader returns the GUID of the last usable Set-GUID header line.
func guidFromHeader(h http.Header) string {
	var g string
	for _, v := range h.Values("Set-GUID") {
		if p := ParseSetGUID(v); p != "" {
			g = p
		}
	}
	return g
}

// cookieHeader turns the Set-Cookie lines of a sign-in response into the
// value of a Cookie request header ("a=1; b=2"), "" when there are none.
// Only name and value are kept; attributes (Path, Expires...) are the
// browser's business, not ours.
func cookieHeader(h http.Header) string {
	resp := http.Response{Header: h}
	var b strings.Builder
	for _, c := range resp.Cookies() {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString((&http.Cookie{Name: c.Name, Value: c.Value, Quoted: c.Quoted}).String())
	}
	return b.String()
}

// validHeaderValue reports whether v may be sent as a header value: no
// control characters (which would also split the request).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

package gatewayclient

import (
	"bytes"
	"encoding/json"
)

// A minimal walker over JSON that json.Valid has already accepted. It finds
// the extent of values and iterates the members of an object without
// building anything, so the poll decoder allocates only what it keeps.
// Because the input is known to be valid, the walker needs no error paths;
// it must never be given unvalidated bytes.

func skipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// valueEnd returns the index just past the value starting at d[i].
func valueEnd(d []byte, i int) int {
	switch d[i] {
	case '"':
		return stringEnd(d, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(d); j++ {
			switch d[j] {
			case '"':
				j = stringEnd(d, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(d)
	default: // number, true, false, null
		j := i
		for j < len(d) {
			switch d[j] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return j
			}
			j++
		}
		return j
	}
}

// stringEnd returns the index just past the string literal starting at d[i].
func stringEnd(d []byte, i int) int {
	for j := i + 1; j < len(d); j++ {
		switch d[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(d)
}

// members iterates the members of the object starting at obj[0] == '{'.
type members struct {
	d []byte
	i int
}

// next returns the raw (quoted) key and the raw value of the next member.
func (m *members) next() (key, val []byte, ok bool) {
	i := skipWS(m.d, m.i)
	if m.d[i] == '{' || m.d[i] == ',' {
		i = skipWS(m.d, i+1)
	}
	if m.d[i] == '}' {
		return nil, nil, false
	}
	kEnd := stringEnd(m.d, i)
	key = m.d[i:kEnd]
	i = skipWS(m.d, kEnd) + 1 // past ':'
	i = skipWS(m.d, i)
	vEnd := valueEnd(m.d, i)
	m.i = vEnd
	return key, m.d[i:vEnd], true
}

// keyText returns the text of a raw key, unescaping only when needed.
func keyText(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var s string
	_ = json.Unmarshal(raw, &s) // valid JSON string
	return []byte(s)
}

// keyIndex maps a key to the index of the first name it matches, exactly
// or else case-insensitively, the way encoding/json matches struct fields.
// It returns -1 for no match.
func keyIndex(raw []byte, names []string) int {
	k := keyText(raw)
	for i, n := range names {
		if string(k) == n {
			return i
		}
	}
	for i, n := range names {
		if bytes.EqualFold(k, []byte(n)) {
			return i
		}
	}
	return -1
}

// jsonKind names the JSON type of a raw value, for error messages.
func jsonKind(v []byte) string {
	switch v[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

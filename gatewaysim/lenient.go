package gatewaysim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBodyBytes bounds every request body; the largest documented body
// (transfer with 2048 bytes of call data) is far below it.
const maxBodyBytes = 64 << 10

var errNotObject = errors.New("body is not a JSON object")

// fields is a decoded JSON request body. Keys are matched exactly, as the
// gateway's JSON binding does, but values are read leniently: the docs
// declare ints and booleans while Huawei's own samples send them as
// strings ("status":"4", "releasephone":"false"), so both are accepted.
type fields map[string]json.RawMessage

func readFields(r *http.Request) (fields, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(data) > maxBodyBytes {
		return nil, errors.New("body too large")
	}
	return parseFields(data)
}

func parseFields(data []byte) (fields, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, errNotObject
	}
	var f fields
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decode body: %w", err)
	}
	return f, nil
}

// raw returns the value of key, treating JSON null like an absent key.
func (f fields) raw(key string) (json.RawMessage, bool) {
	v, ok := f[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

// str reads a string; a JSON number is accepted and kept as written.
func (f fields) str(key string) (string, bool, error) {
	v, ok := f.raw(key)
	if !ok {
		return "", false, nil
	}
	return lenientString(v, key)
}

func lenientString(v json.RawMessage, key string) (string, bool, error) {
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", true, fmt.Errorf("%s: %w", key, err)
		}
		return s, true, nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(v), true, nil
	}
	return "", true, fmt.Errorf("%s: not a string", key)
}

// integer reads an integral number, also from a decimal string.
func (f fields) integer(key string) (int64, bool, error) {
	v, ok := f.raw(key)
	if !ok {
		return 0, false, nil
	}
	s, _, err := lenientString(v, key)
	if err != nil {
		return 0, true, err
	}
	n, err := parseLenientInt(s)
	if err != nil {
		return 0, true, fmt.Errorf("%s: %w", key, err)
	}
	return n, true, nil
}

// parseLenientInt accepts "12", " 12 ", and integral floats such as "12.0".
func parseLenientInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	fl, err := strconv.ParseFloat(s, 64)
	if err != nil || fl != math.Trunc(fl) || math.Abs(fl) > 1<<53 {
		return 0, errors.New("not an integer")
	}
	return int64(fl), nil
}

// boolean reads true/false, also from "true"/"false" (any case) and 1/0.
func (f fields) boolean(key string) (bool, bool, error) {
	v, ok := f.raw(key)
	if !ok {
		return false, false, nil
	}
	s := string(v)
	if v[0] == '"' {
		if err := json.Unmarshal(v, &s); err != nil {
			return false, true, fmt.Errorf("%s: %w", key, err)
		}
	}
	b, err := parseLenientBool(s)
	if err != nil {
		return false, true, fmt.Errorf("%s: %w", key, err)
	}
	return b, true, nil
}

func parseLenientBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// queryParams parses a raw query string by hand. The gateway's skill list
// is "skillid=1;2;3" with literal semicolons, which net/url refuses as a
// separator (and drops the pair), so the standard parser cannot be used.
// Only '&' separates pairs; the first value of a repeated key wins.
func queryParams(raw string) map[string]string {
	out := map[string]string{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		if _, seen := out[k]; !seen {
			out[k] = v
		}
	}
	return out
}

package server

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Explanations of input the bridge refuses before it reaches a handler: which field of a JSON
// body, a protobuf message or a decoded request is at fault, by its proto field path (the form
// protovalidate uses: "target.skill_queue.skill_id", "event_types[1]"), or "" for the request as
// a whole. They only run once decoding has already failed, so they cost nothing on good input.

type fieldViolations = []*errdetails.BadRequest_FieldViolation

func fieldViolation(field, desc string) *errdetails.BadRequest_FieldViolation {
	return &errdetails.BadRequest_FieldViolation{Field: field, Description: desc}
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// jsonViolations explains why protojson refused body as message md: each unknown key, each
// field whose value does not decode (looking inside nested objects), or failing those (a oneof
// set twice, a duplicate key) the body as a whole with protojson's reason.
func jsonViolations(md protoreflect.MessageDescriptor, body []byte, decodeErr error) fieldViolations {
	if vs := objectViolations(md, body, "", 0); len(vs) > 0 {
		return vs
	}
	reason := "the body is not valid for this request"
	if decodeErr != nil {
		reason += ": " + strings.TrimPrefix(decodeErr.Error(), "proto: ")
	}
	return fieldViolations{fieldViolation("", reason)}
}

// maxJSONDepth bounds the recursion into nested objects (the contract nests two levels deep).
const maxJSONDepth = 8

func objectViolations(md protoreflect.MessageDescriptor, body []byte, prefix string, depth int) fieldViolations {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		if prefix == "" {
			return fieldViolations{fieldViolation("", "the body is not a JSON object")}
		}
		return fieldViolations{fieldViolation(prefix, "must be a JSON object")}
	}
	var out fieldViolations
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		raw := obj[key]
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByTextName(key)
		}
		if fd == nil {
			out = append(out, fieldViolation(joinPath(prefix, key), "unknown field"))
			continue
		}
		path := joinPath(prefix, string(fd.Name()))
		single, _ := json.Marshal(map[string]json.RawMessage{key: raw})
		if protojson.Unmarshal(single, dynamicpb.NewMessage(md)) == nil {
			continue
		}
		if fd.Message() != nil && !fd.IsList() && !fd.IsMap() && depth < maxJSONDepth && string(raw) != "null" {
			if inner := objectViolations(fd.Message(), raw, path, depth+1); len(inner) > 0 {
				out = append(out, inner...)
				continue
			}
		}
		out = append(out, fieldViolation(path, expected(fd)))
	}
	return out
}

// expected says what a field's JSON value must look like.
func expected(fd protoreflect.FieldDescriptor) string {
	var what string
	switch fd.Kind() {
	case protoreflect.StringKind:
		what = "a string of UTF-8 text"
	case protoreflect.BoolKind:
		what = "true or false"
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		what = "a whole number (a JSON number or a string of digits)"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		what = "a whole number"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		what = "a number"
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		names := make([]string, 0, vals.Len())
		for i := range vals.Len() {
			names = append(names, string(vals.Get(i).Name()))
		}
		what = "one of " + strings.Join(names, ", ")
	case protoreflect.BytesKind:
		what = "base64 text"
	default:
		what = "a JSON object"
	}
	if fd.IsList() {
		return "must be a JSON array whose items are " + what
	}
	return "must be " + what
}

// invalidUTF8InMessage returns the path of the first string field of m, nested messages
// included, that holds text which is not UTF-8 ("" when there is none). Go's protobuf refuses to
// marshal such a message, so REST input that put one there is caught before the bridge calls
// itself.
func invalidUTF8InMessage(m protoreflect.Message, prefix string) string {
	var bad string
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := joinPath(prefix, string(fd.Name()))
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				if p := invalidUTF8InValue(fd, l.Get(i), path+"["+strconv.Itoa(i)+"]"); p != "" {
					bad = p
					return false
				}
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				key := k.String()
				if !utf8.ValidString(key) {
					bad = path
					return false
				}
				bad = invalidUTF8InValue(fd.MapValue(), mv, path+"["+strconv.Quote(key)+"]")
				return bad == ""
			})
		default:
			bad = invalidUTF8InValue(fd, v, path)
		}
		return bad == ""
	})
	return bad
}

func invalidUTF8InValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string) string {
	switch {
	case fd.Kind() == protoreflect.StringKind:
		if !utf8.ValidString(v.String()) {
			return path
		}
	case fd.Message() != nil:
		return invalidUTF8InMessage(v.Message(), path)
	}
	return ""
}

// invalidUTF8InWire returns the path of the first string field of the protobuf encoding b of a
// message md that is not UTF-8, or "" when there is none or b cannot be walked that far. It
// explains why a gRPC request failed to unmarshal.
func invalidUTF8InWire(md protoreflect.MessageDescriptor, b []byte, prefix string, depth int) string {
	counts := map[protowire.Number]int{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return ""
		}
		b = b[n:]
		var val []byte
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return ""
			}
			val, n = v, m
		} else {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return ""
			}
		}
		b = b[n:]
		fd := md.Fields().ByNumber(num)
		if fd == nil || typ != protowire.BytesType {
			continue
		}
		path := joinPath(prefix, string(fd.Name()))
		if fd.IsList() {
			path += "[" + strconv.Itoa(counts[num]) + "]"
			counts[num]++
		}
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsMap():
			if !utf8.Valid(val) {
				return path
			}
		case fd.Message() != nil && !fd.IsMap() && depth < maxJSONDepth:
			if p := invalidUTF8InWire(fd.Message(), val, path, depth+1); p != "" {
				return p
			}
		}
	}
	return ""
}

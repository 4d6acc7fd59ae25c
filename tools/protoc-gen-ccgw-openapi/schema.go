package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// mode says where a schema is used: request and response JSON differ (see the package comment).
type mode int

const (
	output    mode = iota
	input          // a request body field or a query parameter
	pathParam      // a path segment: never empty
)

// predefined holds the JSON Schema of each protovalidate predefined rule of the contract
// (proto/ccgw/v1/rules.proto), written as the exact equivalent of the rule's CEL expressions.
// The contract test TestOpenAPIPatternsMatchValidation checks each against protovalidate.
var predefined = map[protoreflect.FullName]obj{
	// 101 to 999999 without a leading zero: 101-109, 110-199, 200-999, 1000-999999.
	"ccgw.v1.agent_id":   {"pattern": "^(10[1-9]|1[1-9][0-9]|[2-9][0-9]{2}|[1-9][0-9]{3,5})$"},
	"ccgw.v1.request_id": {"pattern": "^[A-Za-z0-9_-]{1,64}$"},
}

// leading returns the leading comment of a descriptor of the contract ("" for descriptors
// without source info, such as the error details).
func leading(d protoreflect.Descriptor) string {
	loc := d.ParentFile().SourceLocations().ByDescriptor(d)
	lines := strings.Split(strings.TrimRight(loc.LeadingComments, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

// messageRef returns the schema of a message-typed value: a well-known type's JSON form, or a
// reference to the message's component (added on first use).
func (d *document) messageRef(md protoreflect.MessageDescriptor, in bool) (obj, error) {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		return obj{"type": "string", "format": "date-time"}, nil
	case "google.protobuf.Duration":
		return obj{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?s$`}, nil
	case "google.protobuf.Value":
		return obj{}, nil // any JSON value
	case "google.protobuf.Struct":
		return obj{"type": "object", "additionalProperties": true}, nil
	case "google.protobuf.ListValue":
		return obj{"type": "array"}, nil
	case "google.protobuf.Empty":
		return obj{"type": "object", "maxProperties": 0}, nil
	case "google.protobuf.Any":
		d.schemas["Any"] = anySchema()
		return ref("Any"), nil
	}
	if strings.HasPrefix(string(md.FullName()), "google.protobuf.") {
		return nil, fmt.Errorf("well-known type %s is not supported", md.FullName())
	}
	if err := d.addMessage(md, in); err != nil {
		return nil, err
	}
	return ref(string(md.Name())), nil
}

// addMessage adds the component of a message (once).
func (d *document) addMessage(md protoreflect.MessageDescriptor, in bool) error {
	name := string(md.Name())
	if prev, ok := d.names[name]; ok {
		if prev != md.FullName() {
			return fmt.Errorf("schema name %s is used by %s and %s", name, prev, md.FullName())
		}
		if d.inputs[md.FullName()] != in {
			return fmt.Errorf("%s is used in both requests and responses, whose JSON differs", md.FullName())
		}
		return nil
	}
	d.names[name] = md.FullName()
	if in {
		d.inputs[md.FullName()] = true
	}
	var fields []protoreflect.FieldDescriptor
	for i := range md.Fields().Len() {
		fields = append(fields, md.Fields().Get(i))
	}
	s, err := d.objectSchema(md, fields, in)
	if err != nil {
		return err
	}
	d.schemas[name] = s
	return nil
}

// objectSchema is the schema of a message's JSON object holding only the given fields.
func (d *document) objectSchema(md protoreflect.MessageDescriptor, fields []protoreflect.FieldDescriptor, in bool) (obj, error) {
	m := output
	if in {
		m = input
	}
	props := obj{}
	var required []string
	oneofs := map[protoreflect.OneofDescriptor][]string{}
	var order []protoreflect.OneofDescriptor
	for _, fd := range fields {
		s, req, err := d.fieldSchema(fd, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fd.FullName(), err)
		}
		props[fd.JSONName()] = s
		if req {
			required = append(required, fd.JSONName())
		}
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			if oneofs[o] == nil {
				order = append(order, o)
			}
			oneofs[o] = append(oneofs[o], fd.JSONName())
		}
	}
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if desc := leading(md); desc != "" {
		s["description"] = desc
	}
	if required != nil {
		s["required"] = required
	}
	// A request sets at most one member of a oneof (grpc-gateway refuses two), exactly one
	// when protovalidate requires the oneof.
	var all []obj
	for _, o := range order {
		if !in {
			continue
		}
		var one []obj
		for _, name := range oneofs[o] {
			one = append(one, obj{"required": []string{name}})
		}
		rules, _ := proto.GetExtension(o.Options(), validate.E_Oneof).(*validate.OneofRules)
		if !rules.GetRequired() {
			one = append(one, obj{"not": obj{"anyOf": one}})
		}
		all = append(all, obj{"oneOf": one})
	}
	switch len(all) {
	case 0:
	case 1:
		s["oneOf"] = all[0]["oneOf"]
	default:
		s["allOf"] = all
	}
	return s, nil
}

// fieldSchema returns a field's schema with its validation rules, and whether the field is
// required: in responses every field but oneof members (the marshaller writes zero values
// too), in requests a field whose rules reject its zero value.
func (d *document) fieldSchema(fd protoreflect.FieldDescriptor, m mode) (obj, bool, error) {
	rules, _ := proto.GetExtension(fd.Options(), validate.E_Field).(*validate.FieldRules)
	if m == output && rules != nil {
		return nil, false, fmt.Errorf("validation rules on a response field")
	}
	if len(rules.GetCel()) > 0 {
		return nil, false, fmt.Errorf("field-level CEL rules cannot be expressed in JSON Schema")
	}
	var s obj
	var err error
	switch {
	case fd.IsMap():
		var v obj
		if v, err = d.valueSchema(fd.MapValue(), m, nil); err == nil {
			s = obj{"type": "object", "additionalProperties": v}
		}
	case fd.IsList():
		s, err = d.listSchema(fd, m, rules)
	default:
		s, err = d.valueSchema(fd, m, rules)
	}
	if err != nil {
		return nil, false, err
	}
	required := fd.ContainingOneof() == nil
	switch {
	case m == output:
		if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() && fd.ContainingOneof() == nil {
			// An unset message field is written as null.
			s = obj{"anyOf": []obj{s, {"type": "null"}}}
		}
	case rules.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE && m == input:
		// The rules apply to other values only; the zero value means "not given".
		required = false
		if zero, ok := zeroValue(fd); ok {
			s = obj{"anyOf": []obj{s, {"const": zero}}}
		}
	default:
		required = required && (rules.GetRequired() || rejectsZero(fd, s))
	}
	if desc := leading(fd); desc != "" {
		s = withDescription(s, desc)
	}
	return s, required, nil
}

// withDescription sets a description; on a bare $ref it wraps the reference, since a
// sibling description would describe the referenced schema in some tools.
func withDescription(s obj, desc string) obj {
	if _, isRef := s["$ref"]; isRef {
		return obj{"allOf": []obj{s}, "description": desc}
	}
	s["description"] = desc
	return s
}

func (d *document) listSchema(fd protoreflect.FieldDescriptor, m mode, rules *validate.FieldRules) (obj, error) {
	var itemRules *validate.FieldRules
	s := obj{"type": "array"}
	if r := rules.GetRepeated(); r != nil {
		itemRules = r.GetItems()
		var err error
		r.ProtoReflect().Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch f.Name() {
			case "min_items":
				s["minItems"] = v.Uint()
			case "max_items":
				s["maxItems"] = v.Uint()
			case "unique":
				s["uniqueItems"] = v.Bool()
			case "items":
			default:
				err = fmt.Errorf("repeated rule %s is not supported", f.Name())
			}
			return err == nil
		})
		if err != nil {
			return nil, err
		}
	}
	items, err := d.valueSchema(fd, m, itemRules)
	if err != nil {
		return nil, err
	}
	s["items"] = items
	return s, nil
}

// valueSchema is the schema of one value of a field (an item of a list field), with rules.
func (d *document) valueSchema(fd protoreflect.FieldDescriptor, m mode, rules *validate.FieldRules) (obj, error) {
	var s obj
	switch fd.Kind() {
	case protoreflect.BoolKind:
		s = obj{"type": "boolean"}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		s = obj{"type": "integer", "format": "int32"}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		s = obj{"type": "integer", "minimum": 0, "maximum": math.MaxUint32}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		s = obj{"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"}
		if m != output {
			s = obj{"type": "integer", "format": "int64"}
		}
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		s = obj{"type": "string", "format": "uint64", "pattern": "^[0-9]+$"}
		if m != output {
			s = obj{"type": "integer", "minimum": 0}
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		s = obj{"type": "number"}
	case protoreflect.StringKind:
		s = obj{"type": "string"}
	case protoreflect.BytesKind:
		s = obj{"type": "string", "contentEncoding": "base64"}
	case protoreflect.EnumKind:
		return d.enumSchema(fd.Enum(), rules.GetEnum())
	case protoreflect.MessageKind:
		if rules.GetType() != nil {
			return nil, fmt.Errorf("rules on a message field are not supported")
		}
		return d.messageRef(fd.Message(), m != output)
	default:
		return nil, fmt.Errorf("kind %s is not supported", fd.Kind())
	}
	if rules.GetType() != nil {
		if err := d.applyScalarRules(s, rules); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// applyScalarRules adds the limits of a string, bool or number rule set to s.
func (d *document) applyScalarRules(s obj, rules *validate.FieldRules) error {
	typed := rules.ProtoReflect().WhichOneof(rules.ProtoReflect().Descriptor().Oneofs().ByName("type"))
	msg := rules.ProtoReflect().Get(typed).Message()
	var err error
	var notes []string
	msg.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch f.Name() {
		case "const":
			s["const"] = v.Interface()
		case "len":
			s["minLength"], s["maxLength"] = v.Uint(), v.Uint()
		case "min_len":
			s["minLength"] = v.Uint()
		case "max_len":
			s["maxLength"] = v.Uint()
		case "max_bytes":
			// JSON Schema counts characters; a character is 1 to 4 UTF-8 bytes, so the byte
			// limit bounds the length and the description states the limit itself.
			s["maxLength"] = v.Uint()
			notes = append(notes, fmt.Sprintf("At most %d bytes in UTF-8.", v.Uint()))
		case "pattern":
			s["pattern"] = v.String()
		case "gt":
			s["exclusiveMinimum"] = v.Interface()
		case "gte":
			s["minimum"] = v.Interface()
		case "lt":
			s["exclusiveMaximum"] = v.Interface()
		case "lte":
			s["maximum"] = v.Interface()
		case "in":
			s["enum"] = listValues(v.List())
		case "not_in":
			s["not"] = obj{"enum": listValues(v.List())}
		default:
			err = fmt.Errorf("%s rule %s is not supported", typed.Name(), f.Name())
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	if err := d.applyPredefined(s, msg); err != nil {
		return err
	}
	if notes != nil {
		s["x-ccgw-limits"] = strings.Join(notes, " ")
	}
	return nil
}

// applyPredefined adds the schema of each predefined rule (an extension of the rule message,
// which this program cannot decode by type, so it reads the extension's wire form).
func (d *document) applyPredefined(s obj, msg protoreflect.Message) error {
	b := msg.GetUnknown()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		name, ok := d.extNames[extKey{msg.Descriptor().FullName(), num}]
		if !ok {
			return fmt.Errorf("unknown rule %d of %s", num, msg.Descriptor().FullName())
		}
		schema, known := predefined[name]
		if !known || typ != protowire.VarintType {
			return fmt.Errorf("predefined rule %s has no JSON Schema form in this generator", name)
		}
		v, n := protowire.ConsumeVarint(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if v == 0 { // the rule is switched off
			continue
		}
		for k, x := range schema {
			if _, dup := s[k]; dup {
				return fmt.Errorf("predefined rule %s and another rule both set %s", name, k)
			}
			s[k] = x
		}
	}
	return nil
}

func listValues(l protoreflect.List) []any {
	out := make([]any, l.Len())
	for i := range l.Len() {
		out[i] = l.Get(i).Interface()
	}
	return out
}

// enumSchema is an enum's component, or the allowed names inline when rules narrow them.
func (d *document) enumSchema(ed protoreflect.EnumDescriptor, rules *validate.EnumRules) (obj, error) {
	var all []string
	for i := range ed.Values().Len() {
		all = append(all, string(ed.Values().Get(i).Name()))
	}
	name := string(ed.Name())
	if prev, ok := d.names[name]; ok && prev != ed.FullName() {
		return nil, fmt.Errorf("schema name %s is used by %s and %s", name, prev, ed.FullName())
	}
	d.names[name] = ed.FullName()
	d.schemas[name] = obj{"type": "string", "enum": all, "description": leading(ed)}
	if len(rules.GetIn()) == 0 && len(rules.GetNotIn()) == 0 && !rules.HasConst() {
		return ref(name), nil
	}
	allowed := func(n protoreflect.EnumNumber) bool {
		if rules.HasConst() && int32(n) != rules.GetConst() {
			return false
		}
		if len(rules.GetIn()) > 0 && !slices.Contains(rules.GetIn(), int32(n)) {
			return false
		}
		return !slices.Contains(rules.GetNotIn(), int32(n))
	}
	var names []string
	for i := range ed.Values().Len() {
		if v := ed.Values().Get(i); allowed(v.Number()) {
			names = append(names, string(v.Name()))
		}
	}
	return obj{"type": "string", "enum": names}, nil
}

// zeroValue is the JSON form of a singular scalar field's zero value.
func zeroValue(fd protoreflect.FieldDescriptor) (any, bool) {
	if fd.IsList() || fd.IsMap() {
		return nil, false
	}
	switch fd.Kind() {
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "", true
	case protoreflect.BoolKind:
		return false, true
	case protoreflect.EnumKind:
		return string(fd.Enum().Values().ByNumber(0).Name()), true
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return nil, false
	}
	return 0, true
}

// rejectsZero reports whether a request field's schema refuses its zero value, which makes the
// field required: leaving it out is the same as sending the zero value.
func rejectsZero(fd protoreflect.FieldDescriptor, s obj) bool {
	if fd.IsList() {
		n, _ := s["minItems"].(uint64)
		return n > 0
	}
	zero, ok := zeroValue(fd)
	if !ok {
		return false
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(zero) {
		return true
	}
	if e, ok := s["enum"].([]string); ok && !slices.Contains(e, fmt.Sprint(zero)) {
		return true
	}
	switch z := zero.(type) {
	case string:
		if n, _ := s["minLength"].(uint64); n > 0 {
			return true
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(z) {
			return true
		}
	case int:
		return outOfRange(s, 0)
	}
	return false
}

// outOfRange reports whether x breaks a numeric bound of s.
func outOfRange(s obj, x float64) bool {
	num := func(k string) (float64, bool) {
		switch v := s[k].(type) {
		case int32:
			return float64(v), true
		case int64:
			return float64(v), true
		case uint32:
			return float64(v), true
		case uint64:
			return float64(v), true
		case float32:
			return float64(v), true
		case float64:
			return v, true
		}
		return 0, false
	}
	if v, ok := num("minimum"); ok && x < v {
		return true
	}
	if v, ok := num("exclusiveMinimum"); ok && x <= v {
		return true
	}
	if v, ok := num("maximum"); ok && x > v {
		return true
	}
	if v, ok := num("exclusiveMaximum"); ok && x >= v {
		return true
	}
	return false
}

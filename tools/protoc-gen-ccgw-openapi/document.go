package main

import (
	"fmt"
	"regexp"
	"strings"

	options "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// obj is one JSON object of the document; encoding/json writes its keys sorted, so the output
// is the same on every run.
type obj = map[string]any

// errorDetails are the detail messages server/errors.go attaches to errors; the Status schema
// names them so that clients get types for them.
var errorDetails = []protoreflect.MessageDescriptor{
	(&errdetails.ErrorInfo{}).ProtoReflect().Descriptor(),
	(&errdetails.BadRequest{}).ProtoReflect().Descriptor(),
}

// ndjsonDescription and sseDescription describe the two encodings of a server stream.
const (
	ndjsonDescription = "Newline-delimited JSON: one object per line, flushed as it is produced, " +
		"{\"result\": <message>} for each message of the stream or {\"error\": <Status>} when it fails. " +
		"The response never ends on its own: the stream runs until the client cancels it or the server shuts down."
	sseDescription = "Server-sent events, chosen with `Accept: text/event-stream` (an EventSource does so). " +
		"Each message is one event whose `data:` is the message as JSON (the `result` of the NDJSON form) and " +
		"whose name is the message kind (`snapshot`, `event`, `gap`); its `id:` is the message's cursor, so an " +
		"EventSource that reconnects sends it back as Last-Event-ID and the stream resumes right after it " +
		"(Last-Event-ID takes the place of resume_after). Heartbeats are comments (`: heartbeat`) carrying the " +
		"heartbeat's cursor as the event id. A failure is an event named `stream-error` whose data is a Status."
)

type document struct {
	schemas map[string]obj // components.schemas
	names   map[string]protoreflect.FullName
	// inputs and outputs are the messages used in requests and in responses: they get
	// different schemas (see the package comment), so one message may not be both.
	inputs, outputs map[protoreflect.FullName]bool
	extNames        map[extKey]protoreflect.FullName // extension numbers of the rule messages
}

type extKey struct {
	extendee protoreflect.FullName
	number   protoreflect.FieldNumber
}

func newDocument(plugin *protogen.Plugin) (obj, error) {
	d := &document{
		schemas: map[string]obj{}, names: map[string]protoreflect.FullName{},
		inputs: map[protoreflect.FullName]bool{}, outputs: map[protoreflect.FullName]bool{},
		extNames: map[extKey]protoreflect.FullName{},
	}
	for _, f := range plugin.Files {
		for _, x := range f.Extensions {
			d.extNames[extKey{x.Desc.ContainingMessage().FullName(), x.Desc.Number()}] = x.Desc.FullName()
		}
	}
	var info obj
	paths := obj{}
	ids := map[string]bool{}
	for _, f := range plugin.Files {
		if !f.Generate {
			continue
		}
		if sw, ok := proto.GetExtension(f.Desc.Options(), options.E_Openapiv2Swagger).(*options.Swagger); ok && sw != nil {
			if info != nil {
				return nil, fmt.Errorf("%s: a second file sets the document's info", f.Desc.Path())
			}
			info = obj{"title": sw.GetInfo().GetTitle(), "version": sw.GetInfo().GetVersion(), "description": sw.GetInfo().GetDescription()}
		}
		for _, svc := range f.Services {
			for _, m := range svc.Methods {
				if err := d.addMethod(paths, ids, svc, m); err != nil {
					return nil, fmt.Errorf("%s: %w", m.Desc.FullName(), err)
				}
			}
		}
	}
	if info == nil || info["title"] == "" || info["version"] == "" {
		return nil, fmt.Errorf("no file sets the document's title and version (option (grpc.gateway.protoc_gen_openapiv2.options.openapiv2_swagger).info)")
	}
	if err := d.addStatus(); err != nil {
		return nil, err
	}
	return obj{
		"openapi":    "3.1.0",
		"info":       info,
		"paths":      paths,
		"components": obj{"schemas": d.schemas},
	}, nil
}

var pathVar = regexp.MustCompile(`\{([a-z0-9_.]+)(=[^}]*)?\}`)

func (d *document) addMethod(paths obj, ids map[string]bool, svc *protogen.Service, m *protogen.Method) error {
	rule, _ := proto.GetExtension(m.Desc.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return nil // not on REST
	}
	rules := append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...)
	for _, r := range rules {
		method, tmpl := httpPattern(r)
		if method == "" {
			return fmt.Errorf("unsupported HTTP rule %v", r)
		}
		path, pathFields, err := openAPIPath(m.Input, tmpl)
		if err != nil {
			return err
		}
		id := operationID(svc, m, pathFields, len(rules))
		if ids[id] {
			return fmt.Errorf("operation id %s is not unique", id)
		}
		ids[id] = true
		op, err := d.operation(svc, m, id, pathFields, r.GetBody())
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, tmpl, err)
		}
		item, _ := paths[path].(obj)
		if item == nil {
			item = obj{}
			paths[path] = item
		}
		if item[method] != nil {
			return fmt.Errorf("%s %s is bound twice", method, path)
		}
		item[method] = op
	}
	return nil
}

func httpPattern(r *annotations.HttpRule) (method, path string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return "get", p.Get
	case *annotations.HttpRule_Put:
		return "put", p.Put
	case *annotations.HttpRule_Post:
		return "post", p.Post
	case *annotations.HttpRule_Delete:
		return "delete", p.Delete
	case *annotations.HttpRule_Patch:
		return "patch", p.Patch
	}
	return "", ""
}

// openAPIPath turns a path template into an OpenAPI path with the JSON names of its fields,
// which grpc-gateway accepts (as it does proto names).
func openAPIPath(in *protogen.Message, tmpl string) (string, []*protogen.Field, error) {
	var fields []*protogen.Field
	var err error
	path := pathVar.ReplaceAllStringFunc(tmpl, func(v string) string {
		sub := pathVar.FindStringSubmatch(v)
		if sub[2] != "" || strings.Contains(sub[1], ".") {
			err = fmt.Errorf("path %s: only plain single-segment variables are supported", tmpl)
			return v
		}
		f := fieldByName(in, sub[1])
		if f == nil {
			err = fmt.Errorf("path %s names %q, which is not a field of %s", tmpl, sub[1], in.Desc.FullName())
			return v
		}
		fields = append(fields, f)
		return "{" + f.Desc.JSONName() + "}"
	})
	return path, fields, err
}

func fieldByName(m *protogen.Message, name string) *protogen.Field {
	for _, f := range m.Fields {
		if string(f.Desc.Name()) == name {
			return f
		}
	}
	return nil
}

// operationID is Service_Method. A method with several bindings gets, for each binding with
// path variables, a suffix naming them: AgentEventService_StreamEvents (/v1/events) and
// AgentEventService_StreamEvents_ByAgentId (/v1/agents/{agent_id}/events).
func operationID(svc *protogen.Service, m *protogen.Method, pathFields []*protogen.Field, bindings int) string {
	id := svc.GoName + "_" + m.GoName
	if bindings > 1 && len(pathFields) > 0 {
		id += "_By"
		for _, f := range pathFields {
			id += f.GoName
		}
	}
	return id
}

func (d *document) operation(svc *protogen.Service, m *protogen.Method, id string, pathFields []*protogen.Field, body string) (obj, error) {
	description := leading(m.Desc)
	op := obj{
		"operationId": id,
		"tags":        []string{svc.GoName},
		"summary":     firstSentence(description),
		"description": description,
	}
	inPath := map[*protogen.Field]bool{}
	var params []obj
	for _, f := range pathFields {
		inPath[f] = true
		s, _, err := d.fieldSchema(f.Desc, pathParam)
		if err != nil {
			return nil, err
		}
		params = append(params, obj{"name": f.Desc.JSONName(), "in": "path", "required": true, "schema": s})
	}
	var rest []protoreflect.FieldDescriptor // fields neither in the path nor in a body field
	for _, f := range m.Input.Fields {
		if !inPath[f] && string(f.Desc.Name()) != body {
			rest = append(rest, f.Desc)
		}
	}
	switch body {
	case "":
		for _, f := range rest {
			if f.Kind() == protoreflect.MessageKind || f.IsMap() {
				return nil, fmt.Errorf("field %s cannot be a query parameter", f.Name())
			}
			s, required, err := d.fieldSchema(f, input)
			if err != nil {
				return nil, err
			}
			params = append(params, obj{"name": f.JSONName(), "in": "query", "required": required, "schema": s})
		}
	case "*":
		s, err := d.objectSchema(m.Input.Desc, rest, true)
		if err != nil {
			return nil, err
		}
		op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": s}}}
	default:
		return nil, fmt.Errorf("body %q: only \"*\" and no body are supported", body)
	}
	if params != nil {
		op["parameters"] = params
	}
	out, err := d.messageRef(m.Output.Desc, false)
	if err != nil {
		return nil, err
	}
	ok := obj{"description": "OK", "content": obj{"application/json": obj{"schema": out}}}
	switch {
	case m.Desc.IsStreamingClient():
		return nil, fmt.Errorf("client streaming has no REST form")
	case m.Desc.IsStreamingServer():
		line := m.Output.GoIdent.GoName + "Line"
		d.schemas[line] = obj{
			"description": "One line of the NDJSON stream: a message or the error that ended the stream.",
			"type":        "object",
			"properties":  obj{"result": out, "error": obj{"$ref": "#/components/schemas/Status"}},
			"oneOf":       []obj{{"required": []string{"result"}}, {"required": []string{"error"}}},
		}
		ok = obj{"description": "The stream, as NDJSON or (when asked for) server-sent events.", "content": obj{
			"application/x-ndjson": obj{"schema": obj{"$ref": "#/components/schemas/" + line}, "x-ccgw-encoding": ndjsonDescription},
			"text/event-stream":    obj{"schema": obj{"type": "string", "description": sseDescription}},
		}}
	}
	errSchema := ref("Status")
	if m.Desc.IsStreamingServer() {
		// A stream that fails before its first message answers the error's HTTP status with
		// the failure as an NDJSON line, {"error": Status}; a request the REST layer cannot
		// parse gets a plain Status.
		errSchema = obj{"anyOf": []obj{ref("Status"), ref(m.Output.GoIdent.GoName + "Line")}}
	}
	op["responses"] = obj{
		"200": ok,
		"default": obj{"description": "An error: the gRPC status code's HTTP status and a Status with its details.",
			"content": obj{"application/json": obj{"schema": errSchema}}},
	}
	return op, nil
}

// addStatus adds google.rpc.Status, the body of every error, with the detail messages the
// bridge attaches spelled out.
func (d *document) addStatus() error {
	var details []obj
	for _, md := range errorDetails {
		name := string(md.Name())
		if err := d.addMessage(md, false); err != nil {
			return err
		}
		details = append(details, obj{"allOf": []obj{
			{"$ref": "#/components/schemas/" + name},
			{"type": "object", "required": []string{"@type"},
				"properties": obj{"@type": obj{"const": "type.googleapis.com/" + string(md.FullName())}}},
		}})
	}
	details = append(details, obj{"$ref": "#/components/schemas/Any"})
	d.schemas["Any"] = anySchema()
	d.schemas["Status"] = obj{
		"description": "The body of every error (google.rpc.Status). `code` is the gRPC status code, `details` " +
			"always holds an ErrorInfo (domain \"ccgw-bridge\", `reason` a stable machine-readable name), and a " +
			"BadRequest with one field violation per broken rule when the request was invalid.",
		"type":     "object",
		"required": []string{"code", "message", "details"},
		"properties": obj{
			"code":    obj{"type": "integer", "format": "int32", "description": "The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, ...)."},
			"message": obj{"type": "string", "description": "What went wrong, in words meant for people."},
			"details": obj{"type": "array", "items": obj{"anyOf": details}},
		},
	}
	return nil
}

func anySchema() obj {
	return obj{
		"description":          "A message of the type its `@type` URL names, with that message's fields beside `@type`.",
		"type":                 "object",
		"required":             []string{"@type"},
		"properties":           obj{"@type": obj{"type": "string"}},
		"additionalProperties": true,
	}
}

// firstSentence is the summary of an operation: the first sentence of its description.
func firstSentence(text string) string {
	if i := strings.Index(text, "\n\n"); i >= 0 {
		text = text[:i]
	}
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	return strings.Join(strings.Fields(text), " ")
}

package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// REST input is strict: grpc-gateway's defaults ignore unknown body fields, unknown enum names
// and unknown query parameters (so a misspelt "awaitOutcom" silently placed a call without
// waiting), and let text that is not UTF-8 reach the bridge's own gRPC client, whose marshalling
// failure came back as INTERNAL. Here a request is refused with INVALID_ARGUMENT naming the field
// instead. restRequest carries what the checks need from the HTTP request to the places
// grpc-gateway lets us run code: the body decoder, the loopback client's interceptors and the
// error handler.
type restRequest struct {
	query url.Values
	// violations explain why the body decoder refused the body, for the error handler.
	violations fieldViolations
}

type restRequestKey struct{}

func restRequestFrom(ctx context.Context) *restRequest {
	rr, _ := ctx.Value(restRequestKey{}).(*restRequest)
	return rr
}

// trackedBody is the request body as the decoder sees it: the decoder records its findings in rr.
type trackedBody struct {
	io.ReadCloser
	rr *restRequest
}

// strictREST attaches a restRequest to every REST request.
func strictREST(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rr := &restRequest{query: r.URL.Query()}
		r = r.WithContext(context.WithValue(r.Context(), restRequestKey{}, rr))
		if r.Body != nil {
			r.Body = &trackedBody{ReadCloser: r.Body, rr: rr}
		}
		next.ServeHTTP(w, r)
	})
}

// strictJSON is grpc-gateway's JSON marshaler with strict decoding: unknown fields and enum
// names are errors, and the decoder explains any error by field.
type strictJSON struct{ *runtime.HTTPBodyMarshaler }

func newStrictJSON() strictJSON {
	return strictJSON{&runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
		MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true},
	}}}
}

func (m strictJSON) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		msg, ok := v.(proto.Message)
		if !ok {
			return m.HTTPBodyMarshaler.NewDecoder(r).Decode(v)
		}
		tb, _ := r.(*trackedBody)
		fail := func(vs fieldViolations) error {
			if tb != nil {
				tb.rr.violations = vs
			}
			return errors.New(vs[0].GetDescription())
		}
		body, err := io.ReadAll(r)
		if err != nil {
			return fail(fieldViolations{fieldViolation("", "the request body could not be read")})
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return io.EOF // no body: an empty request, as grpc-gateway treats it
		}
		if err := protojson.Unmarshal(body, msg); err != nil {
			return fail(jsonViolations(msg.ProtoReflect().Descriptor(), body, err))
		}
		return nil
	})
}

// restUnaryCheck and restStreamCheck run on the REST gateway's loopback client, after
// grpc-gateway built the request from the path, query and body, and before the request is
// marshalled: they refuse unknown query parameters and text that is not UTF-8.
func restUnaryCheck(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if err := checkRESTRequest(ctx, req); err != nil {
		return err
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func restStreamCheck(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, err
	}
	return &checkedClientStream{ClientStream: cs, ctx: ctx}, nil
}

type checkedClientStream struct {
	grpc.ClientStream
	ctx context.Context
}

func (s *checkedClientStream) SendMsg(m any) error {
	if err := checkRESTRequest(s.ctx, m); err != nil {
		return err
	}
	return s.ClientStream.SendMsg(m)
}

func checkRESTRequest(ctx context.Context, req any) error {
	msg, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	var vs fieldViolations
	if rr := restRequestFrom(ctx); rr != nil {
		vs = unknownQueryParams(msg.ProtoReflect().Descriptor(), rr.query)
	}
	if field := invalidUTF8InMessage(msg.ProtoReflect(), ""); field != "" {
		vs = append(vs, fieldViolation(field, "is not valid UTF-8"))
	}
	if len(vs) > 0 {
		return invalidRequest(vs)
	}
	return nil
}

// unknownQueryParams lists the query parameters that name no field of the request (by proto
// or JSON name, dotted into nested messages, as grpc-gateway's query parser reads them).
func unknownQueryParams(md protoreflect.MessageDescriptor, q url.Values) fieldViolations {
	var vs fieldViolations
	for key := range q {
		name, _, _ := strings.Cut(key, "[") // map syntax: field[key]=value
		d := md
		for part := range strings.SplitSeq(name, ".") {
			var fd protoreflect.FieldDescriptor
			if d != nil {
				if fd = d.Fields().ByTextName(part); fd == nil {
					fd = d.Fields().ByJSONName(part)
				}
			}
			if fd == nil {
				vs = append(vs, fieldViolation(key, "unknown query parameter"))
				break
			}
			d = fd.Message()
		}
	}
	return vs
}

// restViolations explains an INVALID_ARGUMENT that grpc-gateway raised while building the
// request: the body decoder's findings, else the query parameter whose value does not parse
// (found by parsing each alone), else the request as a whole.
func restViolations(ctx context.Context) fieldViolations {
	rr := restRequestFrom(ctx)
	if rr != nil && len(rr.violations) > 0 {
		return rr.violations
	}
	if md := inputDescriptor(ctx); md != nil && rr != nil {
		for key, vals := range rr.query {
			m := dynamicpb.NewMessage(md)
			if err := runtime.PopulateQueryParameters(m, url.Values{key: vals}, noFilter); err != nil {
				return fieldViolations{fieldViolation(key, "invalid value for this query parameter")}
			}
		}
	}
	return fieldViolations{fieldViolation("", "the request path or query is invalid")}
}

var noFilter = utilities.NewDoubleArray(nil)

// rpcMethod returns the descriptor of the RPC grpc-gateway matched (nil before routing).
func rpcMethod(ctx context.Context) protoreflect.MethodDescriptor {
	name, ok := runtime.RPCMethod(ctx)
	if !ok {
		return nil
	}
	svc, method, ok := strings.Cut(strings.TrimPrefix(name, "/"), "/")
	if !ok {
		return nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return nil
	}
	return sd.Methods().ByName(protoreflect.Name(method))
}

func inputDescriptor(ctx context.Context) protoreflect.MessageDescriptor {
	if m := rpcMethod(ctx); m != nil {
		return m.Input()
	}
	return nil
}

// restError is the REST gateway's error handler: every error leaves with an ErrorInfo; errors
// grpc-gateway raised while building the request get field violations; a streaming RPC answers
// in its stream's shape, one NDJSON line {"error": <status>}.
func restError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	httpStatus := 0
	var hse *runtime.HTTPStatusError
	if errors.As(err, &hse) {
		err, httpStatus = hse.Err, hse.HTTPStatus
		if _, ok := status.FromError(err); !ok && httpStatus == http.StatusBadRequest {
			err = invalidRequest(fieldViolations{fieldViolation("", "the request path is malformed")})
		}
	}
	st := status.Convert(err)
	if st.Code() == codes.InvalidArgument && findErrorInfo(st) == nil {
		st = status.Convert(invalidRequest(restViolations(ctx)))
	}
	st = withErrorInfo(st)
	if httpStatus == 0 {
		httpStatus = runtime.HTTPStatusFromCode(st.Code())
	}
	if md := rpcMethod(ctx); md != nil && md.IsStreamingServer() {
		buf, merr := m.Marshal(map[string]proto.Message{"error": st.Proto()})
		if merr == nil {
			w.Header().Set("Content-Type", m.ContentType(nil))
			w.WriteHeader(httpStatus)
			_, _ = w.Write(append(buf, '\n'))
			return
		}
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: st.Err()})
}

// restRoutingError answers a path or method no route matches.
func restRoutingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	var err error
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		if allow := allowedMethods(r.URL.Path); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
		err = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: ruleMethodNotAllowed.status(nil)}
	case http.StatusBadRequest:
		err = invalidRequest(fieldViolations{fieldViolation("", "the request path is malformed")})
	default:
		err = ruleRouteNotFound.status(nil)
	}
	restError(ctx, mux, m, w, r, err)
}

// restStreamError gives an error that ends a REST stream its ErrorInfo.
func restStreamError(_ context.Context, err error) *status.Status {
	return withErrorInfo(status.Convert(err))
}

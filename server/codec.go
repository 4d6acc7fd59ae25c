package server

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	// Registers the protobuf codec this one delegates to.
	_ "google.golang.org/grpc/encoding/proto"
)

// encodedMessage is a protobuf message marshalled once, to be written as the same bytes on
// every stream it goes to: an agent event fanned out to N subscribers is encoded once, not N
// times (the marshal was half of each stream's CPU with 1,000 subscribers on one agent).
type encodedMessage struct {
	b   []byte
	err error
}

func encode(m proto.Message) *encodedMessage {
	b, err := proto.Marshal(m)
	return &encodedMessage{b: b, err: err}
}

// wireCodec is the gRPC server's codec: protobuf, except that an *encodedMessage goes out as
// its bytes. The bytes are handed to gRPC as a mem.SliceBuffer, whose Free does nothing, so
// they are never recycled into a pool while other streams still send them; gRPC only reads
// outgoing buffers.
type wireCodec struct{ proto encoding.CodecV2 }

func newWireCodec() wireCodec { return wireCodec{proto: encoding.GetCodecV2("proto")} }

func (c wireCodec) Marshal(v any) (mem.BufferSlice, error) {
	if m, ok := v.(*encodedMessage); ok {
		if m.err != nil {
			return nil, m.err
		}
		return mem.BufferSlice{mem.SliceBuffer(m.b)}, nil
	}
	return c.proto.Marshal(v)
}

func (c wireCodec) Name() string { return c.proto.Name() }

// rawRequest receives a request's bytes undecoded. gRPC turns any error of a codec's Unmarshal
// into INTERNAL, although a request that is not valid protobuf (truncated, or with a string
// field that is not UTF-8) is the caller's mistake; so the server's handlers receive the bytes
// through this type and decode them themselves (decodeRequest), answering INVALID_ARGUMENT.
type rawRequest struct{ b []byte }

func (c wireCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if r, ok := v.(*rawRequest); ok {
		r.b = data.Materialize()
		return nil
	}
	return c.proto.Unmarshal(data, v)
}

// decodeRequest reads the next request of a stream into m through rawRequest.
func decodeRequest(recv func(any) error, m any) error {
	msg, ok := m.(proto.Message)
	if !ok {
		return recv(m)
	}
	var raw rawRequest
	if err := recv(&raw); err != nil {
		return err
	}
	if err := proto.Unmarshal(raw.b, msg); err != nil {
		md := msg.ProtoReflect().Descriptor()
		if field := invalidUTF8InWire(md, raw.b, "", 0); field != "" {
			return invalidRequest(fieldViolations{fieldViolation(field, "is not valid UTF-8")})
		}
		return invalidRequest(fieldViolations{fieldViolation("", "the request is not a valid "+string(md.FullName())+" protobuf message")})
	}
	return nil
}

// decodingService returns a copy of sd whose unary handlers decode their request with
// decodeRequest. Streaming methods get the same through streamDecode.
func decodingService(sd *grpc.ServiceDesc) *grpc.ServiceDesc {
	out := *sd
	out.Methods = make([]grpc.MethodDesc, len(sd.Methods))
	for i, m := range sd.Methods {
		h := m.Handler
		m.Handler = func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			return h(srv, ctx, func(v any) error { return decodeRequest(dec, v) }, ic)
		}
		out.Methods[i] = m
	}
	return &out
}

// streamDecode makes a stream's RecvMsg decode with decodeRequest. It must be the first stream
// interceptor to wrap the stream, so that every other wrapper sees decoded messages.
func streamDecode(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return h(srv, &decodingStream{ss})
}

type decodingStream struct{ grpc.ServerStream }

func (s *decodingStream) RecvMsg(m any) error { return decodeRequest(s.ServerStream.RecvMsg, m) }

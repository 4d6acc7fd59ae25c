package server

import (
	"context"
	"errors"
	"log/slog"

	"buf.build/go/protovalidate"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Requests are checked against the protovalidate rules of the contract. A broken rule answers
// INVALID_ARGUMENT in the bridge's one error shape: google.rpc.BadRequest field violations and
// an ErrorInfo (reason INVALID_REQUEST), plus protovalidate's own buf.validate.Violations for
// clients that read rule ids.

func unaryValidate(v protovalidate.Validator, log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if err := validateRequest(v, req); err != nil {
			return nil, toStatus(ctx, log, err)
		}
		return h(ctx, req)
	}
}

func streamValidate(v protovalidate.Validator, log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return h(srv, &validatingStream{ServerStream: ss, v: v, log: log})
	}
}

type validatingStream struct {
	grpc.ServerStream
	v   protovalidate.Validator
	log *slog.Logger
}

func (s *validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if err := validateRequest(s.v, m); err != nil {
		return toStatus(s.Context(), s.log, err)
	}
	return nil
}

// validateRequest returns nil, an INVALID_ARGUMENT status, or (for a rule that cannot be
// evaluated, a bug in the contract rather than the caller's fault) a plain error that toStatus
// logs and answers with INTERNAL.
func validateRequest(v protovalidate.Validator, req any) error {
	msg, ok := req.(proto.Message)
	if !ok {
		return nil // not a protobuf message: nothing the contract's rules apply to
	}
	err := v.Validate(msg)
	var verr *protovalidate.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &verr):
		fvs := make([]*errdetails.BadRequest_FieldViolation, 0, len(verr.Violations))
		for _, vi := range verr.Violations {
			fvs = append(fvs, &errdetails.BadRequest_FieldViolation{
				Field:       protovalidate.FieldPathString(vi.Proto.GetField()),
				Description: vi.Proto.GetMessage(),
				Reason:      vi.Proto.GetRuleId(),
			})
		}
		return invalidRequest(fvs, verr.ToProto())
	default:
		return err
	}
}

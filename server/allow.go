package server

import (
	"net/http"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// restRoute is one REST binding of the contract: a method and a path template split in segments.
type restRoute struct {
	method   string
	segments []string
}

// restRoutes are read from the services' google.api.http options, so the Allow header of a 405
// can never disagree with what grpc-gateway serves.
var restRoutes = func() []restRoute {
	var routes []restRoute
	for _, fd := range []protoreflect.FileDescriptor{
		ccgwv1.File_ccgw_v1_agent_session_proto,
		ccgwv1.File_ccgw_v1_call_control_proto,
		ccgwv1.File_ccgw_v1_agent_event_proto,
	} {
		for i := range fd.Services().Len() {
			methods := fd.Services().Get(i).Methods()
			for j := range methods.Len() {
				rule, _ := proto.GetExtension(methods.Get(j).Options(), annotations.E_Http).(*annotations.HttpRule)
				if rule == nil {
					continue
				}
				for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
					if m, path := httpRule(r); m != "" {
						routes = append(routes, restRoute{m, strings.Split(path, "/")})
					}
				}
			}
		}
	}
	return routes
}()

func httpRule(r *annotations.HttpRule) (method, path string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	}
	return "", ""
}

// allowedMethods lists, sorted, the methods the contract binds to path: the Allow header RFC 9110
// requires on a 405. Templates here use single-segment variables, optionally followed by a
// custom verb ("{call_id}:transfer").
func allowedMethods(path string) []string {
	segs := strings.Split(path, "/")
	var out []string
	for _, r := range restRoutes {
		if len(r.segments) == len(segs) && matchSegments(r.segments, segs) && !slices.Contains(out, r.method) {
			out = append(out, r.method)
		}
	}
	slices.Sort(out)
	return out
}

func matchSegments(tmpl, segs []string) bool {
	for i, t := range tmpl {
		s := segs[i]
		if strings.HasPrefix(t, "{") {
			verb := t[strings.IndexByte(t, '}')+1:] // "" or ":transfer"
			if len(s) <= len(verb) || !strings.HasSuffix(s, verb) {
				return false
			}
			continue
		}
		if s != t {
			return false
		}
	}
	return true
}

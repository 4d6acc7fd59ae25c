package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// restGuard is the HTTP side of the trust rules, in front of the REST gateway:
//   - CORS for the configured origins only (preflight included); none by default;
//   - a request with a body must say application/json (415 otherwise), so an HTML form or a
//     "simple" cross-site fetch, which can only send form or text/plain bodies, cannot drive
//     the API (CSRF);
//   - the body is refused (413) when larger than the limit, from Content-Length before any
//     byte is read, or as soon as the limit is passed, and must arrive within BodyTimeout;
//   - forwarded-caller metadata a client sent is removed (see restCaller).
func restGuard(l Limits, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stripForwarded(r.Header)
		if origin := r.Header.Get("Origin"); origin != "" && slices.Contains(l.CORSOrigins, origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Expose-Headers", "X-Request-Id")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id, X-Ccgw-Guid")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		} else if r.Method == http.MethodOptions && origin != "" {
			writeHTTPError(w, http.StatusForbidden, errOriginNotAllowed)
			return
		}
		// A method the path does not bind is a 405 whatever its body: checked before the body
		// rules, which would otherwise answer 415 for, say, a body-less POST to a GET route.
		// A path the contract does not know falls through to the body rules and then a 404.
		if allow := allowedMethods(r.URL.Path); len(allow) > 0 && r.Method != http.MethodOptions && !slices.Contains(allow, r.Method) {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeHTTPError(w, http.StatusMethodNotAllowed, ruleMethodNotAllowed.status(nil))
			return
		}
		if hasBody(r) {
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				writeHTTPError(w, http.StatusUnsupportedMediaType, errNotJSON)
				return
			}
			if r.ContentLength > l.MaxBodyBytes {
				writeHTTPError(w, http.StatusRequestEntityTooLarge, errBodyTooLarge)
				return
			}
			body, code, err := readBody(w, r, l)
			if err != nil {
				writeHTTPError(w, code, err)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// hasBody: the methods whose requests carry one, and any request announcing one.
func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return r.ContentLength > 0 || len(r.TransferEncoding) > 0
}

// readBody reads at most the limit (plus one byte to notice an excess) within the body
// timeout, so neither a large nor a slow body can hold memory or a goroutine for long.
func readBody(w http.ResponseWriter, r *http.Request, l Limits) ([]byte, int, error) {
	rc := http.NewResponseController(w)
	deadline := rc.SetReadDeadline(time.Now().Add(l.BodyTimeout)) == nil
	body, err := io.ReadAll(io.LimitReader(r.Body, l.MaxBodyBytes+1))
	if err == nil && int64(len(body)) <= l.MaxBodyBytes && deadline {
		// Lifted only for a body read in time: on a refusal the expired deadline stays, so the
		// server cannot wait on the rest of a slow body before closing the connection.
		_ = rc.SetReadDeadline(time.Time{})
	}
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, http.StatusRequestTimeout, errBodyTimeout
	case err != nil:
		return nil, http.StatusBadRequest, errBodyTimeout
	case int64(len(body)) > l.MaxBodyBytes:
		return nil, http.StatusRequestEntityTooLarge, errBodyTooLarge
	}
	return body, 0, nil
}

// stripForwarded removes headers that would become the loopback's forwarded-caller metadata,
// under any name the gateway maps to it (Grpc-Metadata-X-Ccgw-Rest-Peer included).
func stripForwarded(h http.Header) {
	for k := range h {
		if lk := strings.ToLower(k); strings.Contains(lk, restPeerKey) || strings.Contains(lk, restCertKey) {
			delete(h, k)
		}
	}
}

// restCallerMetadata is what the REST gateway adds to each call on the loopback connection:
// the caller's address and its verified client certificate, if any.
func restCallerMetadata(_ context.Context, r *http.Request) metadata.MD {
	md := metadata.Pairs(restPeerKey, r.RemoteAddr)
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 {
		md.Set(restCertKey, base64.StdEncoding.EncodeToString(r.TLS.VerifiedChains[0][0].Raw))
	}
	return md
}

// writeHTTPError writes err in the JSON shape of the gateway's own errors.
func writeHTTPError(w http.ResponseWriter, code int, err error) {
	body, merr := protojson.Marshal(status.Convert(err).Proto())
	if merr != nil {
		body = []byte(`{"code":3,"message":"request refused"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if code == http.StatusRequestEntityTooLarge || code == http.StatusRequestTimeout {
		// The rest of the body is not read; the connection cannot carry another request.
		w.Header().Set("Connection", "close")
	}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

func TestAllowedMethods(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/v1/agents/1001/session", []string{"DELETE", "GET", "PUT"}},
		{"/v1/sessions", []string{"GET"}},
		{"/v1/agents/1001/voice:callInnerSkill", []string{"POST"}},
		{"/v1/agents/1001/media/c-1:transfer", []string{"POST"}},
		{"/v1/agents/1001/events", []string{"GET"}},
		{"/v1/events", []string{"GET"}},
		{"/v1/agents/1001/media/:transfer", nil}, // the call id segment is empty
		{"/v1/agents/1001/media/c-1", nil},
		{"/v1/agents/1001/voice:other", nil},
		{"/v1/nothing", nil},
	} {
		if got := allowedMethods(tc.path); !slices.Equal(got, tc.want) {
			t.Errorf("allowedMethods(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// A 405 names the methods the path does bind (RFC 9110 requires Allow on a 405).
func TestMethodNotAllowedSaysAllow(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPatch, "/v1/agents/1001/session", nil)
	restRoutingError(context.Background(), runtime.NewServeMux(), &runtime.JSONPb{}, rec, req, http.StatusMethodNotAllowed)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "DELETE, GET, PUT" {
		t.Fatalf("HTTP %d, Allow %q; want 405 with Allow: DELETE, GET, PUT", rec.Code, rec.Header().Get("Allow"))
	}
}

// The REST guard answers a method the path does not bind with 405 before its body rules (a
// body-less POST to a GET route is not "415 not JSON"), and passes nothing on.
func TestGuardAnswers405BeforeBodyRules(t *testing.T) {
	guard := restGuard(Limits{MaxBodyBytes: 1 << 10}, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		t.Errorf("%s %s was passed on", r.Method, r.URL.Path)
	}))
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "/v1/agents/101/session", "DELETE, GET, PUT"},
		{http.MethodPut, "/v1/sessions", "GET"},
		{http.MethodGet, "/v1/agents/101/voice:callInnerSkill", "POST"},
	} {
		rec := httptest.NewRecorder()
		guard.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != tc.allow {
			t.Errorf("%s %s: HTTP %d, Allow %q; want 405, Allow %q", tc.method, tc.path, rec.Code, rec.Header().Get("Allow"), tc.allow)
		}
	}
}

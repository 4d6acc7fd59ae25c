package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc/metadata"

	"github.com/ccgw-bridge/ccgw-bridge/app"
	ccgwv1 "github.com/ccgw-bridge/ccgw-bridge/gen/ccgw/v1"
)

// Every RPC, gRPC or REST, gets a span, and no span carries a password or GUID.
func TestSpansWithoutSecrets(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	b := startBridge(t, func(c *app.Config) { c.TracerProvider = tp })
	b.signIn(t, "1001")
	ctx := metadata.AppendToOutgoingContext(ctxT(t, 5*time.Second), "x-ccgw-guid", "secret-guid-0001.AgentGateway0")
	_, _ = b.calls.CallInnerSkill(ctx, &ccgwv1.CallInnerSkillRequest{AgentId: "1001", SkillId: 2})
	res, err := http.DefaultClient.Do(mustRequest(t, http.MethodPut, b.httpBase+"/v1/agents/1002/session", `{"password":"rest-secret","phoneNumber":"71002"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	var names []string
	var dump strings.Builder
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
		fmt.Fprintf(&dump, "%s %v %v\n", s.Name(), s.Attributes(), s.Events())
	}
	for _, want := range []string{"ccgw.v1.AgentSessionService/SignIn", "ccgw.v1.CallControlService/CallInnerSkill", "PUT /v1/"} {
		if !strings.Contains(strings.Join(names, "\n"), want) {
			t.Errorf("no span %q among %v", want, names)
		}
	}
	for _, secret := range []string{"demo-1001", "rest-secret", "secret-guid-0001"} {
		if strings.Contains(dump.String(), secret) {
			t.Errorf("a span carries %q", secret)
		}
	}
}

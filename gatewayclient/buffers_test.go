package gatewayclient

import (
	"strings"
	"testing"
)

// The transport's connection buffers are smaller than net/http's defaults (they are held per
// signed-in agent); requests and answers larger than them must still pass whole.
func TestMessagesLargerThanTheConnectionBuffers(t *testing.T) {
	content := `{"callid":"1718000001-77","message":"` + strings.Repeat("m", 3*readBufferSize) + `"}`
	answer := `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_MessageData","workNo":"1001","content":` + content + `}}`
	g := newFakeGateway(t, ok(answer, "X-Padding", strings.Repeat("p", 2*readBufferSize)))
	s := g.client(t).Session("1001", testGUID, "")
	ev, err := s.Poll(ctxT(t))
	must(t, err)
	if ev == nil || ev.CallID != "1718000001-77" || string(ev.Content) != content {
		t.Fatalf("event %+v", ev)
	}

	data := strings.Repeat("d", 2*writeBufferSize)
	must(t, s.Transfer(ctxT(t), TransferRequest{CallID: "1718000001-77", DeviceType: DeviceSkillQueue, Address: "2", CallData: data}))
	if body := string(g.last(t).Body); !strings.Contains(body, `"calldata":"`+data+`"`) {
		t.Fatalf("the gateway received %d body bytes without the whole call data", len(body))
	}
}

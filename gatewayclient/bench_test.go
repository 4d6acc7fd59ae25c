package gatewayclient

import "testing"

// A typical event: object content with the fields most pollers read.
const benchTalking = `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Talking","eventGenTime":1718000000123,"workNo":"1001","content":{"caller":"1001","callid":"1718000001-77","called":"1002","feature":"6","type":"main","mediaAbility":"1"}}}`

func BenchmarkDecodePoll(b *testing.B) {
	cases := []struct{ name, body string }{
		{"talking", benchTalking},
		{"null-content", `{"message":"","retcode":"0","event":{"eventType":"AgentState_Ready","workNo":"1001","content":null}}`},
		{"bare-callid", `{"message":"","retcode":"0","event":{"eventType":"AgentEvent_Call_Release","workNo":"1001","content":"1718000100-9"}}`},
		{"empty", `{"message":"","retcode":"0"}`},
	}
	for _, c := range cases {
		body := []byte(c.body)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := DecodePoll(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

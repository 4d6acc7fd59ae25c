package gatewaysim_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ccgw-bridge/ccgw-bridge/gatewayclient"
	"github.com/ccgw-bridge/ccgw-bridge/gatewaysim"
)

func TestStartChatEvents(t *testing.T) {
	h := newHarness(t, nil)
	c := h.client()
	s := h.session(c, "1001")
	started, err := h.sim.StartChat(gatewaysim.CallTarget{QueueID: 1, Caller: "8613900000000"})
	if err != nil || started.AgentID != "1001" || !callIDPattern.MatchString(started.CallID) {
		t.Fatalf("start chat %+v %v", started, err)
	}
	evs := h.drain(s)
	if got := types(evs); !slices.Equal(got, []string{"AgentEvent_Incoming_CallInfo", "AgentEvent_Auto_Answer", "AgentState_Busy", "AgentEvent_Talking"}) {
		t.Fatalf("events %v", got)
	}
	var info map[string]any
	_ = json.Unmarshal(evs[0].Content, &info)
	if info["callId"] != started.CallID || info["mediaType"] != float64(51) || info["skillName"] != "General" || info["skillId"] != float64(1) {
		t.Fatalf("Incoming_CallInfo %s", evs[0].Content)
	}
	if evs[3].MediaType != "51" || evs[3].CallID != started.CallID || !strings.Contains(string(evs[3].Content), `"mediaAbility":"5"`) {
		t.Fatalf("Talking %s", evs[3].Content)
	}
	if err := h.sim.SendChatMessage(started.CallID, "hello"); err != nil {
		t.Fatal(err)
	}
	evs = h.drain(s)
	if len(evs) != 1 || evs[0].Type != "AgentEvent_MessageData" || !strings.Contains(string(evs[0].Content), `"message":"hello"`) {
		t.Fatalf("message events %v", types(evs))
	}
	if err := h.sim.EndCall(started.CallID); err != nil {
		t.Fatal(err)
	}
	if got := types(h.drain(s)); !slices.Equal(got, []string{"AgentEvent_Customer_Release", "AgentEvent_Call_Release", "AgentState_Ready"}) {
		t.Fatalf("after customer left %v", got)
	}
}

// TestTransferMatrix covers every device type × mode, with a reachable and
// an unreachable target.
func TestTransferMatrix(t *testing.T) {
	type target struct {
		name       string
		device     gatewayclient.DeviceType
		address    string
		reachable  bool
		receiverID string // agent that should get the session ("" = none)
	}
	targets := []target{
		{"queue with idle agent", gatewayclient.DeviceSkillQueue, "2", true, "1003"},
		{"queue without idle agent", gatewayclient.DeviceSkillQueue, "1", false, ""}, // 1002 busy, 1003 has no queue 1 joined
		{"unknown queue", gatewayclient.DeviceSkillQueue, "77", false, ""},
		{"idle agent", gatewayclient.DeviceAgent, "1003", true, "1003"},
		{"busy agent", gatewayclient.DeviceAgent, "1002", false, ""},
		{"signed-out agent", gatewayclient.DeviceAgent, "1004", false, ""},
		{"self", gatewayclient.DeviceAgent, "1001", false, ""},
		{"access code", gatewayclient.DeviceAccessCode, "4001", true, ""},
		{"bad access code", gatewayclient.DeviceAccessCode, "ivr#", false, ""},
	}
	modes := []gatewayclient.TransferMode{gatewayclient.ModeBlind, gatewayclient.ModeReleaseAfterTransfer}
	for _, tg := range targets {
		for _, mode := range modes {
			t.Run(tg.name+"/mode="+strconv.Itoa(int(mode)), func(t *testing.T) {
				h := newHarness(t, nil)
				c := h.client()
				src := h.session(c, "1001")
				busy := h.session(c, "1002")
				if err := busy.SetBusy(ctx(t), 0, false); err != nil {
					t.Fatal(err)
				}
				dst := h.session(c, "1003")
				if err := dst.ResetSkills(ctx(t), false, []int64{2}); err != nil {
					t.Fatal(err)
				}
				started, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
				if err != nil {
					t.Fatal(err)
				}
				h.drain(src)
				err = src.Transfer(ctx(t), gatewayclient.TransferRequest{
					CallID: started.CallID, DeviceType: tg.device, Mode: mode, Address: tg.address, CallData: "order=42",
				})
				if err != nil {
					t.Fatalf("transfer: %v", err)
				}
				srcEvents := h.drain(src)
				got := types(srcEvents)
				for _, e := range srcEvents {
					if (e.Type == "AgentEvent_Call_Release" || e.Type == "AgentEvent_Connect_Fail") && string(e.Content) != strconv.Quote(started.CallID) {
						t.Fatalf("%s content %s is not the bare call id", e.Type, e.Content)
					}
				}
				var want []string
				switch {
				case tg.reachable && mode == gatewayclient.ModeBlind:
					want = []string{"AgentEvent_Call_Release", "AgentState_Ready"}
				case tg.reachable:
					want = []string{"AgentEvent_SuccTransResult", "AgentEvent_Call_Release", "AgentState_Ready"}
				case mode == gatewayclient.ModeBlind:
					want = []string{"AgentEvent_Call_Release", "AgentEvent_Connect_Fail", "AgentState_Ready"}
				default:
					want = []string{"AgentEvent_SuccTransResult"}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("source events %v, want %v", got, want)
				}
				srcState, _ := h.sim.AgentState("1001")
				keeps := !tg.reachable && mode == gatewayclient.ModeReleaseAfterTransfer
				if keeps != slices.Contains(srcState.ChatCallIDs, started.CallID) {
					t.Fatalf("source chats %v (keeps=%v)", srcState.ChatCallIDs, keeps)
				}
				dstEvents := types(h.drain(dst))
				if tg.receiverID == "1003" {
					if !slices.Equal(dstEvents, []string{"AgentEvent_Incoming_CallInfo", "AgentEvent_Auto_Answer", "AgentState_Busy", "AgentEvent_Talking"}) {
						t.Fatalf("target events %v", dstEvents)
					}
					st, _ := h.sim.AgentState("1003")
					if !slices.Equal(st.ChatCallIDs, []string{started.CallID}) {
						t.Fatalf("target chats %v", st.ChatCallIDs)
					}
				} else if len(dstEvents) != 0 {
					t.Fatalf("uninvolved agent got %v", dstEvents)
				}
			})
		}
	}
}

func TestTransferResultContent(t *testing.T) {
	for _, reachable := range []bool{true, false} {
		h := newHarness(t, nil)
		c := h.client()
		src := h.session(c, "1001")
		if reachable {
			h.session(c, "1002")
		}
		started, _ := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
		h.drain(src)
		if err := src.Transfer(ctx(t), gatewayclient.TransferRequest{CallID: started.CallID, DeviceType: gatewayclient.DeviceAgent, Mode: gatewayclient.ModeReleaseAfterTransfer, Address: "1002", SkillID: 1}); err != nil {
			t.Fatal(err)
		}
		evs := h.drain(src)
		want := `{"callId":"` + started.CallID + `","result":0}`
		if !reachable {
			want = `{"callId":"` + started.CallID + `","result":1}`
		}
		if len(evs) == 0 || evs[0].Type != "AgentEvent_SuccTransResult" || string(evs[0].Content) != want {
			t.Fatalf("reachable=%v: events %v, want SuccTransResult %s first", reachable, evs, want)
		}
		if !reachable {
			continue
		}
		// The receiving agent sees who transferred it.
		g, _ := h.sim.DebugGUID("1002")
		recv := h.events("1002", g)
		if m := contentMap(t, recv[1]); m["transfer"] != "yes" || m["transfrom"] != "1001" {
			t.Fatalf("Auto_Answer on the target %v", m)
		}
	}
}

func TestTransferValidation(t *testing.T) {
	h := newHarness(t, nil)
	g := h.ready("1001", "1002")
	started, err := h.sim.StartChat(gatewaysim.CallTarget{AgentID: "1001"})
	if err != nil {
		t.Fatal(err)
	}
	h.events("1001", g["1001"])
	cid := started.CallID
	body := func(fields string) string { return `{"callid":"` + cid + `",` + fields + `}` }
	cases := []struct {
		name, body, want string
	}{
		{"devicetype 3", body(`"devicetype":3,"mode":0,"address":"1002"`), "106-004"},
		{"devicetype 5", body(`"devicetype":5,"mode":0,"address":"1002"`), "106-004"},
		{"devicetype missing", body(`"mode":0,"address":"1002"`), "106-004"},
		{"devicetype text", body(`"devicetype":"agent","mode":0,"address":"1002"`), "106-004"},
		{"mode 1", body(`"devicetype":2,"mode":1,"address":"1002"`), "000-002"},
		{"mode 3", body(`"devicetype":2,"mode":3,"address":"1002"`), "000-002"},
		{"mode missing", body(`"devicetype":2,"address":"1002"`), "000-002"},
		{"address empty", body(`"devicetype":2,"mode":0,"address":""`), "000-002"},
		{"address 25 chars", body(`"devicetype":4,"mode":0,"address":"` + strings.Repeat("1", 25) + `"`), "000-002"},
		{"address missing", body(`"devicetype":2,"mode":0`), "000-002"},
		{"calldata 2049 bytes", body(`"devicetype":2,"mode":0,"address":"1002","calldata":"` + strings.Repeat("x", 2049) + `"`), "000-002"},
		{"queue address not a number", body(`"devicetype":1,"mode":0,"address":"abc"`), "000-002"},
		{"agent address not an id", body(`"devicetype":2,"mode":0,"address":"12"`), "000-002"},
		{"skillId text", body(`"devicetype":2,"mode":0,"address":"1002","skillId":"x"`), "000-002"},
		{"callid missing", `{"devicetype":2,"mode":0,"address":"1002"}`, "000-002"},
		{"callid not owned", `{"callid":"1-1","devicetype":2,"mode":0,"address":"1002"}`, "000-002"},
		{"not json", `callid=1`, "000-002"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.do("POST", gw+"mediacall/1001/transfer", g["1001"], c.body)
			if r.env.Retcode != c.want {
				t.Fatalf("got %s, want %s", r.raw, c.want)
			}
		})
	}
	if st, _ := h.sim.AgentState("1001"); !slices.Equal(st.ChatCallIDs, []string{cid}) {
		t.Fatalf("a rejected transfer moved the chat: %+v", st)
	}
	// Boundaries that are accepted: 24-char address, 2048-byte call data,
	// devicetype/mode as strings.
	r := h.do("POST", gw+"mediacall/1001/transfer", g["1001"],
		body(`"devicetype":"4","mode":"2","address":"`+strings.Repeat("9", 24)+`","calldata":"`+strings.Repeat("x", 2048)+`"`))
	if r.raw != `{"message":"success","retcode":"0"}` {
		t.Fatalf("boundary transfer: %s", r.raw)
	}
}

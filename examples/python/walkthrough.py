"""The README walk-through as a Python gRPC client of ccgw-bridge.

Signs two agents in, follows every agent's events, calls a skill queue and
waits for the outcome, transfers a chat, reads a failing call's error
details, resumes the event stream from a cursor and signs out. Exits
non-zero on any mismatch.

Run it against a bridge on the embedded simulator:
    CCGW_BRIDGE_GRPC=127.0.0.1:9090 CCGW_SIM_URL=http://127.0.0.1:8043 python walkthrough.py
"""

import json
import os
import sys
import threading
import time
import urllib.request

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from ccgw.v1 import agent_event_pb2 as events_pb
from ccgw.v1 import agent_event_pb2_grpc as events_grpc
from ccgw.v1 import agent_session_pb2 as session_pb
from ccgw.v1 import agent_session_pb2_grpc as session_grpc
from ccgw.v1 import call_control_pb2 as calls_pb
from ccgw.v1 import call_control_pb2_grpc as calls_grpc

BRIDGE = os.environ.get("CCGW_BRIDGE_GRPC", "127.0.0.1:9090")
SIMULATOR = os.environ.get("CCGW_SIM_URL", "http://127.0.0.1:8043")
DEADLINE = 20  # seconds, for every unary call


def check(ok, what):
    if not ok:
        raise AssertionError(f"mismatch: {what}")


class Follower:
    """Follows a stream on a thread, keeping its agent events in order."""

    def __init__(self, stub, request):
        self.events = []
        self.error = None
        self.ready = threading.Event()  # set on the snapshot, the first message
        self._call = stub.StreamEvents(request)  # no deadline: runs until cancelled
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            for res in self._call:
                kind = res.WhichOneof("message")
                if kind == "snapshot":
                    self.ready.set()
                elif kind == "event":
                    self.events.append(res.event)
                elif kind == "gap":
                    raise AssertionError(f"unexpected gap for agent {res.gap.agent_id}")
        except grpc.RpcError as err:
            if err.code() != grpc.StatusCode.CANCELLED:
                self.error = err
        except AssertionError as err:
            self.error = err
        finally:
            self.ready.set()

    def wait_for(self, cursor, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end and not any(e.cursor == cursor for e in self.events):
            time.sleep(0.05)
        check(self.error is None, f"stream failed: {self.error}")
        check(any(e.cursor == cursor for e in self.events), f"stream never delivered {cursor}")

    def stop(self):
        self._call.cancel()
        self._thread.join(timeout=10)
        check(self.error is None, f"stream failed: {self.error}")


def sign_in(sessions, agent_id, initial_state=session_pb.INITIAL_STATE_UNSPECIFIED):
    res = sessions.SignIn(
        session_pb.SignInRequest(
            agent_id=agent_id,
            password=f"demo-{agent_id}",
            phone_number=f"7{agent_id}",
            initial_state=initial_state,
        ),
        timeout=DEADLINE,
    )
    check(res.session.session_state == session_pb.SESSION_STATE_ACTIVE, f"{agent_id} signed in ACTIVE")


def start_chat(agent_id):
    """Starts a chat on an agent through the simulator's control API."""
    req = urllib.request.Request(
        f"{SIMULATOR}/sim/v1/chats", data=json.dumps({"agentId": agent_id}).encode(), method="POST"
    )
    with urllib.request.urlopen(req, timeout=DEADLINE) as res:
        return json.load(res)["callId"]


def error_details(err):
    """The ErrorInfo and BadRequest of a failed call (grpc-status-details-bin)."""
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    status = rpc_status.from_call(err)
    for detail in status.details if status else []:
        if detail.Is(info.DESCRIPTOR):
            detail.Unpack(info)
        elif detail.Is(bad.DESCRIPTOR):
            detail.Unpack(bad)
    return info, bad


def main():
    with grpc.insecure_channel(BRIDGE) as channel:
        sessions = session_grpc.AgentSessionServiceStub(channel)
        calls = calls_grpc.CallControlServiceStub(channel)
        events = events_grpc.AgentEventServiceStub(channel)

        sign_in(sessions, "1001", session_pb.INITIAL_STATE_IDLE)
        sign_in(sessions, "1002")
        everything = Follower(events, events_pb.StreamEventsRequest())  # every agent
        check(everything.ready.wait(DEADLINE) and everything.error is None, "stream started")

        # An internal call to queue 1, answered by 1002; wait for the outcome.
        call = calls.CallInnerSkill(
            calls_pb.CallInnerSkillRequest(agent_id="1001", skill_id=1, await_outcome=True, request_id="py-call-1"),
            timeout=DEADLINE,
        )
        check(call.outcome == calls_pb.CALL_OUTCOME_CONNECTED, f"call outcome {calls_pb.CallOutcome.Name(call.outcome)}")
        print(f"call {call.call_id}: {call.outcome_event.event_type}")

        # The same request id with another payload is refused: read the details.
        try:
            calls.CallInnerSkill(
                calls_pb.CallInnerSkillRequest(agent_id="1001", skill_id=2, request_id="py-call-1"), timeout=DEADLINE
            )
            check(False, "a reused request id was accepted")
        except grpc.RpcError as err:
            info, bad = error_details(err)
            check(err.code() == grpc.StatusCode.INVALID_ARGUMENT, f"code {err.code()}")
            check(info.reason == "REQUEST_ID_REUSED" and info.domain == "ccgw-bridge", f"ErrorInfo {info}")
            check([v.field for v in bad.field_violations] == ["request_id"], f"BadRequest {bad}")
            print(f"refused as expected: {info.reason} on {bad.field_violations[0].field}")

        # A request that breaks the contract's rules: one field violation per broken rule.
        try:
            sessions.SignIn(session_pb.SignInRequest(agent_id="12", phone_number="71001"), timeout=DEADLINE)
            check(False, "an invalid sign-in was accepted")
        except grpc.RpcError as err:
            info, bad = error_details(err)
            fields = [v.field for v in bad.field_violations]
            check(err.code() == grpc.StatusCode.INVALID_ARGUMENT and info.reason == "INVALID_REQUEST", f"{err.code()} {info}")
            check("agent_id" in fields and "password" in fields, f"violations on {fields}")
            print(f"invalid sign-in refused: {info.reason} on {', '.join(fields)}")

        # A chat on 1003, moved to queue 2, where 1004 is idle.
        sign_in(sessions, "1003")
        sign_in(sessions, "1004")
        chat_id = start_chat("1003")
        transfer = calls.TransferSession(
            calls_pb.TransferSessionRequest(
                agent_id="1003",
                call_id=chat_id,
                skill_queue=calls_pb.SkillQueueTarget(skill_id=2),
                mode=calls_pb.TRANSFER_MODE_RELEASE_AFTER_TRANSFER,
                call_data="order=42",
                await_outcome=True,
            ),
            timeout=DEADLINE,
        )
        check(transfer.outcome == calls_pb.TRANSFER_OUTCOME_SUCCEEDED, f"transfer {transfer.outcome}")
        print(f"chat {chat_id} transferred: {transfer.outcome_event.event_type}")

        # Resume from the call's outcome event: exactly the events after it, in order.
        everything.wait_for(transfer.outcome_event.cursor)
        everything.stop()
        cursors = [e.cursor for e in everything.events]
        check(call.outcome_event.cursor in cursors, "the stream delivered the call's outcome event")
        want = cursors[cursors.index(call.outcome_event.cursor) + 1 :]
        resumed = Follower(events, events_pb.StreamEventsRequest(resume_after=call.outcome_event.cursor))
        resumed.wait_for(want[-1])
        resumed.stop()
        got = [e.cursor for e in resumed.events[: len(want)]]
        check(got == want, f"resumed events {len(got)} differ from the {len(want)} expected")
        print(f"resumed: {len(want)} events replayed after the cursor, none repeated")

        for agent_id in ("1001", "1002", "1003", "1004"):
            sessions.SignOut(session_pb.SignOutRequest(agent_id=agent_id, force=True), timeout=DEADLINE)
    print("python example: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, grpc.RpcError) as err:
        print(err, file=sys.stderr)
        sys.exit(1)

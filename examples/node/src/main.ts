// The README walk-through as a TypeScript gRPC client of ccgw-bridge: sign two
// agents in, follow every agent's events, call a skill queue and wait for the
// outcome, transfer a chat, read a failing call's error details, resume the
// event stream from a cursor, sign out. It exits non-zero on any mismatch.
//
// Run it against a bridge on the embedded simulator:
//   CCGW_BRIDGE_GRPC=127.0.0.1:9090 CCGW_SIM_URL=http://127.0.0.1:8043 npm start
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  AgentEventService,
  AgentSessionService,
  CallControlService,
  CallOutcome,
  ErrorInfoSchema,
  BadRequestSchema,
  InitialState,
  SessionState,
  TransferMode,
  TransferOutcome,
  type AgentEvent,
  type StreamEventsRequestSchema,
} from "@ccgw-bridge/client";
import type { MessageInitShape } from "@bufbuild/protobuf";

const bridge = process.env.CCGW_BRIDGE_GRPC ?? "127.0.0.1:9090";
const simulator = process.env.CCGW_SIM_URL ?? "http://127.0.0.1:8043";

// One HTTP/2 connection for all three services; every call gets a deadline.
const transport = createGrpcTransport({ baseUrl: `http://${bridge}`, defaultTimeoutMs: 20_000 });
const sessions = createClient(AgentSessionService, transport);
const calls = createClient(CallControlService, transport);
const events = createClient(AgentEventService, transport);

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`mismatch: ${what}`);
}

// Follows a stream in the background, keeping its agent events in order.
class Follower {
  readonly events: AgentEvent[] = [];
  private readonly abort = new AbortController();
  private snapshot!: () => void;
  // Resolves on the stream's first message, the snapshot: from then on the
  // stream sees every new event.
  readonly ready = new Promise<void>((resolve) => (this.snapshot = resolve));
  readonly done: Promise<void>;

  constructor(req: MessageInitShape<typeof StreamEventsRequestSchema>) {
    this.done = this.run(req);
    // A stream that fails before its snapshot must not leave `ready` pending.
    this.done.then(() => this.snapshot(), () => this.snapshot());
  }

  private async run(req: MessageInitShape<typeof StreamEventsRequestSchema>) {
    try {
      // Streams run until canceled: no deadline, an abort signal instead.
      for await (const res of events.streamEvents(req, { signal: this.abort.signal, timeoutMs: 0 })) {
        const m = res.message;
        if (m.case === "snapshot") this.snapshot();
        if (m.case === "event") this.events.push(m.value);
        if (m.case === "gap") throw new Error(`unexpected gap for agent ${m.value.agentId}`);
      }
    } catch (err) {
      if (ConnectError.from(err).code !== Code.Canceled) throw err;
    }
  }

  // Waits until an event with this cursor arrived.
  async waitFor(cursor: string): Promise<void> {
    for (let i = 0; i < 200 && !this.events.some((e) => e.cursor === cursor); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    check(this.events.some((e) => e.cursor === cursor), `stream never delivered the event ${cursor}`);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

async function signIn(agentId: string, initialState = InitialState.UNSPECIFIED) {
  const { session } = await sessions.signIn({
    agentId,
    password: `demo-${agentId}`,
    phoneNumber: `7${agentId}`,
    initialState,
  });
  check(session?.sessionState === SessionState.ACTIVE, `${agentId} signed in ACTIVE`);
}

async function main() {
  await signIn("1001", InitialState.IDLE);
  await signIn("1002");
  const all = new Follower({}); // every agent, from now on
  await all.ready;

  // An internal call to queue 1, answered by 1002; wait for the outcome.
  const call = await calls.callInnerSkill({ agentId: "1001", skillId: 1n, awaitOutcome: true, requestId: "node-call-1" });
  check(call.outcome === CallOutcome.CONNECTED, `call outcome ${CallOutcome[call.outcome]}`);
  check(call.callId !== "" && call.outcomeEvent !== undefined, "call id and outcome event");
  console.log(`call ${call.callId}: ${call.outcomeEvent.eventType}`);

  // The same request id with another payload is refused: read the details.
  try {
    await calls.callInnerSkill({ agentId: "1001", skillId: 2n, requestId: "node-call-1" });
    check(false, "a reused request id was accepted");
  } catch (err) {
    const e = ConnectError.from(err);
    const [info] = e.findDetails(ErrorInfoSchema);
    const [bad] = e.findDetails(BadRequestSchema);
    check(e.code === Code.InvalidArgument, `code ${Code[e.code]}`);
    check(info?.reason === "REQUEST_ID_REUSED" && info.domain === "ccgw-bridge", `ErrorInfo ${info?.reason}`);
    check(bad?.fieldViolations[0]?.field === "request_id", "field violation on request_id");
    console.log(`refused as expected: ${info.reason} on ${bad.fieldViolations[0].field}`);
  }

  // A request that breaks the contract's rules: one field violation per broken rule.
  try {
    await sessions.signIn({ agentId: "12", phoneNumber: "71001" });
    check(false, "an invalid sign-in was accepted");
  } catch (err) {
    const e = ConnectError.from(err);
    const [info] = e.findDetails(ErrorInfoSchema);
    const fields = e.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => v.field));
    check(e.code === Code.InvalidArgument && info?.reason === "INVALID_REQUEST", `${Code[e.code]} ${info?.reason}`);
    check(fields.includes("agent_id") && fields.includes("password"), `violations on ${fields.join(", ")}`);
    console.log(`invalid sign-in refused: ${info.reason} on ${fields.join(", ")}`);
  }

  // A chat on 1003, started through the simulator's control API, moved to queue 2 (1004).
  await signIn("1003");
  await signIn("1004");
  const chat = await fetch(`${simulator}/sim/v1/chats`, { method: "POST", body: JSON.stringify({ agentId: "1003" }) });
  check(chat.ok, `simulator chat: HTTP ${chat.status}`);
  const { callId } = (await chat.json()) as { callId: string };
  const transfer = await calls.transferSession({
    agentId: "1003",
    callId,
    target: { case: "skillQueue", value: { skillId: 2n } },
    mode: TransferMode.RELEASE_AFTER_TRANSFER,
    callData: "order=42",
    awaitOutcome: true,
  });
  check(transfer.outcome === TransferOutcome.SUCCEEDED, `transfer outcome ${TransferOutcome[transfer.outcome]}`);
  console.log(`chat ${callId} transferred: ${transfer.outcomeEvent?.eventType}`);

  // Resume from the call's outcome event: exactly the events after it, in order.
  await all.waitFor(transfer.outcomeEvent!.cursor);
  await all.stop();
  const from = all.events.findIndex((e) => e.cursor === call.outcomeEvent!.cursor);
  check(from >= 0, "the stream delivered the call's outcome event");
  const want = all.events.slice(from + 1).map((e) => e.cursor);
  const resumed = new Follower({ resumeAfter: call.outcomeEvent.cursor });
  await resumed.waitFor(want[want.length - 1]);
  await resumed.stop();
  const got = resumed.events.slice(0, want.length).map((e) => e.cursor);
  check(JSON.stringify(got) === JSON.stringify(want), `resumed ${got.length} events differ from the ${want.length} expected`);
  console.log(`resumed: ${want.length} events replayed after the cursor, none repeated`);

  for (const agentId of ["1001", "1002", "1003", "1004"]) {
    await sessions.signOut({ agentId, force: true });
  }
  console.log("node example: all checks passed");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// The bridge's REST API from TypeScript, typed by the OpenAPI document it serves: sign two
// agents in, follow the event stream, call a skill queue and wait for the outcome, transfer
// a chat started through the simulator, decode an error, resume the stream from a cursor,
// sign out. Exits non-zero at the first mismatch.
//
//   CCGW_REST_URL (default http://localhost:8080)  the bridge's HTTP address
//   CCGW_SIM_URL  (default http://localhost:8043)  the embedded simulator's control API
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Schemas = components["schemas"];
type StreamLine = Schemas["StreamEventsResponseLine"];
type AgentEvent = Schemas["AgentEvent"];
type Status = Schemas["Status"];

const restURL = process.env.CCGW_REST_URL ?? "http://localhost:8080";
const simURL = process.env.CCGW_SIM_URL ?? "http://localhost:8043";
const bridge = createClient<paths>({ baseUrl: restURL });

function check(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`mismatch: ${what}`);
}

async function signIn(agentId: string): Promise<void> {
  const { data, error } = await bridge.PUT("/v1/agents/{agentId}/session", {
    params: { path: { agentId } },
    body: { password: `demo-${agentId}`, phoneNumber: `7${agentId}`, initialState: "INITIAL_STATE_IDLE" },
  });
  check(!error, `sign in ${agentId}: ${JSON.stringify(error)}`);
  check(data.session?.sessionState === "SESSION_STATE_ACTIVE", `session of ${agentId} is active`);
}

/** An NDJSON stream of /v1/events: messages in arrival order, and a way to stop it. */
class EventStream {
  readonly events: AgentEvent[] = [];
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  private started!: () => void;
  /** Resolves with the first message (the snapshot): from then on nothing new is missed. */
  readonly ready = new Promise<void>((resolve) => (this.started = resolve));
  readonly done: Promise<void>;

  constructor(query: { resumeAfter?: string }) {
    this.done = this.read(query).catch((e: unknown) => {
      if (!this.abort.signal.aborted) throw e;
    });
  }

  private async read(query: { resumeAfter?: string }): Promise<void> {
    const { data, error } = await bridge.GET("/v1/events", {
      params: { query },
      parseAs: "stream",
      signal: this.abort.signal,
    });
    check(!error && data !== null, `stream: ${JSON.stringify(error)}`);
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of data as ReadableStream<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, nl)) as StreamLine;
        buffered = buffered.slice(nl + 1);
        check(line.error === undefined, `stream failed: ${JSON.stringify(line.error)}`);
        if (line.result?.event) this.events.push(line.result.event);
        this.started();
        this.waiters.forEach((wake) => wake());
        this.waiters = [];
      }
    }
  }

  /** Waits until an event matching `match` arrived, for at most 10 s. */
  async waitFor(what: string, match: (e: AgentEvent) => boolean): Promise<AgentEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      check(Date.now() < deadline, `no ${what} on the stream within 10 s`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 200);
      });
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

/** The first detail of the given type in an error's details. */
function detail<T extends Status["details"][number]["@type"]>(st: Status, type: T) {
  return st.details.find((d) => d["@type"] === type) as Extract<Status["details"][number], { "@type": T }> | undefined;
}

async function main(): Promise<void> {
  // 1. Two agents in, and everything they do on one stream.
  await signIn("1001");
  await signIn("1002");
  const stream = new EventStream({});
  await stream.ready; // a live stream starts after its snapshot: call only once it is there

  // 2. 1001 calls skill queue 1 (1002 is its idle agent) and waits for the outcome.
  const call = await bridge.POST("/v1/agents/{agentId}/voice:callInnerSkill", {
    params: { path: { agentId: "1001" } },
    body: { skillId: 1, awaitOutcome: true, requestId: `rest-ts-${Date.now()}` },
  });
  check(!call.error, `callInnerSkill: ${JSON.stringify(call.error)}`);
  check(call.data.outcome === "CALL_OUTCOME_CONNECTED", `call outcome ${call.data.outcome}`);
  const talking = await stream.waitFor("Talking of 1002", (e) => e.agentId === "1002" && e.eventType === "AgentEvent_Talking");
  check(talking.callId !== "", "the Talking event names the call");

  // 3. A chat on 1003, started through the simulator's control API, transferred to queue 2.
  await signIn("1003");
  await signIn("1004");
  const chat = await fetch(`${simURL}/sim/v1/chats`, { method: "POST", body: JSON.stringify({ agentId: "1003" }) });
  const { callId } = (await chat.json()) as { callId: string };
  check(chat.ok && callId !== "", `start chat: ${chat.status}`);
  const transfer = await bridge.POST("/v1/agents/{agentId}/media/{callId}:transfer", {
    params: { path: { agentId: "1003", callId } },
    body: { skillQueue: { skillId: 2 }, mode: "TRANSFER_MODE_RELEASE_AFTER_TRANSFER", callData: "order=42", awaitOutcome: true },
  });
  check(!transfer.error, `transfer: ${JSON.stringify(transfer.error)}`);
  check(transfer.data.outcome === "TRANSFER_OUTCOME_SUCCEEDED", `transfer outcome ${transfer.data.outcome}`);

  // 4. A failing call: the error is a google.rpc.Status with typed details.
  const bad = await bridge.GET("/v1/agents/{agentId}/session", { params: { path: { agentId: "100" } } });
  check(bad.response.status === 400 && bad.error !== undefined, `bad agent id answered ${bad.response.status}`);
  const violation = detail(bad.error, "type.googleapis.com/google.rpc.BadRequest")?.fieldViolations[0];
  const info = detail(bad.error, "type.googleapis.com/google.rpc.ErrorInfo");
  check(violation?.field === "agent_id", `field violation ${JSON.stringify(violation)}`);
  check(info?.domain === "ccgw-bridge" && info.reason !== "", `error info ${JSON.stringify(info)}`);

  // 5. Resume: a new stream from the cursor of the Talking event replays exactly what followed
  // it. Per agent the order is the same; across agents it may interleave differently.
  await stream.waitFor("the transfer result", (e) => e.eventType === "AgentEvent_SuccTransResult");
  await stream.close();
  const key = (e: AgentEvent) => `${e.agentId}/${e.sequence.padStart(20, "0")}`;
  const after = stream.events.slice(stream.events.indexOf(talking) + 1).map(key).sort();
  const last = after[after.length - 1];
  check(last !== undefined, "events followed the Talking event");
  const resumed = new EventStream({ resumeAfter: talking.cursor });
  await resumed.waitFor("the last event again", (e) => key(e) === last);
  await resumed.close();
  const replayed = resumed.events.slice(0, after.length).map(key).sort();
  check(JSON.stringify(replayed) === JSON.stringify(after),
    `resumed stream replays ${JSON.stringify(replayed)}, want the ${after.length} events after the cursor`);

  // 6. Everyone out.
  for (const agentId of ["1001", "1002", "1003", "1004"]) {
    const out = await bridge.DELETE("/v1/agents/{agentId}/session", { params: { path: { agentId }, query: { force: true } } });
    check(!out.error, `sign out ${agentId}: ${JSON.stringify(out.error)}`);
  }
  console.log(`rest-typescript: flow passed (${stream.events.length} events streamed, ${after.length} replayed after resuming)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

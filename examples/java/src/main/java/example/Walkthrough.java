package example;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.github.ccgwbridge.ccgw.v1.AgentEvent;
import io.github.ccgwbridge.ccgw.v1.AgentEventServiceGrpc;
import io.github.ccgwbridge.ccgw.v1.AgentSessionServiceGrpc;
import io.github.ccgwbridge.ccgw.v1.CallControlServiceGrpc;
import io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest;
import io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse;
import io.github.ccgwbridge.ccgw.v1.CallOutcome;
import io.github.ccgwbridge.ccgw.v1.InitialState;
import io.github.ccgwbridge.ccgw.v1.SessionState;
import io.github.ccgwbridge.ccgw.v1.SignInRequest;
import io.github.ccgwbridge.ccgw.v1.SignOutRequest;
import io.github.ccgwbridge.ccgw.v1.SkillQueueTarget;
import io.github.ccgwbridge.ccgw.v1.StreamEventsRequest;
import io.github.ccgwbridge.ccgw.v1.StreamEventsResponse;
import io.github.ccgwbridge.ccgw.v1.TransferMode;
import io.github.ccgwbridge.ccgw.v1.TransferOutcome;
import io.github.ccgwbridge.ccgw.v1.TransferSessionRequest;
import io.github.ccgwbridge.ccgw.v1.TransferSessionResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README walk-through as a Java gRPC client of ccgw-bridge: sign two agents in, follow every
 * agent's events, call a skill queue and wait for the outcome, transfer a chat, read a failing
 * call's error details, resume the event stream from a cursor, sign out. Exits non-zero on any
 * mismatch.
 */
public final class Walkthrough {
  private static final String BRIDGE = env("CCGW_BRIDGE_GRPC", "127.0.0.1:9090");
  private static final String SIMULATOR = env("CCGW_SIM_URL", "http://127.0.0.1:8043");
  private static final long DEADLINE_SECONDS = 20;

  private final AgentSessionServiceGrpc.AgentSessionServiceBlockingStub sessions;
  private final CallControlServiceGrpc.CallControlServiceBlockingStub calls;
  private final AgentEventServiceGrpc.AgentEventServiceStub events;

  private Walkthrough(ManagedChannel channel) {
    sessions = AgentSessionServiceGrpc.newBlockingStub(channel);
    calls = CallControlServiceGrpc.newBlockingStub(channel);
    events = AgentEventServiceGrpc.newStub(channel);
  }

  public static void main(String[] args) throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder(BRIDGE, InsecureChannelCredentials.create()).build();
    int exit = 0;
    try {
      new Walkthrough(channel).run();
      System.out.println("java example: all checks passed");
    } catch (AssertionError | StatusRuntimeException e) {
      System.err.println(e);
      exit = 1;
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  private void run() throws Exception {
    signIn("1001", InitialState.INITIAL_STATE_IDLE);
    signIn("1002", InitialState.INITIAL_STATE_UNSPECIFIED);
    Follower all = new Follower(StreamEventsRequest.getDefaultInstance()); // every agent
    all.awaitSnapshot();

    // An internal call to queue 1, answered by 1002; wait for the outcome.
    CallInnerSkillResponse call = calls.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .callInnerSkill(CallInnerSkillRequest.newBuilder()
            .setAgentId("1001").setSkillId(1).setAwaitOutcome(true).setRequestId("java-call-1").build());
    check(call.getOutcome() == CallOutcome.CALL_OUTCOME_CONNECTED, "call outcome " + call.getOutcome());
    System.out.println("call " + call.getCallId() + ": " + call.getOutcomeEvent().getEventType());

    // The same request id with another payload is refused: read the details.
    try {
      calls.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .callInnerSkill(CallInnerSkillRequest.newBuilder()
              .setAgentId("1001").setSkillId(2).setRequestId("java-call-1").build());
      check(false, "a reused request id was accepted");
    } catch (StatusRuntimeException e) {
      ErrorInfo info = detail(e, ErrorInfo.class);
      BadRequest bad = detail(e, BadRequest.class);
      check(e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT, "code " + e.getStatus().getCode());
      check(info.getReason().equals("REQUEST_ID_REUSED") && info.getDomain().equals("ccgw-bridge"),
          "ErrorInfo " + info);
      check(bad.getFieldViolationsCount() == 1 && bad.getFieldViolations(0).getField().equals("request_id"),
          "BadRequest " + bad);
      System.out.println("refused as expected: " + info.getReason() + " on " + bad.getFieldViolations(0).getField());
    }

    // A request that breaks the contract's rules: one field violation per broken rule.
    try {
      sessions.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .signIn(SignInRequest.newBuilder().setAgentId("12").setPhoneNumber("71001").build());
      check(false, "an invalid sign-in was accepted");
    } catch (StatusRuntimeException e) {
      ErrorInfo info = detail(e, ErrorInfo.class);
      List<String> fields = detail(e, BadRequest.class).getFieldViolationsList().stream()
          .map(BadRequest.FieldViolation::getField).toList();
      check(e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && info.getReason().equals("INVALID_REQUEST"),
          e.getStatus().getCode() + " " + info.getReason());
      check(fields.contains("agent_id") && fields.contains("password"), "violations on " + fields);
      System.out.println("invalid sign-in refused: " + info.getReason() + " on " + String.join(", ", fields));
    }

    // A chat on 1003, started through the simulator's control API, moved to queue 2 (1004).
    signIn("1003", InitialState.INITIAL_STATE_UNSPECIFIED);
    signIn("1004", InitialState.INITIAL_STATE_UNSPECIFIED);
    String chatId = startChat("1003");
    TransferSessionResponse transfer = calls.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .transferSession(TransferSessionRequest.newBuilder()
            .setAgentId("1003")
            .setCallId(chatId)
            .setSkillQueue(SkillQueueTarget.newBuilder().setSkillId(2))
            .setMode(TransferMode.TRANSFER_MODE_RELEASE_AFTER_TRANSFER)
            .setCallData("order=42")
            .setAwaitOutcome(true)
            .build());
    check(transfer.getOutcome() == TransferOutcome.TRANSFER_OUTCOME_SUCCEEDED, "transfer " + transfer.getOutcome());
    System.out.println("chat " + chatId + " transferred: " + transfer.getOutcomeEvent().getEventType());

    // Resume from the call's outcome event: exactly the events after it, in order.
    all.waitFor(transfer.getOutcomeEvent().getCursor());
    all.stop();
    List<String> cursors = all.cursors();
    int from = cursors.indexOf(call.getOutcomeEvent().getCursor());
    check(from >= 0, "the stream delivered the call's outcome event");
    List<String> want = cursors.subList(from + 1, cursors.size());
    Follower resumed = new Follower(
        StreamEventsRequest.newBuilder().setResumeAfter(call.getOutcomeEvent().getCursor()).build());
    resumed.waitFor(want.get(want.size() - 1));
    resumed.stop();
    List<String> got = resumed.cursors().subList(0, want.size());
    check(got.equals(want), "resumed events differ from the " + want.size() + " expected");
    System.out.println("resumed: " + want.size() + " events replayed after the cursor, none repeated");

    for (String agentId : List.of("1001", "1002", "1003", "1004")) {
      sessions.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .signOut(SignOutRequest.newBuilder().setAgentId(agentId).setForce(true).build());
    }
  }

  private void signIn(String agentId, InitialState initialState) {
    var res = sessions.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .signIn(SignInRequest.newBuilder()
            .setAgentId(agentId)
            .setPassword("demo-" + agentId)
            .setPhoneNumber("7" + agentId)
            .setInitialState(initialState)
            .build());
    check(res.getSession().getSessionState() == SessionState.SESSION_STATE_ACTIVE, agentId + " signed in ACTIVE");
  }

  /** Starts a chat on an agent through the simulator's control API and returns its call id. */
  private static String startChat(String agentId) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(DEADLINE_SECONDS)).build();
    HttpResponse<String> res = http.send(
        HttpRequest.newBuilder(URI.create(SIMULATOR + "/sim/v1/chats"))
            .timeout(Duration.ofSeconds(DEADLINE_SECONDS))
            .POST(HttpRequest.BodyPublishers.ofString("{\"agentId\":\"" + agentId + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"callId\"\\s*:\\s*\"([^\"]+)\"").matcher(res.body());
    check(res.statusCode() == 201 && m.find(), "simulator chat: HTTP " + res.statusCode() + " " + res.body());
    return m.group(1);
  }

  /** The detail of the given type in a failed call's google.rpc.Status (grpc-status-details-bin). */
  private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type)
      throws InvalidProtocolBufferException {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    check(status != null, "no status details in " + e);
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        return any.unpack(type);
      }
    }
    throw new AssertionError("mismatch: no " + type.getSimpleName() + " in " + status);
  }

  /** Follows a stream in the background, keeping its agent events in order. */
  private final class Follower implements ClientResponseObserver<StreamEventsRequest, StreamEventsResponse> {
    private final List<AgentEvent> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch snapshot = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile ClientCallStreamObserver<StreamEventsRequest> call;
    private volatile Throwable error;

    Follower(StreamEventsRequest request) {
      events.streamEvents(request, this); // no deadline: runs until cancelled
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamEventsRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(StreamEventsResponse res) {
      switch (res.getMessageCase()) {
        case SNAPSHOT -> snapshot.countDown();
        case EVENT -> received.add(res.getEvent());
        case GAP -> error = new AssertionError("mismatch: unexpected gap for agent " + res.getGap().getAgentId());
        default -> { } // heartbeats, and kinds newer than this client
      }
    }

    @Override
    public void onError(Throwable t) {
      if (Status.fromThrowable(t).getCode() != Status.Code.CANCELLED) {
        error = t;
      }
      snapshot.countDown();
      done.countDown();
    }

    @Override
    public void onCompleted() {
      snapshot.countDown();
      done.countDown();
    }

    void awaitSnapshot() throws InterruptedException {
      check(snapshot.await(DEADLINE_SECONDS, TimeUnit.SECONDS) && error == null, "stream started: " + error);
    }

    void waitFor(String cursor) throws InterruptedException {
      for (int i = 0; i < 200 && error == null && !cursors().contains(cursor); i++) {
        Thread.sleep(50);
      }
      check(error == null, "stream failed: " + error);
      check(cursors().contains(cursor), "stream never delivered " + cursor);
    }

    void stop() throws InterruptedException {
      call.cancel("done following", null);
      check(done.await(DEADLINE_SECONDS, TimeUnit.SECONDS), "stream ended after cancel");
      check(error == null, "stream failed: " + error);
    }

    List<String> cursors() {
      return received.stream().map(AgentEvent::getCursor).toList();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("mismatch: " + what);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value != null ? value : fallback;
  }
}

package io.github.ccgwbridge.ccgw.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * CallControlService sends call-control commands on behalf of a signed-in
 * agent.
 * The CC-Gateway accepts a command at once and reports how it ended later,
 * as an event. Each command here can optionally wait for that event and
 * return it (`await_outcome`), and can carry a client `request_id` so that
 * retrying after a timeout or a dropped connection never places a second
 * call or transfer. The bridge never retries a command on its own.
 * Commands for an agent without an ACTIVE session fail with
 * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
 * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
 * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
 * answered that the agent is not signed in (metadata `retcode`).
 * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
 * command may be sent again. UNKNOWN (the gateway failed during the
 * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
 * mean it may have acted: send again only with the same `request_id`, or
 * after checking the agent's events. The README's "Errors" section has the
 * whole table.
 * Pass-through: for an agent whose session another system holds, a command
 * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
 * the X-Ccgw-Guid header); the bridge sends the command with it and holds
 * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
 * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
 * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
 * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
 * the one that works. A header that is present but not exactly one GUID of
 * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
 * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class CallControlServiceGrpc {

  private CallControlServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ccgw.v1.CallControlService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest,
      io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> getCallInnerSkillMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CallInnerSkill",
      requestType = io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest,
      io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> getCallInnerSkillMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest, io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> getCallInnerSkillMethod;
    if ((getCallInnerSkillMethod = CallControlServiceGrpc.getCallInnerSkillMethod) == null) {
      synchronized (CallControlServiceGrpc.class) {
        if ((getCallInnerSkillMethod = CallControlServiceGrpc.getCallInnerSkillMethod) == null) {
          CallControlServiceGrpc.getCallInnerSkillMethod = getCallInnerSkillMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest, io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CallInnerSkill"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CallControlServiceMethodDescriptorSupplier("CallInnerSkill"))
              .build();
        }
      }
    }
    return getCallInnerSkillMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.TransferSessionRequest,
      io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> getTransferSessionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "TransferSession",
      requestType = io.github.ccgwbridge.ccgw.v1.TransferSessionRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.TransferSessionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.TransferSessionRequest,
      io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> getTransferSessionMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.TransferSessionRequest, io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> getTransferSessionMethod;
    if ((getTransferSessionMethod = CallControlServiceGrpc.getTransferSessionMethod) == null) {
      synchronized (CallControlServiceGrpc.class) {
        if ((getTransferSessionMethod = CallControlServiceGrpc.getTransferSessionMethod) == null) {
          CallControlServiceGrpc.getTransferSessionMethod = getTransferSessionMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.TransferSessionRequest, io.github.ccgwbridge.ccgw.v1.TransferSessionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "TransferSession"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.TransferSessionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.TransferSessionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new CallControlServiceMethodDescriptorSupplier("TransferSession"))
              .build();
        }
      }
    }
    return getTransferSessionMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static CallControlServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CallControlServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CallControlServiceStub>() {
        @java.lang.Override
        public CallControlServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CallControlServiceStub(channel, callOptions);
        }
      };
    return CallControlServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static CallControlServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CallControlServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CallControlServiceBlockingV2Stub>() {
        @java.lang.Override
        public CallControlServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CallControlServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return CallControlServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static CallControlServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CallControlServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CallControlServiceBlockingStub>() {
        @java.lang.Override
        public CallControlServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CallControlServiceBlockingStub(channel, callOptions);
        }
      };
    return CallControlServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static CallControlServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<CallControlServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<CallControlServiceFutureStub>() {
        @java.lang.Override
        public CallControlServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new CallControlServiceFutureStub(channel, callOptions);
        }
      };
    return CallControlServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Places an internal voice call from the agent to a skill queue (the
     * gateway's callinnerskill), typically to consult a colleague there. The
     * agent must have no call being answered (a held call is fine) and the
     * queue needs an idle agent.
     * </pre>
     */
    default void callInnerSkill(io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCallInnerSkillMethod(), responseObserver);
    }

    /**
     * <pre>
     * Transfers a multimedia (chat) session of the agent to a skill queue,
     * another agent or a system access code (the gateway's mediacall
     * transfer). A gateway refusal (retcode 106-xxx) gives FAILED_PRECONDITION
     * with ErrorInfo reason CCGW_TRANSFER_REJECTED and the retcode in metadata.
     * </pre>
     */
    default void transferSession(io.github.ccgwbridge.ccgw.v1.TransferSessionRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getTransferSessionMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service CallControlService.
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public static abstract class CallControlServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return CallControlServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service CallControlService.
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public static final class CallControlServiceStub
      extends io.grpc.stub.AbstractAsyncStub<CallControlServiceStub> {
    private CallControlServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CallControlServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CallControlServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Places an internal voice call from the agent to a skill queue (the
     * gateway's callinnerskill), typically to consult a colleague there. The
     * agent must have no call being answered (a held call is fine) and the
     * queue needs an idle agent.
     * </pre>
     */
    public void callInnerSkill(io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCallInnerSkillMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Transfers a multimedia (chat) session of the agent to a skill queue,
     * another agent or a system access code (the gateway's mediacall
     * transfer). A gateway refusal (retcode 106-xxx) gives FAILED_PRECONDITION
     * with ErrorInfo reason CCGW_TRANSFER_REJECTED and the retcode in metadata.
     * </pre>
     */
    public void transferSession(io.github.ccgwbridge.ccgw.v1.TransferSessionRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getTransferSessionMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service CallControlService.
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public static final class CallControlServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<CallControlServiceBlockingV2Stub> {
    private CallControlServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CallControlServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CallControlServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Places an internal voice call from the agent to a skill queue (the
     * gateway's callinnerskill), typically to consult a colleague there. The
     * agent must have no call being answered (a held call is fine) and the
     * queue needs an idle agent.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse callInnerSkill(io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCallInnerSkillMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Transfers a multimedia (chat) session of the agent to a skill queue,
     * another agent or a system access code (the gateway's mediacall
     * transfer). A gateway refusal (retcode 106-xxx) gives FAILED_PRECONDITION
     * with ErrorInfo reason CCGW_TRANSFER_REJECTED and the retcode in metadata.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.TransferSessionResponse transferSession(io.github.ccgwbridge.ccgw.v1.TransferSessionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getTransferSessionMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service CallControlService.
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public static final class CallControlServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<CallControlServiceBlockingStub> {
    private CallControlServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CallControlServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CallControlServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Places an internal voice call from the agent to a skill queue (the
     * gateway's callinnerskill), typically to consult a colleague there. The
     * agent must have no call being answered (a held call is fine) and the
     * queue needs an idle agent.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse callInnerSkill(io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCallInnerSkillMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Transfers a multimedia (chat) session of the agent to a skill queue,
     * another agent or a system access code (the gateway's mediacall
     * transfer). A gateway refusal (retcode 106-xxx) gives FAILED_PRECONDITION
     * with ErrorInfo reason CCGW_TRANSFER_REJECTED and the retcode in metadata.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.TransferSessionResponse transferSession(io.github.ccgwbridge.ccgw.v1.TransferSessionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getTransferSessionMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service CallControlService.
   * <pre>
   * CallControlService sends call-control commands on behalf of a signed-in
   * agent.
   * The CC-Gateway accepts a command at once and reports how it ended later,
   * as an event. Each command here can optionally wait for that event and
   * return it (`await_outcome`), and can carry a client `request_id` so that
   * retrying after a timeout or a dropped connection never places a second
   * call or transfer. The bridge never retries a command on its own.
   * Commands for an agent without an ACTIVE session fail with
   * FAILED_PRECONDITION (ErrorInfo reason CCGW_AGENT_NOT_SIGNED_IN): the bridge
   * holds no session for the agent, or holds a LOST one (ErrorInfo metadata
   * `session_state` SESSION_STATE_LOST and `lost_reason`), or the gateway
   * answered that the agent is not signed in (metadata `retcode`).
   * Retrying: UNAVAILABLE and ABORTED mean the gateway did not act, so the
   * command may be sent again. UNKNOWN (the gateway failed during the
   * operation, retcode 100-007, or its answer was lost) and DEADLINE_EXCEEDED
   * mean it may have acted: send again only with the same `request_id`, or
   * after checking the agent's events. The README's "Errors" section has the
   * whole table.
   * Pass-through: for an agent whose session another system holds, a command
   * may carry that session's GUID in the `x-ccgw-guid` metadata (over REST,
   * the X-Ccgw-Guid header); the bridge sends the command with it and holds
   * nothing, so such a command cannot await its outcome (INVALID_ARGUMENT,
   * reason AWAIT_NEEDS_SESSION). For an agent the bridge holds a session for
   * (ACTIVE or LOST) pass-through is refused with FAILED_PRECONDITION (reason
   * PASS_THROUGH_FOR_HELD_AGENT) and nothing is sent: the bridge's own GUID is
   * the one that works. A header that is present but not exactly one GUID of
   * 1 to 256 printable ASCII characters without spaces is INVALID_ARGUMENT
   * (reason INVALID_REQUEST, field violation `x-ccgw-guid`), never ignored.
   * </pre>
   */
  public static final class CallControlServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<CallControlServiceFutureStub> {
    private CallControlServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected CallControlServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new CallControlServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Places an internal voice call from the agent to a skill queue (the
     * gateway's callinnerskill), typically to consult a colleague there. The
     * agent must have no call being answered (a held call is fine) and the
     * queue needs an idle agent.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse> callInnerSkill(
        io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCallInnerSkillMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Transfers a multimedia (chat) session of the agent to a skill queue,
     * another agent or a system access code (the gateway's mediacall
     * transfer). A gateway refusal (retcode 106-xxx) gives FAILED_PRECONDITION
     * with ErrorInfo reason CCGW_TRANSFER_REJECTED and the retcode in metadata.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.TransferSessionResponse> transferSession(
        io.github.ccgwbridge.ccgw.v1.TransferSessionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getTransferSessionMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CALL_INNER_SKILL = 0;
  private static final int METHODID_TRANSFER_SESSION = 1;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CALL_INNER_SKILL:
          serviceImpl.callInnerSkill((io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse>) responseObserver);
          break;
        case METHODID_TRANSFER_SESSION:
          serviceImpl.transferSession((io.github.ccgwbridge.ccgw.v1.TransferSessionRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.TransferSessionResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCallInnerSkillMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.CallInnerSkillRequest,
              io.github.ccgwbridge.ccgw.v1.CallInnerSkillResponse>(
                service, METHODID_CALL_INNER_SKILL)))
        .addMethod(
          getTransferSessionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.TransferSessionRequest,
              io.github.ccgwbridge.ccgw.v1.TransferSessionResponse>(
                service, METHODID_TRANSFER_SESSION)))
        .build();
  }

  private static abstract class CallControlServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    CallControlServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ccgwbridge.ccgw.v1.CallControl.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("CallControlService");
    }
  }

  private static final class CallControlServiceFileDescriptorSupplier
      extends CallControlServiceBaseDescriptorSupplier {
    CallControlServiceFileDescriptorSupplier() {}
  }

  private static final class CallControlServiceMethodDescriptorSupplier
      extends CallControlServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    CallControlServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (CallControlServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new CallControlServiceFileDescriptorSupplier())
              .addMethod(getCallInnerSkillMethod())
              .addMethod(getTransferSessionMethod())
              .build();
        }
      }
    }
    return result;
  }
}

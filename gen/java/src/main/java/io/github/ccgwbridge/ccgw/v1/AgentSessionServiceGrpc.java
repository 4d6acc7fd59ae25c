package io.github.ccgwbridge.ccgw.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AgentSessionService signs CC-Gateway agents in and out and reports the
 * sessions the bridge holds.
 * While a session is ACTIVE the bridge does the work the raw gateway leaves
 * to each client: it keeps the agent's GUID (and renews it when the gateway
 * rotates it), polls the agent's events (the poll is also the heartbeat
 * without which the gateway signs the agent out after two minutes) and
 * notices when the gateway drops the agent. Clients never see a GUID.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AgentSessionServiceGrpc {

  private AgentSessionServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ccgw.v1.AgentSessionService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignInRequest,
      io.github.ccgwbridge.ccgw.v1.SignInResponse> getSignInMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SignIn",
      requestType = io.github.ccgwbridge.ccgw.v1.SignInRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.SignInResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignInRequest,
      io.github.ccgwbridge.ccgw.v1.SignInResponse> getSignInMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignInRequest, io.github.ccgwbridge.ccgw.v1.SignInResponse> getSignInMethod;
    if ((getSignInMethod = AgentSessionServiceGrpc.getSignInMethod) == null) {
      synchronized (AgentSessionServiceGrpc.class) {
        if ((getSignInMethod = AgentSessionServiceGrpc.getSignInMethod) == null) {
          AgentSessionServiceGrpc.getSignInMethod = getSignInMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.SignInRequest, io.github.ccgwbridge.ccgw.v1.SignInResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SignIn"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.SignInRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.SignInResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AgentSessionServiceMethodDescriptorSupplier("SignIn"))
              .build();
        }
      }
    }
    return getSignInMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignOutRequest,
      io.github.ccgwbridge.ccgw.v1.SignOutResponse> getSignOutMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "SignOut",
      requestType = io.github.ccgwbridge.ccgw.v1.SignOutRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.SignOutResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignOutRequest,
      io.github.ccgwbridge.ccgw.v1.SignOutResponse> getSignOutMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.SignOutRequest, io.github.ccgwbridge.ccgw.v1.SignOutResponse> getSignOutMethod;
    if ((getSignOutMethod = AgentSessionServiceGrpc.getSignOutMethod) == null) {
      synchronized (AgentSessionServiceGrpc.class) {
        if ((getSignOutMethod = AgentSessionServiceGrpc.getSignOutMethod) == null) {
          AgentSessionServiceGrpc.getSignOutMethod = getSignOutMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.SignOutRequest, io.github.ccgwbridge.ccgw.v1.SignOutResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "SignOut"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.SignOutRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.SignOutResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AgentSessionServiceMethodDescriptorSupplier("SignOut"))
              .build();
        }
      }
    }
    return getSignOutMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.GetSessionRequest,
      io.github.ccgwbridge.ccgw.v1.GetSessionResponse> getGetSessionMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetSession",
      requestType = io.github.ccgwbridge.ccgw.v1.GetSessionRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.GetSessionResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.GetSessionRequest,
      io.github.ccgwbridge.ccgw.v1.GetSessionResponse> getGetSessionMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.GetSessionRequest, io.github.ccgwbridge.ccgw.v1.GetSessionResponse> getGetSessionMethod;
    if ((getGetSessionMethod = AgentSessionServiceGrpc.getGetSessionMethod) == null) {
      synchronized (AgentSessionServiceGrpc.class) {
        if ((getGetSessionMethod = AgentSessionServiceGrpc.getGetSessionMethod) == null) {
          AgentSessionServiceGrpc.getGetSessionMethod = getGetSessionMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.GetSessionRequest, io.github.ccgwbridge.ccgw.v1.GetSessionResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetSession"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.GetSessionRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.GetSessionResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AgentSessionServiceMethodDescriptorSupplier("GetSession"))
              .build();
        }
      }
    }
    return getGetSessionMethod;
  }

  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.ListSessionsRequest,
      io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> getListSessionsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListSessions",
      requestType = io.github.ccgwbridge.ccgw.v1.ListSessionsRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.ListSessionsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.ListSessionsRequest,
      io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> getListSessionsMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.ListSessionsRequest, io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> getListSessionsMethod;
    if ((getListSessionsMethod = AgentSessionServiceGrpc.getListSessionsMethod) == null) {
      synchronized (AgentSessionServiceGrpc.class) {
        if ((getListSessionsMethod = AgentSessionServiceGrpc.getListSessionsMethod) == null) {
          AgentSessionServiceGrpc.getListSessionsMethod = getListSessionsMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.ListSessionsRequest, io.github.ccgwbridge.ccgw.v1.ListSessionsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListSessions"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.ListSessionsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.ListSessionsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AgentSessionServiceMethodDescriptorSupplier("ListSessions"))
              .build();
        }
      }
    }
    return getListSessionsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AgentSessionServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceStub>() {
        @java.lang.Override
        public AgentSessionServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentSessionServiceStub(channel, callOptions);
        }
      };
    return AgentSessionServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AgentSessionServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceBlockingV2Stub>() {
        @java.lang.Override
        public AgentSessionServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentSessionServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AgentSessionServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AgentSessionServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceBlockingStub>() {
        @java.lang.Override
        public AgentSessionServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentSessionServiceBlockingStub(channel, callOptions);
        }
      };
    return AgentSessionServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AgentSessionServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentSessionServiceFutureStub>() {
        @java.lang.Override
        public AgentSessionServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentSessionServiceFutureStub(channel, callOptions);
        }
      };
    return AgentSessionServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Signs the agent in to the CC-Gateway and returns the new session.
     * The bridge calls the gateway's sign-in (or, with `force`, forced
     * sign-in), then joins the requested skill queues (the gateway's
     * resetskill), then starts polling, and streams get a SessionChange
     * (SIGNED_IN or FORCED_SIGN_IN). The new session starts empty: agent_state
     * is UNSPECIFIED and active_call_ids is empty until the gateway's events of
     * this session say otherwise, and last_event_cursor is the cursor of the
     * session's SessionChange, so a stream resumed from it sees everything of
     * the new session and nothing of an earlier one.
     * When the agent is already signed in:
     * - Held ACTIVE by this bridge, without `force`: a request equal to the
     *   one that started the session (same password, phone_number,
     *   initial_state, skill_ids, auto_answer, auto_enter_idle and
     *   release_phone) returns the held session as it is now, without calling
     *   the gateway, so a retried SignIn is safe. Any other request fails with
     *   ALREADY_EXISTS (ErrorInfo reason CCGW_ALREADY_SIGNED_IN) and the held
     *   session is kept. A session this bridge resumed after a restart
     *   remembers no request, so every SignIn without `force` gets
     *   ALREADY_EXISTS.
     * - Held ACTIVE by this bridge, with `force`: the bridge calls the
     *   gateway's forced sign-in, which ends the held session; the new session
     *   replaces it (SessionChange FORCED_SIGN_IN).
     * - Signed in elsewhere: ALREADY_EXISTS (reason CCGW_ALREADY_SIGNED_IN)
     *   unless `force` is true, which takes the agent over with the gateway's
     *   forced sign-in.
     * - Held LOST by this bridge: the new session replaces it.
     * Rejected credentials (wrong or expired password, locked account) give
     * FAILED_PRECONDITION (reason CCGW_CREDENTIALS_REJECTED): they are the
     * agent's, not the caller's, so PERMISSION_DENIED stays reserved for the
     * bridge's own access control.
     * </pre>
     */
    default void signIn(io.github.ccgwbridge.ccgw.v1.SignInRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignInResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSignInMethod(), responseObserver);
    }

    /**
     * <pre>
     * Signs the agent out of the CC-Gateway and forgets its session.
     * A normal sign-out is refused by the gateway while the agent is in a call
     * or answering one; `force` signs out anyway and releases the call.
     * Signing out an agent whose session is LOST only forgets the session.
     * Streams get a SessionChange (SIGNED_OUT).
     * NOT_FOUND (reason SESSION_NOT_FOUND) when the bridge holds no session
     * for the agent.
     * </pre>
     */
    default void signOut(io.github.ccgwbridge.ccgw.v1.SignOutRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignOutResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getSignOutMethod(), responseObserver);
    }

    /**
     * <pre>
     * Returns the session the bridge holds for one agent, ACTIVE or LOST.
     * NOT_FOUND (reason SESSION_NOT_FOUND) when there is none (never signed in
     * through the bridge, or
     * signed out since). Answered from the bridge's own state; the gateway is
     * not called.
     * </pre>
     */
    default void getSession(io.github.ccgwbridge.ccgw.v1.GetSessionRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.GetSessionResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetSessionMethod(), responseObserver);
    }

    /**
     * <pre>
     * Lists the sessions the bridge holds, ordered by agent id (as a number,
     * ascending), one page at a time.
     * </pre>
     */
    default void listSessions(io.github.ccgwbridge.ccgw.v1.ListSessionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListSessionsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AgentSessionService.
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public static abstract class AgentSessionServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AgentSessionServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AgentSessionService.
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public static final class AgentSessionServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AgentSessionServiceStub> {
    private AgentSessionServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentSessionServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentSessionServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Signs the agent in to the CC-Gateway and returns the new session.
     * The bridge calls the gateway's sign-in (or, with `force`, forced
     * sign-in), then joins the requested skill queues (the gateway's
     * resetskill), then starts polling, and streams get a SessionChange
     * (SIGNED_IN or FORCED_SIGN_IN). The new session starts empty: agent_state
     * is UNSPECIFIED and active_call_ids is empty until the gateway's events of
     * this session say otherwise, and last_event_cursor is the cursor of the
     * session's SessionChange, so a stream resumed from it sees everything of
     * the new session and nothing of an earlier one.
     * When the agent is already signed in:
     * - Held ACTIVE by this bridge, without `force`: a request equal to the
     *   one that started the session (same password, phone_number,
     *   initial_state, skill_ids, auto_answer, auto_enter_idle and
     *   release_phone) returns the held session as it is now, without calling
     *   the gateway, so a retried SignIn is safe. Any other request fails with
     *   ALREADY_EXISTS (ErrorInfo reason CCGW_ALREADY_SIGNED_IN) and the held
     *   session is kept. A session this bridge resumed after a restart
     *   remembers no request, so every SignIn without `force` gets
     *   ALREADY_EXISTS.
     * - Held ACTIVE by this bridge, with `force`: the bridge calls the
     *   gateway's forced sign-in, which ends the held session; the new session
     *   replaces it (SessionChange FORCED_SIGN_IN).
     * - Signed in elsewhere: ALREADY_EXISTS (reason CCGW_ALREADY_SIGNED_IN)
     *   unless `force` is true, which takes the agent over with the gateway's
     *   forced sign-in.
     * - Held LOST by this bridge: the new session replaces it.
     * Rejected credentials (wrong or expired password, locked account) give
     * FAILED_PRECONDITION (reason CCGW_CREDENTIALS_REJECTED): they are the
     * agent's, not the caller's, so PERMISSION_DENIED stays reserved for the
     * bridge's own access control.
     * </pre>
     */
    public void signIn(io.github.ccgwbridge.ccgw.v1.SignInRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignInResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSignInMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Signs the agent out of the CC-Gateway and forgets its session.
     * A normal sign-out is refused by the gateway while the agent is in a call
     * or answering one; `force` signs out anyway and releases the call.
     * Signing out an agent whose session is LOST only forgets the session.
     * Streams get a SessionChange (SIGNED_OUT).
     * NOT_FOUND (reason SESSION_NOT_FOUND) when the bridge holds no session
     * for the agent.
     * </pre>
     */
    public void signOut(io.github.ccgwbridge.ccgw.v1.SignOutRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignOutResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getSignOutMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Returns the session the bridge holds for one agent, ACTIVE or LOST.
     * NOT_FOUND (reason SESSION_NOT_FOUND) when there is none (never signed in
     * through the bridge, or
     * signed out since). Answered from the bridge's own state; the gateway is
     * not called.
     * </pre>
     */
    public void getSession(io.github.ccgwbridge.ccgw.v1.GetSessionRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.GetSessionResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetSessionMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Lists the sessions the bridge holds, ordered by agent id (as a number,
     * ascending), one page at a time.
     * </pre>
     */
    public void listSessions(io.github.ccgwbridge.ccgw.v1.ListSessionsRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getListSessionsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AgentSessionService.
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public static final class AgentSessionServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AgentSessionServiceBlockingV2Stub> {
    private AgentSessionServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentSessionServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentSessionServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Signs the agent in to the CC-Gateway and returns the new session.
     * The bridge calls the gateway's sign-in (or, with `force`, forced
     * sign-in), then joins the requested skill queues (the gateway's
     * resetskill), then starts polling, and streams get a SessionChange
     * (SIGNED_IN or FORCED_SIGN_IN). The new session starts empty: agent_state
     * is UNSPECIFIED and active_call_ids is empty until the gateway's events of
     * this session say otherwise, and last_event_cursor is the cursor of the
     * session's SessionChange, so a stream resumed from it sees everything of
     * the new session and nothing of an earlier one.
     * When the agent is already signed in:
     * - Held ACTIVE by this bridge, without `force`: a request equal to the
     *   one that started the session (same password, phone_number,
     *   initial_state, skill_ids, auto_answer, auto_enter_idle and
     *   release_phone) returns the held session as it is now, without calling
     *   the gateway, so a retried SignIn is safe. Any other request fails with
     *   ALREADY_EXISTS (ErrorInfo reason CCGW_ALREADY_SIGNED_IN) and the held
     *   session is kept. A session this bridge resumed after a restart
     *   remembers no request, so every SignIn without `force` gets
     *   ALREADY_EXISTS.
     * - Held ACTIVE by this bridge, with `force`: the bridge calls the
     *   gateway's forced sign-in, which ends the held session; the new session
     *   replaces it (SessionChange FORCED_SIGN_IN).
     * - Signed in elsewhere: ALREADY_EXISTS (reason CCGW_ALREADY_SIGNED_IN)
     *   unless `force` is true, which takes the agent over with the gateway's
     *   forced sign-in.
     * - Held LOST by this bridge: the new session replaces it.
     * Rejected credentials (wrong or expired password, locked account) give
     * FAILED_PRECONDITION (reason CCGW_CREDENTIALS_REJECTED): they are the
     * agent's, not the caller's, so PERMISSION_DENIED stays reserved for the
     * bridge's own access control.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.SignInResponse signIn(io.github.ccgwbridge.ccgw.v1.SignInRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSignInMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Signs the agent out of the CC-Gateway and forgets its session.
     * A normal sign-out is refused by the gateway while the agent is in a call
     * or answering one; `force` signs out anyway and releases the call.
     * Signing out an agent whose session is LOST only forgets the session.
     * Streams get a SessionChange (SIGNED_OUT).
     * NOT_FOUND (reason SESSION_NOT_FOUND) when the bridge holds no session
     * for the agent.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.SignOutResponse signOut(io.github.ccgwbridge.ccgw.v1.SignOutRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getSignOutMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the session the bridge holds for one agent, ACTIVE or LOST.
     * NOT_FOUND (reason SESSION_NOT_FOUND) when there is none (never signed in
     * through the bridge, or
     * signed out since). Answered from the bridge's own state; the gateway is
     * not called.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.GetSessionResponse getSession(io.github.ccgwbridge.ccgw.v1.GetSessionRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the sessions the bridge holds, ordered by agent id (as a number,
     * ascending), one page at a time.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.ListSessionsResponse listSessions(io.github.ccgwbridge.ccgw.v1.ListSessionsRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getListSessionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AgentSessionService.
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public static final class AgentSessionServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AgentSessionServiceBlockingStub> {
    private AgentSessionServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentSessionServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentSessionServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Signs the agent in to the CC-Gateway and returns the new session.
     * The bridge calls the gateway's sign-in (or, with `force`, forced
     * sign-in), then joins the requested skill queues (the gateway's
     * resetskill), then starts polling, and streams get a SessionChange
     * (SIGNED_IN or FORCED_SIGN_IN). The new session starts empty: agent_state
     * is UNSPECIFIED and active_call_ids is empty until the gateway's events of
     * this session say otherwise, and last_event_cursor is the cursor of the
     * session's SessionChange, so a stream resumed from it sees everything of
     * the new session and nothing of an earlier one.
     * When the agent is already signed in:
     * - Held ACTIVE by this bridge, without `force`: a request equal to the
     *   one that started the session (same password, phone_number,
     *   initial_state, skill_ids, auto_answer, auto_enter_idle and
     *   release_phone) returns the held session as it is now, without calling
     *   the gateway, so a retried SignIn is safe. Any other request fails with
     *   ALREADY_EXISTS (ErrorInfo reason CCGW_ALREADY_SIGNED_IN) and the held
     *   session is kept. A session this bridge resumed after a restart
     *   remembers no request, so every SignIn without `force` gets
     *   ALREADY_EXISTS.
     * - Held ACTIVE by this bridge, with `force`: the bridge calls the
     *   gateway's forced sign-in, which ends the held session; the new session
     *   replaces it (SessionChange FORCED_SIGN_IN).
     * - Signed in elsewhere: ALREADY_EXISTS (reason CCGW_ALREADY_SIGNED_IN)
     *   unless `force` is true, which takes the agent over with the gateway's
     *   forced sign-in.
     * - Held LOST by this bridge: the new session replaces it.
     * Rejected credentials (wrong or expired password, locked account) give
     * FAILED_PRECONDITION (reason CCGW_CREDENTIALS_REJECTED): they are the
     * agent's, not the caller's, so PERMISSION_DENIED stays reserved for the
     * bridge's own access control.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.SignInResponse signIn(io.github.ccgwbridge.ccgw.v1.SignInRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSignInMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Signs the agent out of the CC-Gateway and forgets its session.
     * A normal sign-out is refused by the gateway while the agent is in a call
     * or answering one; `force` signs out anyway and releases the call.
     * Signing out an agent whose session is LOST only forgets the session.
     * Streams get a SessionChange (SIGNED_OUT).
     * NOT_FOUND (reason SESSION_NOT_FOUND) when the bridge holds no session
     * for the agent.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.SignOutResponse signOut(io.github.ccgwbridge.ccgw.v1.SignOutRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getSignOutMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Returns the session the bridge holds for one agent, ACTIVE or LOST.
     * NOT_FOUND (reason SESSION_NOT_FOUND) when there is none (never signed in
     * through the bridge, or
     * signed out since). Answered from the bridge's own state; the gateway is
     * not called.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.GetSessionResponse getSession(io.github.ccgwbridge.ccgw.v1.GetSessionRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetSessionMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Lists the sessions the bridge holds, ordered by agent id (as a number,
     * ascending), one page at a time.
     * </pre>
     */
    public io.github.ccgwbridge.ccgw.v1.ListSessionsResponse listSessions(io.github.ccgwbridge.ccgw.v1.ListSessionsRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getListSessionsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AgentSessionService.
   * <pre>
   * AgentSessionService signs CC-Gateway agents in and out and reports the
   * sessions the bridge holds.
   * While a session is ACTIVE the bridge does the work the raw gateway leaves
   * to each client: it keeps the agent's GUID (and renews it when the gateway
   * rotates it), polls the agent's events (the poll is also the heartbeat
   * without which the gateway signs the agent out after two minutes) and
   * notices when the gateway drops the agent. Clients never see a GUID.
   * </pre>
   */
  public static final class AgentSessionServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AgentSessionServiceFutureStub> {
    private AgentSessionServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentSessionServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentSessionServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Signs the agent in to the CC-Gateway and returns the new session.
     * The bridge calls the gateway's sign-in (or, with `force`, forced
     * sign-in), then joins the requested skill queues (the gateway's
     * resetskill), then starts polling, and streams get a SessionChange
     * (SIGNED_IN or FORCED_SIGN_IN). The new session starts empty: agent_state
     * is UNSPECIFIED and active_call_ids is empty until the gateway's events of
     * this session say otherwise, and last_event_cursor is the cursor of the
     * session's SessionChange, so a stream resumed from it sees everything of
     * the new session and nothing of an earlier one.
     * When the agent is already signed in:
     * - Held ACTIVE by this bridge, without `force`: a request equal to the
     *   one that started the session (same password, phone_number,
     *   initial_state, skill_ids, auto_answer, auto_enter_idle and
     *   release_phone) returns the held session as it is now, without calling
     *   the gateway, so a retried SignIn is safe. Any other request fails with
     *   ALREADY_EXISTS (ErrorInfo reason CCGW_ALREADY_SIGNED_IN) and the held
     *   session is kept. A session this bridge resumed after a restart
     *   remembers no request, so every SignIn without `force` gets
     *   ALREADY_EXISTS.
     * - Held ACTIVE by this bridge, with `force`: the bridge calls the
     *   gateway's forced sign-in, which ends the held session; the new session
     *   replaces it (SessionChange FORCED_SIGN_IN).
     * - Signed in elsewhere: ALREADY_EXISTS (reason CCGW_ALREADY_SIGNED_IN)
     *   unless `force` is true, which takes the agent over with the gateway's
     *   forced sign-in.
     * - Held LOST by this bridge: the new session replaces it.
     * Rejected credentials (wrong or expired password, locked account) give
     * FAILED_PRECONDITION (reason CCGW_CREDENTIALS_REJECTED): they are the
     * agent's, not the caller's, so PERMISSION_DENIED stays reserved for the
     * bridge's own access control.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.SignInResponse> signIn(
        io.github.ccgwbridge.ccgw.v1.SignInRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSignInMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Signs the agent out of the CC-Gateway and forgets its session.
     * A normal sign-out is refused by the gateway while the agent is in a call
     * or answering one; `force` signs out anyway and releases the call.
     * Signing out an agent whose session is LOST only forgets the session.
     * Streams get a SessionChange (SIGNED_OUT).
     * NOT_FOUND (reason SESSION_NOT_FOUND) when the bridge holds no session
     * for the agent.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.SignOutResponse> signOut(
        io.github.ccgwbridge.ccgw.v1.SignOutRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getSignOutMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Returns the session the bridge holds for one agent, ACTIVE or LOST.
     * NOT_FOUND (reason SESSION_NOT_FOUND) when there is none (never signed in
     * through the bridge, or
     * signed out since). Answered from the bridge's own state; the gateway is
     * not called.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.GetSessionResponse> getSession(
        io.github.ccgwbridge.ccgw.v1.GetSessionRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetSessionMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Lists the sessions the bridge holds, ordered by agent id (as a number,
     * ascending), one page at a time.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<io.github.ccgwbridge.ccgw.v1.ListSessionsResponse> listSessions(
        io.github.ccgwbridge.ccgw.v1.ListSessionsRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getListSessionsMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_SIGN_IN = 0;
  private static final int METHODID_SIGN_OUT = 1;
  private static final int METHODID_GET_SESSION = 2;
  private static final int METHODID_LIST_SESSIONS = 3;

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
        case METHODID_SIGN_IN:
          serviceImpl.signIn((io.github.ccgwbridge.ccgw.v1.SignInRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignInResponse>) responseObserver);
          break;
        case METHODID_SIGN_OUT:
          serviceImpl.signOut((io.github.ccgwbridge.ccgw.v1.SignOutRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.SignOutResponse>) responseObserver);
          break;
        case METHODID_GET_SESSION:
          serviceImpl.getSession((io.github.ccgwbridge.ccgw.v1.GetSessionRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.GetSessionResponse>) responseObserver);
          break;
        case METHODID_LIST_SESSIONS:
          serviceImpl.listSessions((io.github.ccgwbridge.ccgw.v1.ListSessionsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.ListSessionsResponse>) responseObserver);
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
          getSignInMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.SignInRequest,
              io.github.ccgwbridge.ccgw.v1.SignInResponse>(
                service, METHODID_SIGN_IN)))
        .addMethod(
          getSignOutMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.SignOutRequest,
              io.github.ccgwbridge.ccgw.v1.SignOutResponse>(
                service, METHODID_SIGN_OUT)))
        .addMethod(
          getGetSessionMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.GetSessionRequest,
              io.github.ccgwbridge.ccgw.v1.GetSessionResponse>(
                service, METHODID_GET_SESSION)))
        .addMethod(
          getListSessionsMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.ListSessionsRequest,
              io.github.ccgwbridge.ccgw.v1.ListSessionsResponse>(
                service, METHODID_LIST_SESSIONS)))
        .build();
  }

  private static abstract class AgentSessionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AgentSessionServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ccgwbridge.ccgw.v1.AgentSession.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AgentSessionService");
    }
  }

  private static final class AgentSessionServiceFileDescriptorSupplier
      extends AgentSessionServiceBaseDescriptorSupplier {
    AgentSessionServiceFileDescriptorSupplier() {}
  }

  private static final class AgentSessionServiceMethodDescriptorSupplier
      extends AgentSessionServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AgentSessionServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (AgentSessionServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AgentSessionServiceFileDescriptorSupplier())
              .addMethod(getSignInMethod())
              .addMethod(getSignOutMethod())
              .addMethod(getGetSessionMethod())
              .addMethod(getListSessionsMethod())
              .build();
        }
      }
    }
    return result;
  }
}

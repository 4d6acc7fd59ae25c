package io.github.ccgwbridge.ccgw.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * AgentEventService delivers the CC-Gateway events of signed-in agents as a
 * live, resumable stream.
 * The bridge runs exactly one poller per agent (a second poller on the raw
 * gateway would steal events) and shares what it receives with any number of
 * streams. Each agent's events get a sequence number and a cursor and are
 * kept for a while, so a client that reconnects with its last cursor misses
 * nothing, and is told with a Gap message when something could not be kept.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class AgentEventServiceGrpc {

  private AgentEventServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "ccgw.v1.AgentEventService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.StreamEventsRequest,
      io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> getStreamEventsMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "StreamEvents",
      requestType = io.github.ccgwbridge.ccgw.v1.StreamEventsRequest.class,
      responseType = io.github.ccgwbridge.ccgw.v1.StreamEventsResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.StreamEventsRequest,
      io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> getStreamEventsMethod() {
    io.grpc.MethodDescriptor<io.github.ccgwbridge.ccgw.v1.StreamEventsRequest, io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> getStreamEventsMethod;
    if ((getStreamEventsMethod = AgentEventServiceGrpc.getStreamEventsMethod) == null) {
      synchronized (AgentEventServiceGrpc.class) {
        if ((getStreamEventsMethod = AgentEventServiceGrpc.getStreamEventsMethod) == null) {
          AgentEventServiceGrpc.getStreamEventsMethod = getStreamEventsMethod =
              io.grpc.MethodDescriptor.<io.github.ccgwbridge.ccgw.v1.StreamEventsRequest, io.github.ccgwbridge.ccgw.v1.StreamEventsResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "StreamEvents"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.StreamEventsRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  io.github.ccgwbridge.ccgw.v1.StreamEventsResponse.getDefaultInstance()))
              .setSchemaDescriptor(new AgentEventServiceMethodDescriptorSupplier("StreamEvents"))
              .build();
        }
      }
    }
    return getStreamEventsMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static AgentEventServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceStub>() {
        @java.lang.Override
        public AgentEventServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentEventServiceStub(channel, callOptions);
        }
      };
    return AgentEventServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static AgentEventServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceBlockingV2Stub>() {
        @java.lang.Override
        public AgentEventServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentEventServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return AgentEventServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static AgentEventServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceBlockingStub>() {
        @java.lang.Override
        public AgentEventServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentEventServiceBlockingStub(channel, callOptions);
        }
      };
    return AgentEventServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static AgentEventServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<AgentEventServiceFutureStub>() {
        @java.lang.Override
        public AgentEventServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new AgentEventServiceFutureStub(channel, callOptions);
        }
      };
    return AgentEventServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Streams agent events. The first message is always a StateSnapshot; then
     * come AgentEvent messages in the order the bridge received them
     * (per agent, sequence numbers only increase), SessionChange messages
     * where a session began, ended or was lost (in the same order and
     * numbering as the agent's events), Heartbeat messages while nothing else
     * is sent, and a Gap message where events could not be delivered. The stream runs until the client cancels it or the server
     * shuts down; reconnect with `resume_after` set to the last cursor seen.
     * REST streams are newline-delimited JSON (application/x-ndjson): one
     * object per line, {"result": &lt;StreamEventsResponse&gt;}, or, if the stream
     * fails (before or after its first message), one last line
     * {"error": &lt;google.rpc.Status&gt;} holding the same status, ErrorInfo
     * included, that a unary REST error is. A client that falls too far behind
     * gets RESOURCE_EXHAUSTED (reason SUBSCRIBER_TOO_SLOW, metadata
     * `resume_after`); shutdown ends streams with UNAVAILABLE (reason
     * SHUTTING_DOWN). /v1/agents/{agent_id}/events follows one agent;
     * /v1/events follows the agents named by `agent_ids`, or every agent when
     * none are named.
     * With the header `Accept: text/event-stream` (what a browser's EventSource
     * sends) the REST streams are server-sent events instead: each message is
     * an event named "snapshot", "event" or "gap" whose data is the message as
     * JSON and whose id is its cursor (a Gap's resume_cursor); a heartbeat is a
     * comment with the heartbeat's cursor as id; a failure after the stream
     * started is an event named "stream-error" whose data is a google.rpc.Status
     * (a refusal before it started keeps its HTTP error status). A reconnecting
     * EventSource sends the last id as Last-Event-ID, which takes the place of
     * `resume_after`, so it resumes with nothing lost or repeated.
     * With an authorization policy (README "Security"), the caller needs the
     * read_events permission. A stream over one agent the caller may not read
     * is PERMISSION_DENIED; a stream over several agents, or over every agent,
     * is allowed when the caller may read at least one of them, and then
     * carries only the agents the caller may read: the snapshot, events and gap
     * messages of the others are left out, silently, under the policy in force
     * when each message is sent. When a policy change leaves the caller no agent
     * of the stream, the stream ends with PERMISSION_DENIED. A stream whose
     * client has not taken a message for the bridge's send timeout (30 s by
     * default) ends with RESOURCE_EXHAUSTED and a resume cursor, like one that
     * fell behind.
     * </pre>
     */
    default void streamEvents(io.github.ccgwbridge.ccgw.v1.StreamEventsRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getStreamEventsMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service AgentEventService.
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public static abstract class AgentEventServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return AgentEventServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service AgentEventService.
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public static final class AgentEventServiceStub
      extends io.grpc.stub.AbstractAsyncStub<AgentEventServiceStub> {
    private AgentEventServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentEventServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentEventServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Streams agent events. The first message is always a StateSnapshot; then
     * come AgentEvent messages in the order the bridge received them
     * (per agent, sequence numbers only increase), SessionChange messages
     * where a session began, ended or was lost (in the same order and
     * numbering as the agent's events), Heartbeat messages while nothing else
     * is sent, and a Gap message where events could not be delivered. The stream runs until the client cancels it or the server
     * shuts down; reconnect with `resume_after` set to the last cursor seen.
     * REST streams are newline-delimited JSON (application/x-ndjson): one
     * object per line, {"result": &lt;StreamEventsResponse&gt;}, or, if the stream
     * fails (before or after its first message), one last line
     * {"error": &lt;google.rpc.Status&gt;} holding the same status, ErrorInfo
     * included, that a unary REST error is. A client that falls too far behind
     * gets RESOURCE_EXHAUSTED (reason SUBSCRIBER_TOO_SLOW, metadata
     * `resume_after`); shutdown ends streams with UNAVAILABLE (reason
     * SHUTTING_DOWN). /v1/agents/{agent_id}/events follows one agent;
     * /v1/events follows the agents named by `agent_ids`, or every agent when
     * none are named.
     * With the header `Accept: text/event-stream` (what a browser's EventSource
     * sends) the REST streams are server-sent events instead: each message is
     * an event named "snapshot", "event" or "gap" whose data is the message as
     * JSON and whose id is its cursor (a Gap's resume_cursor); a heartbeat is a
     * comment with the heartbeat's cursor as id; a failure after the stream
     * started is an event named "stream-error" whose data is a google.rpc.Status
     * (a refusal before it started keeps its HTTP error status). A reconnecting
     * EventSource sends the last id as Last-Event-ID, which takes the place of
     * `resume_after`, so it resumes with nothing lost or repeated.
     * With an authorization policy (README "Security"), the caller needs the
     * read_events permission. A stream over one agent the caller may not read
     * is PERMISSION_DENIED; a stream over several agents, or over every agent,
     * is allowed when the caller may read at least one of them, and then
     * carries only the agents the caller may read: the snapshot, events and gap
     * messages of the others are left out, silently, under the policy in force
     * when each message is sent. When a policy change leaves the caller no agent
     * of the stream, the stream ends with PERMISSION_DENIED. A stream whose
     * client has not taken a message for the bridge's send timeout (30 s by
     * default) ends with RESOURCE_EXHAUSTED and a resume cursor, like one that
     * fell behind.
     * </pre>
     */
    public void streamEvents(io.github.ccgwbridge.ccgw.v1.StreamEventsRequest request,
        io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getStreamEventsMethod(), getCallOptions()), request, responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service AgentEventService.
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public static final class AgentEventServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<AgentEventServiceBlockingV2Stub> {
    private AgentEventServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentEventServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentEventServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Streams agent events. The first message is always a StateSnapshot; then
     * come AgentEvent messages in the order the bridge received them
     * (per agent, sequence numbers only increase), SessionChange messages
     * where a session began, ended or was lost (in the same order and
     * numbering as the agent's events), Heartbeat messages while nothing else
     * is sent, and a Gap message where events could not be delivered. The stream runs until the client cancels it or the server
     * shuts down; reconnect with `resume_after` set to the last cursor seen.
     * REST streams are newline-delimited JSON (application/x-ndjson): one
     * object per line, {"result": &lt;StreamEventsResponse&gt;}, or, if the stream
     * fails (before or after its first message), one last line
     * {"error": &lt;google.rpc.Status&gt;} holding the same status, ErrorInfo
     * included, that a unary REST error is. A client that falls too far behind
     * gets RESOURCE_EXHAUSTED (reason SUBSCRIBER_TOO_SLOW, metadata
     * `resume_after`); shutdown ends streams with UNAVAILABLE (reason
     * SHUTTING_DOWN). /v1/agents/{agent_id}/events follows one agent;
     * /v1/events follows the agents named by `agent_ids`, or every agent when
     * none are named.
     * With the header `Accept: text/event-stream` (what a browser's EventSource
     * sends) the REST streams are server-sent events instead: each message is
     * an event named "snapshot", "event" or "gap" whose data is the message as
     * JSON and whose id is its cursor (a Gap's resume_cursor); a heartbeat is a
     * comment with the heartbeat's cursor as id; a failure after the stream
     * started is an event named "stream-error" whose data is a google.rpc.Status
     * (a refusal before it started keeps its HTTP error status). A reconnecting
     * EventSource sends the last id as Last-Event-ID, which takes the place of
     * `resume_after`, so it resumes with nothing lost or repeated.
     * With an authorization policy (README "Security"), the caller needs the
     * read_events permission. A stream over one agent the caller may not read
     * is PERMISSION_DENIED; a stream over several agents, or over every agent,
     * is allowed when the caller may read at least one of them, and then
     * carries only the agents the caller may read: the snapshot, events and gap
     * messages of the others are left out, silently, under the policy in force
     * when each message is sent. When a policy change leaves the caller no agent
     * of the stream, the stream ends with PERMISSION_DENIED. A stream whose
     * client has not taken a message for the bridge's send timeout (30 s by
     * default) ends with RESOURCE_EXHAUSTED and a resume cursor, like one that
     * fell behind.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, io.github.ccgwbridge.ccgw.v1.StreamEventsResponse>
        streamEvents(io.github.ccgwbridge.ccgw.v1.StreamEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getStreamEventsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service AgentEventService.
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public static final class AgentEventServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<AgentEventServiceBlockingStub> {
    private AgentEventServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentEventServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentEventServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Streams agent events. The first message is always a StateSnapshot; then
     * come AgentEvent messages in the order the bridge received them
     * (per agent, sequence numbers only increase), SessionChange messages
     * where a session began, ended or was lost (in the same order and
     * numbering as the agent's events), Heartbeat messages while nothing else
     * is sent, and a Gap message where events could not be delivered. The stream runs until the client cancels it or the server
     * shuts down; reconnect with `resume_after` set to the last cursor seen.
     * REST streams are newline-delimited JSON (application/x-ndjson): one
     * object per line, {"result": &lt;StreamEventsResponse&gt;}, or, if the stream
     * fails (before or after its first message), one last line
     * {"error": &lt;google.rpc.Status&gt;} holding the same status, ErrorInfo
     * included, that a unary REST error is. A client that falls too far behind
     * gets RESOURCE_EXHAUSTED (reason SUBSCRIBER_TOO_SLOW, metadata
     * `resume_after`); shutdown ends streams with UNAVAILABLE (reason
     * SHUTTING_DOWN). /v1/agents/{agent_id}/events follows one agent;
     * /v1/events follows the agents named by `agent_ids`, or every agent when
     * none are named.
     * With the header `Accept: text/event-stream` (what a browser's EventSource
     * sends) the REST streams are server-sent events instead: each message is
     * an event named "snapshot", "event" or "gap" whose data is the message as
     * JSON and whose id is its cursor (a Gap's resume_cursor); a heartbeat is a
     * comment with the heartbeat's cursor as id; a failure after the stream
     * started is an event named "stream-error" whose data is a google.rpc.Status
     * (a refusal before it started keeps its HTTP error status). A reconnecting
     * EventSource sends the last id as Last-Event-ID, which takes the place of
     * `resume_after`, so it resumes with nothing lost or repeated.
     * With an authorization policy (README "Security"), the caller needs the
     * read_events permission. A stream over one agent the caller may not read
     * is PERMISSION_DENIED; a stream over several agents, or over every agent,
     * is allowed when the caller may read at least one of them, and then
     * carries only the agents the caller may read: the snapshot, events and gap
     * messages of the others are left out, silently, under the policy in force
     * when each message is sent. When a policy change leaves the caller no agent
     * of the stream, the stream ends with PERMISSION_DENIED. A stream whose
     * client has not taken a message for the bridge's send timeout (30 s by
     * default) ends with RESOURCE_EXHAUSTED and a resume cursor, like one that
     * fell behind.
     * </pre>
     */
    public java.util.Iterator<io.github.ccgwbridge.ccgw.v1.StreamEventsResponse> streamEvents(
        io.github.ccgwbridge.ccgw.v1.StreamEventsRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getStreamEventsMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service AgentEventService.
   * <pre>
   * AgentEventService delivers the CC-Gateway events of signed-in agents as a
   * live, resumable stream.
   * The bridge runs exactly one poller per agent (a second poller on the raw
   * gateway would steal events) and shares what it receives with any number of
   * streams. Each agent's events get a sequence number and a cursor and are
   * kept for a while, so a client that reconnects with its last cursor misses
   * nothing, and is told with a Gap message when something could not be kept.
   * </pre>
   */
  public static final class AgentEventServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<AgentEventServiceFutureStub> {
    private AgentEventServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected AgentEventServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new AgentEventServiceFutureStub(channel, callOptions);
    }
  }

  private static final int METHODID_STREAM_EVENTS = 0;

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
        case METHODID_STREAM_EVENTS:
          serviceImpl.streamEvents((io.github.ccgwbridge.ccgw.v1.StreamEventsRequest) request,
              (io.grpc.stub.StreamObserver<io.github.ccgwbridge.ccgw.v1.StreamEventsResponse>) responseObserver);
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
          getStreamEventsMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              io.github.ccgwbridge.ccgw.v1.StreamEventsRequest,
              io.github.ccgwbridge.ccgw.v1.StreamEventsResponse>(
                service, METHODID_STREAM_EVENTS)))
        .build();
  }

  private static abstract class AgentEventServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    AgentEventServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return io.github.ccgwbridge.ccgw.v1.AgentEventOuterClass.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("AgentEventService");
    }
  }

  private static final class AgentEventServiceFileDescriptorSupplier
      extends AgentEventServiceBaseDescriptorSupplier {
    AgentEventServiceFileDescriptorSupplier() {}
  }

  private static final class AgentEventServiceMethodDescriptorSupplier
      extends AgentEventServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    AgentEventServiceMethodDescriptorSupplier(java.lang.String methodName) {
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
      synchronized (AgentEventServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new AgentEventServiceFileDescriptorSupplier())
              .addMethod(getStreamEventsMethod())
              .build();
        }
      }
    }
    return result;
  }
}

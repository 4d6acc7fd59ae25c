import datetime

from buf.validate import validate_pb2 as _validate_pb2
from ccgw.v1 import agent_session_pb2 as _agent_session_pb2
from ccgw.v1 import rules_pb2 as _rules_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionChangeReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_CHANGE_REASON_UNSPECIFIED: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_SIGNED_IN: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_FORCED_SIGN_IN: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_SIGNED_OUT: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_SIGNED_OUT_BY_GATEWAY: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_GUID_REFUSED: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_NOT_SIGNED_IN: _ClassVar[SessionChangeReason]
    SESSION_CHANGE_REASON_HEARTBEAT_EXPIRED: _ClassVar[SessionChangeReason]

class GapReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GAP_REASON_UNSPECIFIED: _ClassVar[GapReason]
    GAP_REASON_EXPIRED: _ClassVar[GapReason]
    GAP_REASON_LOG_RESTARTED: _ClassVar[GapReason]
SESSION_CHANGE_REASON_UNSPECIFIED: SessionChangeReason
SESSION_CHANGE_REASON_SIGNED_IN: SessionChangeReason
SESSION_CHANGE_REASON_FORCED_SIGN_IN: SessionChangeReason
SESSION_CHANGE_REASON_SIGNED_OUT: SessionChangeReason
SESSION_CHANGE_REASON_SIGNED_OUT_BY_GATEWAY: SessionChangeReason
SESSION_CHANGE_REASON_GUID_REFUSED: SessionChangeReason
SESSION_CHANGE_REASON_NOT_SIGNED_IN: SessionChangeReason
SESSION_CHANGE_REASON_HEARTBEAT_EXPIRED: SessionChangeReason
GAP_REASON_UNSPECIFIED: GapReason
GAP_REASON_EXPIRED: GapReason
GAP_REASON_LOG_RESTARTED: GapReason

class StreamEventsRequest(_message.Message):
    __slots__ = ("agent_id", "agent_ids", "event_types", "resume_after")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_IDS_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPES_FIELD_NUMBER: _ClassVar[int]
    RESUME_AFTER_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    agent_ids: _containers.RepeatedScalarFieldContainer[str]
    event_types: _containers.RepeatedScalarFieldContainer[str]
    resume_after: str
    def __init__(self, agent_id: _Optional[str] = ..., agent_ids: _Optional[_Iterable[str]] = ..., event_types: _Optional[_Iterable[str]] = ..., resume_after: _Optional[str] = ...) -> None: ...

class StreamEventsResponse(_message.Message):
    __slots__ = ("event", "snapshot", "heartbeat", "gap", "session_change")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    GAP_FIELD_NUMBER: _ClassVar[int]
    SESSION_CHANGE_FIELD_NUMBER: _ClassVar[int]
    event: AgentEvent
    snapshot: StateSnapshot
    heartbeat: Heartbeat
    gap: Gap
    session_change: SessionChange
    def __init__(self, event: _Optional[_Union[AgentEvent, _Mapping]] = ..., snapshot: _Optional[_Union[StateSnapshot, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., gap: _Optional[_Union[Gap, _Mapping]] = ..., session_change: _Optional[_Union[SessionChange, _Mapping]] = ...) -> None: ...

class AgentEvent(_message.Message):
    __slots__ = ("cursor", "sequence", "agent_id", "event_type", "receive_time", "gateway_time", "call_id", "caller", "called", "other_phone", "feature", "media_type", "result", "reason", "content")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_TIME_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    CALLED_FIELD_NUMBER: _ClassVar[int]
    OTHER_PHONE_FIELD_NUMBER: _ClassVar[int]
    FEATURE_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    sequence: int
    agent_id: str
    event_type: str
    receive_time: _timestamp_pb2.Timestamp
    gateway_time: _timestamp_pb2.Timestamp
    call_id: str
    caller: str
    called: str
    other_phone: str
    feature: str
    media_type: str
    result: str
    reason: str
    content: _struct_pb2.Value
    def __init__(self, cursor: _Optional[str] = ..., sequence: _Optional[int] = ..., agent_id: _Optional[str] = ..., event_type: _Optional[str] = ..., receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., gateway_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., call_id: _Optional[str] = ..., caller: _Optional[str] = ..., called: _Optional[str] = ..., other_phone: _Optional[str] = ..., feature: _Optional[str] = ..., media_type: _Optional[str] = ..., result: _Optional[str] = ..., reason: _Optional[str] = ..., content: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class SessionChange(_message.Message):
    __slots__ = ("cursor", "sequence", "agent_id", "session_state", "reason", "detail", "time")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    sequence: int
    agent_id: str
    session_state: _agent_session_pb2.SessionState
    reason: SessionChangeReason
    detail: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, cursor: _Optional[str] = ..., sequence: _Optional[int] = ..., agent_id: _Optional[str] = ..., session_state: _Optional[_Union[_agent_session_pb2.SessionState, str]] = ..., reason: _Optional[_Union[SessionChangeReason, str]] = ..., detail: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StateSnapshot(_message.Message):
    __slots__ = ("agents", "cursor")
    AGENTS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    agents: _containers.RepeatedCompositeFieldContainer[AgentSnapshot]
    cursor: str
    def __init__(self, agents: _Optional[_Iterable[_Union[AgentSnapshot, _Mapping]]] = ..., cursor: _Optional[str] = ...) -> None: ...

class AgentSnapshot(_message.Message):
    __slots__ = ("agent_id", "session_state", "agent_state", "active_call_ids", "last_sequence", "lost_reason")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_STATE_FIELD_NUMBER: _ClassVar[int]
    AGENT_STATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_CALL_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    LOST_REASON_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    session_state: _agent_session_pb2.SessionState
    agent_state: _agent_session_pb2.AgentState
    active_call_ids: _containers.RepeatedScalarFieldContainer[str]
    last_sequence: int
    lost_reason: str
    def __init__(self, agent_id: _Optional[str] = ..., session_state: _Optional[_Union[_agent_session_pb2.SessionState, str]] = ..., agent_state: _Optional[_Union[_agent_session_pb2.AgentState, str]] = ..., active_call_ids: _Optional[_Iterable[str]] = ..., last_sequence: _Optional[int] = ..., lost_reason: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ("time", "cursor")
    TIME_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    cursor: str
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cursor: _Optional[str] = ...) -> None: ...

class Gap(_message.Message):
    __slots__ = ("agent_id", "from_sequence", "to_sequence", "resume_cursor", "reason")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TO_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    RESUME_CURSOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    from_sequence: int
    to_sequence: int
    resume_cursor: str
    reason: GapReason
    def __init__(self, agent_id: _Optional[str] = ..., from_sequence: _Optional[int] = ..., to_sequence: _Optional[int] = ..., resume_cursor: _Optional[str] = ..., reason: _Optional[_Union[GapReason, str]] = ...) -> None: ...

import datetime

from buf.validate import validate_pb2 as _validate_pb2
from ccgw.v1 import rules_pb2 as _rules_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from protoc_gen_openapiv2.options import annotations_pb2 as _annotations_pb2_1
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_STATE_UNSPECIFIED: _ClassVar[SessionState]
    SESSION_STATE_ACTIVE: _ClassVar[SessionState]
    SESSION_STATE_LOST: _ClassVar[SessionState]
    SESSION_STATE_SIGNED_OUT: _ClassVar[SessionState]

class AgentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGENT_STATE_UNSPECIFIED: _ClassVar[AgentState]
    AGENT_STATE_IDLE: _ClassVar[AgentState]
    AGENT_STATE_BUSY: _ClassVar[AgentState]
    AGENT_STATE_REST: _ClassVar[AgentState]
    AGENT_STATE_WRAP_UP: _ClassVar[AgentState]
    AGENT_STATE_RINGING: _ClassVar[AgentState]
    AGENT_STATE_OCCUPIED: _ClassVar[AgentState]
    AGENT_STATE_TALKING: _ClassVar[AgentState]

class InitialState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INITIAL_STATE_UNSPECIFIED: _ClassVar[InitialState]
    INITIAL_STATE_IDLE: _ClassVar[InitialState]
    INITIAL_STATE_BUSY: _ClassVar[InitialState]
    INITIAL_STATE_WRAP_UP: _ClassVar[InitialState]
SESSION_STATE_UNSPECIFIED: SessionState
SESSION_STATE_ACTIVE: SessionState
SESSION_STATE_LOST: SessionState
SESSION_STATE_SIGNED_OUT: SessionState
AGENT_STATE_UNSPECIFIED: AgentState
AGENT_STATE_IDLE: AgentState
AGENT_STATE_BUSY: AgentState
AGENT_STATE_REST: AgentState
AGENT_STATE_WRAP_UP: AgentState
AGENT_STATE_RINGING: AgentState
AGENT_STATE_OCCUPIED: AgentState
AGENT_STATE_TALKING: AgentState
INITIAL_STATE_UNSPECIFIED: InitialState
INITIAL_STATE_IDLE: InitialState
INITIAL_STATE_BUSY: InitialState
INITIAL_STATE_WRAP_UP: InitialState

class Session(_message.Message):
    __slots__ = ("agent_id", "session_state", "agent_state", "lost_reason", "phone_number", "skill_ids", "sign_in_time", "voice_enabled", "text_enabled", "password_change_required", "password_expires_in_days", "active_call_ids", "last_event_cursor")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_STATE_FIELD_NUMBER: _ClassVar[int]
    AGENT_STATE_FIELD_NUMBER: _ClassVar[int]
    LOST_REASON_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SKILL_IDS_FIELD_NUMBER: _ClassVar[int]
    SIGN_IN_TIME_FIELD_NUMBER: _ClassVar[int]
    VOICE_ENABLED_FIELD_NUMBER: _ClassVar[int]
    TEXT_ENABLED_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_CHANGE_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_EXPIRES_IN_DAYS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_CALL_IDS_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    session_state: SessionState
    agent_state: AgentState
    lost_reason: str
    phone_number: str
    skill_ids: _containers.RepeatedScalarFieldContainer[int]
    sign_in_time: _timestamp_pb2.Timestamp
    voice_enabled: bool
    text_enabled: bool
    password_change_required: bool
    password_expires_in_days: int
    active_call_ids: _containers.RepeatedScalarFieldContainer[str]
    last_event_cursor: str
    def __init__(self, agent_id: _Optional[str] = ..., session_state: _Optional[_Union[SessionState, str]] = ..., agent_state: _Optional[_Union[AgentState, str]] = ..., lost_reason: _Optional[str] = ..., phone_number: _Optional[str] = ..., skill_ids: _Optional[_Iterable[int]] = ..., sign_in_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., voice_enabled: _Optional[bool] = ..., text_enabled: _Optional[bool] = ..., password_change_required: _Optional[bool] = ..., password_expires_in_days: _Optional[int] = ..., active_call_ids: _Optional[_Iterable[str]] = ..., last_event_cursor: _Optional[str] = ...) -> None: ...

class SignInRequest(_message.Message):
    __slots__ = ("agent_id", "password", "phone_number", "initial_state", "skill_ids", "auto_answer", "auto_enter_idle", "release_phone", "force")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    INITIAL_STATE_FIELD_NUMBER: _ClassVar[int]
    SKILL_IDS_FIELD_NUMBER: _ClassVar[int]
    AUTO_ANSWER_FIELD_NUMBER: _ClassVar[int]
    AUTO_ENTER_IDLE_FIELD_NUMBER: _ClassVar[int]
    RELEASE_PHONE_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    password: str
    phone_number: str
    initial_state: InitialState
    skill_ids: _containers.RepeatedScalarFieldContainer[int]
    auto_answer: bool
    auto_enter_idle: bool
    release_phone: bool
    force: bool
    def __init__(self, agent_id: _Optional[str] = ..., password: _Optional[str] = ..., phone_number: _Optional[str] = ..., initial_state: _Optional[_Union[InitialState, str]] = ..., skill_ids: _Optional[_Iterable[int]] = ..., auto_answer: _Optional[bool] = ..., auto_enter_idle: _Optional[bool] = ..., release_phone: _Optional[bool] = ..., force: _Optional[bool] = ...) -> None: ...

class SignInResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class SignOutRequest(_message.Message):
    __slots__ = ("agent_id", "force")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    force: bool
    def __init__(self, agent_id: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class SignOutResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSessionRequest(_message.Message):
    __slots__ = ("agent_id",)
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    def __init__(self, agent_id: _Optional[str] = ...) -> None: ...

class GetSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions", "next_page_token")
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[Session]
    next_page_token: str
    def __init__(self, sessions: _Optional[_Iterable[_Union[Session, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

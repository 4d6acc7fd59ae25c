from buf.validate import validate_pb2 as _validate_pb2
from ccgw.v1 import agent_event_pb2 as _agent_event_pb2
from ccgw.v1 import rules_pb2 as _rules_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CallOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CALL_OUTCOME_UNSPECIFIED: _ClassVar[CallOutcome]
    CALL_OUTCOME_CONNECTED: _ClassVar[CallOutcome]
    CALL_OUTCOME_FAILED: _ClassVar[CallOutcome]
    CALL_OUTCOME_PENDING: _ClassVar[CallOutcome]

class TransferMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSFER_MODE_UNSPECIFIED: _ClassVar[TransferMode]
    TRANSFER_MODE_BLIND: _ClassVar[TransferMode]
    TRANSFER_MODE_RELEASE_AFTER_TRANSFER: _ClassVar[TransferMode]

class TransferOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSFER_OUTCOME_UNSPECIFIED: _ClassVar[TransferOutcome]
    TRANSFER_OUTCOME_SUCCEEDED: _ClassVar[TransferOutcome]
    TRANSFER_OUTCOME_FAILED: _ClassVar[TransferOutcome]
    TRANSFER_OUTCOME_CONNECT_FAILED: _ClassVar[TransferOutcome]
    TRANSFER_OUTCOME_RELEASED: _ClassVar[TransferOutcome]
    TRANSFER_OUTCOME_PENDING: _ClassVar[TransferOutcome]
CALL_OUTCOME_UNSPECIFIED: CallOutcome
CALL_OUTCOME_CONNECTED: CallOutcome
CALL_OUTCOME_FAILED: CallOutcome
CALL_OUTCOME_PENDING: CallOutcome
TRANSFER_MODE_UNSPECIFIED: TransferMode
TRANSFER_MODE_BLIND: TransferMode
TRANSFER_MODE_RELEASE_AFTER_TRANSFER: TransferMode
TRANSFER_OUTCOME_UNSPECIFIED: TransferOutcome
TRANSFER_OUTCOME_SUCCEEDED: TransferOutcome
TRANSFER_OUTCOME_FAILED: TransferOutcome
TRANSFER_OUTCOME_CONNECT_FAILED: TransferOutcome
TRANSFER_OUTCOME_RELEASED: TransferOutcome
TRANSFER_OUTCOME_PENDING: TransferOutcome

class CallInnerSkillRequest(_message.Message):
    __slots__ = ("agent_id", "skill_id", "request_id", "await_outcome")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AWAIT_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    skill_id: int
    request_id: str
    await_outcome: bool
    def __init__(self, agent_id: _Optional[str] = ..., skill_id: _Optional[int] = ..., request_id: _Optional[str] = ..., await_outcome: _Optional[bool] = ...) -> None: ...

class CallInnerSkillResponse(_message.Message):
    __slots__ = ("call_id", "outcome", "outcome_event")
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_EVENT_FIELD_NUMBER: _ClassVar[int]
    call_id: str
    outcome: CallOutcome
    outcome_event: _agent_event_pb2.AgentEvent
    def __init__(self, call_id: _Optional[str] = ..., outcome: _Optional[_Union[CallOutcome, str]] = ..., outcome_event: _Optional[_Union[_agent_event_pb2.AgentEvent, _Mapping]] = ...) -> None: ...

class SkillQueueTarget(_message.Message):
    __slots__ = ("skill_id",)
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    skill_id: int
    def __init__(self, skill_id: _Optional[int] = ...) -> None: ...

class AgentTarget(_message.Message):
    __slots__ = ("agent_id", "skill_id")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    SKILL_ID_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    skill_id: int
    def __init__(self, agent_id: _Optional[str] = ..., skill_id: _Optional[int] = ...) -> None: ...

class AccessCodeTarget(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class TransferSessionRequest(_message.Message):
    __slots__ = ("agent_id", "call_id", "skill_queue", "agent", "access_code", "mode", "caller", "call_data", "request_id", "await_outcome")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    SKILL_QUEUE_FIELD_NUMBER: _ClassVar[int]
    AGENT_FIELD_NUMBER: _ClassVar[int]
    ACCESS_CODE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    CALL_DATA_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AWAIT_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    call_id: str
    skill_queue: SkillQueueTarget
    agent: AgentTarget
    access_code: AccessCodeTarget
    mode: TransferMode
    caller: str
    call_data: str
    request_id: str
    await_outcome: bool
    def __init__(self, agent_id: _Optional[str] = ..., call_id: _Optional[str] = ..., skill_queue: _Optional[_Union[SkillQueueTarget, _Mapping]] = ..., agent: _Optional[_Union[AgentTarget, _Mapping]] = ..., access_code: _Optional[_Union[AccessCodeTarget, _Mapping]] = ..., mode: _Optional[_Union[TransferMode, str]] = ..., caller: _Optional[str] = ..., call_data: _Optional[str] = ..., request_id: _Optional[str] = ..., await_outcome: _Optional[bool] = ...) -> None: ...

class TransferSessionResponse(_message.Message):
    __slots__ = ("outcome", "outcome_event", "result_code")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_EVENT_FIELD_NUMBER: _ClassVar[int]
    RESULT_CODE_FIELD_NUMBER: _ClassVar[int]
    outcome: TransferOutcome
    outcome_event: _agent_event_pb2.AgentEvent
    result_code: int
    def __init__(self, outcome: _Optional[_Union[TransferOutcome, str]] = ..., outcome_event: _Optional[_Union[_agent_event_pb2.AgentEvent, _Mapping]] = ..., result_code: _Optional[int] = ...) -> None: ...

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor
AGENT_ID_FIELD_NUMBER: _ClassVar[int]
agent_id: _descriptor.FieldDescriptor
REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
request_id: _descriptor.FieldDescriptor

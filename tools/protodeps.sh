#!/usr/bin/env bash
# protodeps.sh copies the third-party .proto files that proto/ccgw/v1 imports
# into the git-ignored .protodeps/ directory, taking them from pinned Go
# modules through the Go module cache. Nothing here is committed, and no
# Buf Schema Registry is involved: the only network used is the Go module
# proxy, whose downloads go.sum / the checksum database verify.
#
# The versions are pinned here, next to the reason for each:
set -euo pipefail

# google/api/{annotations,http}.proto: the HTTP rule annotations. The Go
# types they describe come from google.golang.org/genproto/googleapis/api.
GOOGLEAPIS_MODULE=github.com/grpc-ecosystem/grpc-gateway@v1.16.0

# buf/validate/validate.proto: protovalidate's rule annotations. This version
# must describe the same file as the Go package
# buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go that
# buf.build/go/protovalidate (root go.mod) pulls in; the contract test
# TestPinnedValidateProtoMatchesRuntime fails when they drift apart.
PROTOVALIDATE_MODULE=github.com/bufbuild/protovalidate@v1.2.2

# protoc-gen-openapiv2/options/*.proto: the document-level OpenAPI annotation
# (title, version, description) that tools/protoc-gen-ccgw-openapi reads.
# Taken from the grpc-gateway/v2 version tools/go.mod pins, whose Go types the
# generator decodes it with.
OPENAPIV2_MODULE=github.com/grpc-ecosystem/grpc-gateway/v2

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=.protodeps

# module_dir prints the module cache directory of a module, downloading it
# when needed. Extra arguments go to `go mod download` before the module.
module_dir() {
  local json dir
  json=$(go mod download -json "$@")
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  if [[ -z "$dir" || ! -d "$dir" ]]; then
    printf 'protodeps: cannot resolve %s:\n%s\n' "${*: -1}" "$json" >&2
    return 1
  fi
  printf '%s\n' "$dir"
}

# copy SRC_DIR DEST_DIR FILE... copies FILEs (paths relative to SRC_DIR) so
# that they keep their import paths below DEST_DIR.
copy() {
  local src=$1 dest=$2
  shift 2
  local f
  for f in "$@"; do
    install -D -m 0644 "$src/$f" "$dest/$f"
  done
}

googleapis=$(module_dir "$GOOGLEAPIS_MODULE")
protovalidate=$(module_dir "$PROTOVALIDATE_MODULE")
openapiv2=$(module_dir -modfile=tools/go.mod "$OPENAPIV2_MODULE")

rm -rf "$out"
copy "$googleapis/third_party/googleapis" "$out" \
  google/api/annotations.proto google/api/http.proto
copy "$protovalidate/proto/protovalidate" "$out" \
  buf/validate/validate.proto
copy "$openapiv2" "$out" \
  protoc-gen-openapiv2/options/annotations.proto \
  protoc-gen-openapiv2/options/openapiv2.proto

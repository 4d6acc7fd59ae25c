#!/usr/bin/env bash
# polyglot-ci.sh is the polyglot step of .ci/run (issue 12):
#  1. every toolchain loads proto/ unchanged: @grpc/proto-loader (protobufjs),
#     grpcio-tools, Debian's protoc 3.21 and buf;
#  2. the example clients in examples/{node,python,java} run the README
#     walk-through against a bridge on the embedded simulator, one fresh
#     bridge each, on ephemeral loopback ports.
# Usage: tools/polyglot-ci.sh [loaders|node|python|java]... (default: all).
# Needs Node.js, Python 3, Java with Maven and /usr/bin/protoc (Debian's
# protobuf-compiler; .ci/run installs it). Each step prints its wall time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=polyglot/env.sh
source tools/polyglot/env.sh

# The files under proto/, as import paths.
protos=$(cd proto && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)

step_loaders() {
  polyglot_node_tools
  polyglot_python_tools
  bash tools/protodeps.sh # the imports, also for a run without make generate
  # shellcheck disable=SC2086 # the file list splits on purpose
  node tools/polyglot/load-check.mjs proto .protodeps $protos
  # Each compiler's descriptors must carry the very rules pinned in
  # contract/testdata/validation_rules.golden.json (buf's are checked by make test).
  local sets
  sets=$(mktemp -d)
  # shellcheck disable=SC2086
  "$polyglot_python" -m grpc_tools.protoc -I proto -I .protodeps --include_imports \
    --descriptor_set_out="$sets/grpcio-tools.binpb" $protos
  # shellcheck disable=SC2086
  /usr/bin/protoc -I proto -I .protodeps --include_imports --descriptor_set_out="$sets/protoc.binpb" $protos
  CCGW_RULES_DESCRIPTOR_SET=$sets/grpcio-tools.binpb go test -count=1 -run '^TestValidationRulesUnchanged$' ./contract
  echo "loaders: grpcio-tools ($("$polyglot_python" -m grpc_tools.protoc --version)) compiled proto/ with the same rules"
  CCGW_RULES_DESCRIPTOR_SET=$sets/protoc.binpb go test -count=1 -run '^TestValidationRulesUnchanged$' ./contract
  echo "loaders: Debian protoc ($(/usr/bin/protoc --version)) compiled proto/ with the same rules"
  rm -rf "$sets"
  go tool -modfile=tools/go.mod buf build -o /dev/null
  echo "loaders: buf $(go tool -modfile=tools/go.mod buf --version) built proto/"
}

bridge_pid=
stop_bridge() {
  if [[ -n $bridge_pid ]]; then
    kill "$bridge_pid" 2>/dev/null || true
    wait "$bridge_pid" 2>/dev/null || true
    bridge_pid=
  fi
}
trap stop_bridge EXIT

# start_bridge starts a bridge with its embedded simulator on ephemeral ports
# and exports CCGW_BRIDGE_GRPC and CCGW_SIM_URL from the addresses it logs.
start_bridge() {
  local log=$polyglot_dir/bridge-$1.log
  : >"$log"
  "$polyglot_dir/ccgw-bridge" -grpc-listen 127.0.0.1:0 -http-listen 127.0.0.1:0 -sim-listen 127.0.0.1:0 \
    -log-format json 2>"$log" &
  bridge_pid=$!
  local i line
  for ((i = 0; i < 300; i++)); do
    line=$(grep -m1 '"msg":"ccgw-bridge serving"' "$log" || true)
    [[ -n $line ]] && break
    kill -0 "$bridge_pid" 2>/dev/null || { cat "$log" >&2; echo "bridge exited" >&2; return 1; }
    sleep 0.1
  done
  [[ -n $line ]] || { cat "$log" >&2; echo "bridge did not start in 30s" >&2; return 1; }
  CCGW_BRIDGE_GRPC=$(sed -n 's/.*"grpc":"\([^"]*\)".*/\1/p' <<<"$line")
  CCGW_SIM_URL=$(grep -m1 '"simulator":"' "$log" | sed -n 's/.*"simulator":"\([^"]*\)".*/\1/p')
  [[ -n $CCGW_BRIDGE_GRPC && -n $CCGW_SIM_URL ]] || { cat "$log" >&2; echo "no addresses in the log" >&2; return 1; }
  export CCGW_BRIDGE_GRPC CCGW_SIM_URL
  echo "$1: bridge at $CCGW_BRIDGE_GRPC, simulator at $CCGW_SIM_URL"
}

# run_example NAME COMMAND... runs an example against a fresh bridge, bounded in time.
run_example() {
  local name=$1
  shift
  start_bridge "$name"
  if ! timeout 180 "$@"; then
    echo "$name example failed; bridge log:" >&2
    tail -n 50 "$polyglot_dir/bridge-$name.log" >&2
    return 1
  fi
  stop_bridge
}

build_bridge() {
  [[ -x $polyglot_dir/ccgw-bridge && -n ${bridge_built:-} ]] && return
  go build -o "$polyglot_dir/ccgw-bridge" ./cmd/ccgw-bridge
  bridge_built=1
}

step_node() {
  build_bridge
  (cd examples/node && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
  run_example node node examples/node/dist/main.js
}

step_python() {
  build_bridge
  local venv=$polyglot_dir/example-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r examples/python/requirements.txt
  # The generated package from its folder; its dependencies came hashed above.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation ./gen/python
  run_example python "$venv/bin/python" examples/python/walkthrough.py
}

step_java() {
  build_bridge
  mvn --batch-mode --quiet -Dstyle.color=never -f gen/java/pom.xml install
  mvn --batch-mode --quiet -Dstyle.color=never -f examples/java/pom.xml compile
  run_example java mvn --batch-mode --quiet -Dstyle.color=never -f examples/java/pom.xml exec:java
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(loaders node python java)
for s in "${steps[@]}"; do
  start=$SECONDS
  "step_$s"
  echo "polyglot: $s took $((SECONDS - start))s"
done

# Sourced by tools/gen-clients.sh and tools/polyglot-ci.sh: installs the
# pinned non-Go tools into git-ignored places, once per lock file version.
#   tools/polyglot/node_modules   npm ci of tools/polyglot/package-lock.json
#   .polyglot/venv                pip install --require-hashes of requirements.txt
#   .polyglot/java-tools          protoc and protoc-gen-grpc-java from Maven Central
# Each is redone when its lock file changes (a stamp holds the lock's hash).

polyglot_dir=.polyglot
mkdir -p "$polyglot_dir"

# fresh STAMP FILE... succeeds when STAMP holds the hash of FILEs.
fresh() {
  local stamp=$1
  shift
  [[ -f $stamp && $(cat "$stamp") == "$(cat "$@" | sha256sum)" ]]
}
stamp() {
  local stamp=$1
  shift
  cat "$@" | sha256sum >"$stamp"
}

polyglot_node_tools() {
  local lock=tools/polyglot/package-lock.json stamp=tools/polyglot/node_modules/.ccgw-stamp
  fresh "$stamp" "$lock" && return
  (cd tools/polyglot && npm ci --no-audit --no-fund --loglevel=error)
  stamp "$stamp" "$lock"
}

polyglot_python_tools() {
  local req=tools/polyglot/requirements.txt venv=$polyglot_dir/venv
  fresh "$venv/.ccgw-stamp" "$req" && return
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$req"
  stamp "$venv/.ccgw-stamp" "$req"
}
polyglot_python=$polyglot_dir/venv/bin/python

# os_classifier prints the Maven classifier of this machine's native builds.
os_classifier() {
  local os arch
  case $(uname -s) in
  Linux) os=linux ;;
  Darwin) os=osx ;;
  *) echo "polyglot: no protoc build for $(uname -s)" >&2; return 1 ;;
  esac
  case $(uname -m) in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch_64 ;;
  *) echo "polyglot: no protoc build for $(uname -m)" >&2; return 1 ;;
  esac
  echo "$os-$arch"
}

polyglot_java_tools() {
  local pom=tools/polyglot/java-tools/pom.xml out=$polyglot_dir/java-tools
  fresh "$out/.ccgw-stamp" "$pom" && return
  rm -rf "$out"
  local classifier
  classifier=$(os_classifier)
  mvn --batch-mode --quiet -Dstyle.color=never -f "$pom" dependency:copy-dependencies \
    -Dos.classifier="$classifier" -DoutputDirectory="$PWD/$out" -Dmdep.stripVersion=true -Dmdep.stripClassifier=true
  mv "$out/protoc.exe" "$out/protoc"
  mv "$out/protoc-gen-grpc-java.exe" "$out/protoc-gen-grpc-java"
  chmod +x "$out/protoc" "$out/protoc-gen-grpc-java"
  stamp "$out/.ccgw-stamp" "$pom"
}
polyglot_protoc=$polyglot_dir/java-tools/protoc
polyglot_grpc_java=$polyglot_dir/java-tools/protoc-gen-grpc-java

#!/usr/bin/env bash
# breaking.sh checks proto/ for wire- and JSON-breaking changes (buf.yaml's
# WIRE_JSON rules) against a git revision, main by default: BASE=rev.
#
# buf cannot build the base straight from git, because the imported
# third-party protos (.protodeps/) are not committed. So the base's proto/
# and buf.yaml are unpacked into a temporary directory next to the current
# .protodeps/ (run `make protodeps` first) and built into an image there.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
base=${BASE:-main}
buf=(go tool -modfile=tools/go.mod buf)

# An unknown revision is an error, not "nothing to compare": only a real base without proto/ is.
git rev-parse --verify --quiet "$base^{commit}" >/dev/null || { echo "breaking: unknown revision $base" >&2; exit 1; }
if ! git cat-file -e "$base:proto" 2>/dev/null; then
  echo "breaking: $base has no proto/ yet; nothing to compare against"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$base" proto buf.yaml | tar -x -C "$tmp"
cp -R .protodeps "$tmp/.protodeps"
"${buf[@]}" build "$tmp/proto" -o "$tmp/base.binpb"
"${buf[@]}" breaking proto --against "$tmp/base.binpb"
echo "breaking: no wire or JSON breaking change against $base"

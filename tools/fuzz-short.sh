#!/usr/bin/env bash
# fuzz-short.sh runs every fuzz test of the main module for a short while
# (FUZZTIME, default 10000 inputs each; see the Makefile for why a count), so that `make check` exercises fuzz targets
# added by any package without a list to keep up to date. Targets are found
# by looking for `func FuzzXxx(` in _test.go files.
#
# Each package's fuzz-instrumented test binary is built once and runs all of the package's
# targets (`go test -fuzz` would build and link it again for every target: on a cold cache
# that was most of this step's time).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-10000x}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
module=$(go list -m)
cache="$(go env GOCACHE)/fuzz"

# Files of other modules (tools/) and of third parties are not ours to fuzz.
mapfile -t pkgs < <(
  grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . \
    --exclude-dir=.git --exclude-dir=tools --exclude-dir=.protodeps \
    --exclude-dir=testdata --exclude-dir=vendor | xargs -n1 dirname | sort -u
)

count=0
for dir in "${pkgs[@]}"; do
  dir=${dir#./}
  pkg="$module/$dir"
  exe="$bin/$(echo "$dir" | tr / _).test"
  go test -c -fuzz=. -o "$exe" "./$dir"
  while IFS= read -r name; do
    echo "fuzz-short: ./$dir $name ($fuzztime)"
    # Run from the package directory, as go test does, so testdata/fuzz is the seed corpus.
    (cd "$dir" && "$exe" -test.run='^$' -test.fuzz="^${name}\$" -test.fuzztime="$fuzztime" -test.fuzzcachedir="$cache/$pkg")
    count=$((count + 1))
  done < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/p' "$dir"/*_test.go)
done
echo "fuzz-short: ran $count fuzz target(s)"
# Finding none means the search broke, not that there is nothing to fuzz.
(( count > 0 )) || { echo "fuzz-short: no fuzz targets found" >&2; exit 1; }

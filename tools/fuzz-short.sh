#!/usr/bin/env bash
# fuzz-short.sh runs every fuzz test of the main module for a short while
# (FUZZTIME, default 10000 inputs each; see the Makefile for why a count), so that `make check` exercises fuzz targets
# added by any package without a list to keep up to date. Targets are found
# by looking for `func FuzzXxx(` in _test.go files.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-10000x}

# Files of other modules (tools/) and of third parties are not ours to fuzz.
mapfile -t files < <(
  grep -rlE --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . \
    --exclude-dir=.git --exclude-dir=tools --exclude-dir=.protodeps \
    --exclude-dir=testdata --exclude-dir=vendor | sort
)

count=0
for file in "${files[@]}"; do
  pkg="./$(dirname "${file#./}")"
  while IFS= read -r name; do
    echo "fuzz-short: $pkg $name ($fuzztime)"
    go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
    count=$((count + 1))
  done < <(sed -nE 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/p' "$file")
done
echo "fuzz-short: ran $count fuzz target(s)"
# Finding none means the search broke, not that there is nothing to fuzz.
(( count > 0 )) || { echo "fuzz-short: no fuzz targets found" >&2; exit 1; }

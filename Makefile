# ccgw-bridge build entry points. `make check` is what CI runs.
#
# buf and every protoc plugin are pinned in tools/go.mod and run with
# `go tool`, which builds them from source on first use and caches them in
# the Go build cache: nothing needs installing besides Go.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := check

GO ?= go
TOOL := $(GO) tool -modfile=tools/go.mod
BUF := $(TOOL) buf
# A count, not a duration: Go 1.26's fuzz coordinator can report a spurious "context deadline
# exceeded" when a duration runs out while a worker is busy (golang/go#75804, fixed in 1.27).
FUZZTIME ?= 10000x
BASE ?= main

.PHONY: check build generate protodeps lint format test vet staticcheck fuzz-short check-generated breaking

# What `ccgw-bridge version`, /healthz and ccgw_build_info report for a `make build` binary.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X github.com/ccgw-bridge/ccgw-bridge/buildinfo.version=$(VERSION) \
	-X github.com/ccgw-bridge/ccgw-bridge/buildinfo.revision=$(REVISION)

## check: everything CI checks (lint, generated code up to date, vet, tests, short fuzzing).
## Each step reports its wall time, to see where CI time goes.
check:
	@$(call timed,lint,$(MAKE) lint)
	@$(call timed,check-generated,$(MAKE) check-generated)
	@$(call timed,vet,$(MAKE) vet)
	@$(call timed,staticcheck,$(MAKE) staticcheck)
	@$(call timed,test,CCGW_REQUIRE_PROTODEPS=1 $(MAKE) test)
	@$(call timed,fuzz-short,$(MAKE) fuzz-short)

# timed runs a command and then prints how long it took: $(call timed,name,command).
timed = start=$$SECONDS; $(2); echo "check: $(1) took $$((SECONDS - start))s"

## build: the service and simulator binaries in bin/ (git-ignored), stamped with VERSION and REVISION.
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/ ./cmd/ccgw-bridge ./cmd/ccgw-sim

## protodeps: copy the imported third-party .proto files into .protodeps/ (git-ignored),
## and compile the pinned validate.proto for the test that compares it with the Go runtime's.
protodeps:
	bash tools/protodeps.sh
	$(BUF) build .protodeps --path .protodeps/buf/validate/validate.proto \
	  --exclude-imports --exclude-source-info -o .protodeps/buf-validate.binpb

## generate: regenerate everything under gen/ from proto/.
generate: protodeps
	$(BUF) generate
	bash tools/openapi-embed.sh

## lint: buf lint and buf format of our protos.
lint: protodeps
	$(BUF) lint proto
	$(BUF) format --diff --exit-code proto

## format: rewrite our protos in buf's format.
format:
	$(BUF) format -w proto

## check-generated: fail when gen/ differs from what `make generate` produces.
check-generated: generate
	@changed=$$(git status --porcelain --untracked-files=all -- gen/); \
	if [[ -n "$$changed" ]]; then \
	  echo "gen/ is out of date with proto/ (run make generate and commit):"; \
	  git status --short --untracked-files=all -- gen/; \
	  git --no-pager diff --stat -- gen/; \
	  exit 1; \
	fi

## vet: go vet over the main module.
vet:
	$(GO) vet ./...

## staticcheck: the linter, pinned in tools/go.mod. A finding that is deliberate carries a
## //lint:ignore comment that says why.
staticcheck:
	$(TOOL) staticcheck ./...

## test: all tests of the main module with the race detector.
test:
	$(GO) test -race ./...

## fuzz-short: every Fuzz test of the main module for FUZZTIME (default 10000 inputs) each.
fuzz-short:
	FUZZTIME=$(FUZZTIME) bash tools/fuzz-short.sh

## breaking: check proto/ for wire or JSON breaking changes against BASE (default main).
breaking: protodeps
	BASE=$(BASE) bash tools/breaking.sh

// Package contract holds tests of the API contract in proto/ccgw/v1 as it is
// generated into gen/: that the REST bindings are the ones README.md
// documents, that the OpenAPI document covers every one of them, that the
// protovalidate rules accept their edge values and reject the values just
// outside, and that the generators and runtimes are pinned consistently.
//
// The package has no non-test code; it exists so that these checks run with
// every `go test ./...`.
package contract

// Command protoc-gen-ccgw-openapi writes the OpenAPI 3.1 document of the bridge's REST API
// (gen/openapi/ccgw.openapi.json) from the contract's descriptors. `make generate` runs it
// through buf as a local plugin over every file at once.
//
// It exists because no generator reachable from the Go module proxy writes OpenAPI 3.1 with
// what REST clients need: `required` lists, the protovalidate limits (patterns, lengths,
// ranges, item counts), readable operation ids, one error schema, and the event streams
// described as NDJSON and server-sent events with their item schema. It describes what the
// bridge's REST layer (grpc-gateway's default protojson marshaller) actually does:
//
//   - field names are the JSON (lowerCamel) names; enums are their names; 64-bit integers are
//     decimal strings in responses (numbers are accepted in requests);
//   - responses carry every field, zero values included (EmitUnpopulated), except oneof
//     members and proto3 `optional` fields that are unset; an unset message field is null;
//   - a request field is required when its validation rules reject its zero value.
//
// A rule the generator cannot express fails the generation instead of weakening the document.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/pluginpb"
)

func main() {
	protogen.Options{}.Run(func(plugin *protogen.Plugin) error {
		plugin.SupportedFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL |
			pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS)
		plugin.SupportedEditionsMinimum = 1000 // EDITION_PROTO2
		plugin.SupportedEditionsMaximum = 1001 // EDITION_2023
		doc, err := newDocument(plugin)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
		name := "ccgw.openapi.json"
		for _, p := range strings.Split(plugin.Request.GetParameter(), ",") {
			if v, ok := strings.CutPrefix(p, "out="); ok {
				name = v
			} else if p != "" {
				return fmt.Errorf("unknown parameter %q", p)
			}
		}
		_, err = plugin.NewGeneratedFile(name, "").Write(buf.Bytes())
		return err
	})
}

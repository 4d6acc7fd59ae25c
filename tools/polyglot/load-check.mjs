// load-check.mjs loads the contract with @grpc/proto-loader, as a Node.js
// gRPC (@grpc/grpc-js) user would, and checks that the services and the
// validation rules came through (protobufjs silently drops what it cannot
// represent, so loading alone proves too little).
// Usage: node load-check.mjs PROTO_DIR IMPORTS_DIR FILE...
import { createRequire } from "node:module";

const require = createRequire(new URL("./node_modules/", import.meta.url));
const loader = require("@grpc/proto-loader");
const protobufjs = require("protobufjs/package.json");

const [dir, deps, ...files] = process.argv.slice(2);
const def = loader.loadSync(files, { includeDirs: [dir, deps] });

const fail = (msg) => {
  console.error(`load-check: ${msg}`);
  process.exit(1);
};
for (const [service, methods] of [
  ["ccgw.v1.AgentSessionService", ["SignIn", "SignOut", "GetSession", "ListSessions"]],
  ["ccgw.v1.AgentEventService", ["StreamEvents"]],
  ["ccgw.v1.CallControlService", ["CallInnerSkill", "TransferSession"]],
]) {
  for (const m of methods) {
    if (!def[service]?.[m]) fail(`${service}/${m} is missing`);
  }
}
// The rules, read with protobufjs itself (proto-loader's descriptors keep no
// custom options). proto-loader registered the google/protobuf files above.
const protobuf = require("protobufjs");
const fs = require("node:fs");
const path = require("node:path");
const root = new protobuf.Root();
root.resolvePath = (_origin, target) =>
  [dir, deps].map((d) => path.join(d, target)).find((p) => fs.existsSync(p)) ?? target;
root.loadSync(files, { keepCase: true }).resolveAll();
const cel = JSON.stringify(root.lookup("ccgw.v1.agent_id").parsedOptions);
for (const id of ["ccgw.agent_id.format", "ccgw.agent_id.range"]) {
  if (!cel.includes(`"${id}"`)) fail(`rule ${id} of ccgw.v1.agent_id was lost: ${cel}`);
}
const items = root.lookupType("ccgw.v1.StreamEventsRequest").fields.agent_ids.options ?? {};
if (items["(buf.validate.field).repeated.items.string.(ccgw.v1.agent_id)"] !== true) {
  fail(`StreamEventsRequest.agent_ids lost its item rule: ${JSON.stringify(items)}`);
}
console.log(`load-check: @grpc/proto-loader (protobufjs ${protobufjs.version}) loaded ${files.length} files with their rules`);

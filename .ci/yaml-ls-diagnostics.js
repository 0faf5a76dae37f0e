// Opens YAML files in yaml-language-server, as an editor does, and prints the diagnostics it
// publishes for each: {"path": [{"line": 1, "column": 1, "message": "..."}]}, lines and
// columns from 1. The files' `# yaml-language-server: $schema=...` modelines pick their
// schema, or the `yaml.schemas` of SETTINGS (VS Code's settings.json; `-` for none), whose
// paths are relative to the workspace folder ROOT. SchemaStore is off: no schema comes from
// the network.
//
//     node yaml-ls-diagnostics.js SERVER ROOT SETTINGS FILE...
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");

const [server, root, settingsFile, ...files] = process.argv.slice(2);
const vscode = settingsFile === "-" ? {} : JSON.parse(fs.readFileSync(settingsFile, "utf8"));
const settings = {
  yaml: { validate: true, schemaStore: { enable: false }, format: { enable: false }, schemas: vscode["yaml.schemas"] || {} },
};
const rootUri = pathToFileURL(path.resolve(root)).href;
const child = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
const uris = new Map(files.map((f) => [pathToFileURL(path.resolve(f)).href, f]));
const found = new Map();
let nextId = 1;

function send(message) {
  const body = JSON.stringify({ jsonrpc: "2.0", ...message });
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function receive(message) {
  if (message.method === "workspace/configuration") {
    send({ id: message.id, result: message.params.items.map(() => settings.yaml) });
  } else if (message.id !== undefined && message.method) {
    send({ id: message.id, result: null });
  } else if (message.method === "textDocument/publishDiagnostics") {
    const file = uris.get(message.params.uri);
    if (file === undefined) return;
    found.set(
      file,
      message.params.diagnostics.map((d) => ({
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        message: d.message,
      })),
    );
  } else if (message.id === 1) {
    send({ method: "initialized", params: {} });
    send({ method: "workspace/didChangeConfiguration", params: { settings } });
    for (const [uri, file] of uris) {
      const text = fs.readFileSync(file, "utf8");
      send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "yaml", version: 1, text } } });
    }
  }
}

let buffer = Buffer.alloc(0);
child.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const header = buffer.indexOf("\r\n\r\n");
    if (header < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())[1]);
    if (buffer.length < header + 4 + length) return;
    receive(JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString()));
    buffer = buffer.subarray(header + 4 + length);
  }
});

send({
  id: nextId++,
  method: "initialize",
  params: {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: "project" }],
    capabilities: { workspace: { configuration: true, workspaceFolders: true } },
  },
});

// The server validates each document once it has its schema, and publishes again when a
// schema arrives late: the answers are read once they have stopped coming.
let settled = 0;
let seen = -1;
const timer = setInterval(() => {
  const count = [...found.values()].reduce((n, d) => n + d.length + 1, 0);
  settled = count === seen && found.size === uris.size ? settled + 1 : 0;
  seen = count;
  if (settled >= 4) {
    clearInterval(timer);
    child.kill();
    process.stdout.write(JSON.stringify(Object.fromEntries(found), null, 1) + "\n", () => process.exit(0));
  }
}, 500);
setTimeout(() => {
  const missing = files.filter((f) => !found.has(f));
  console.error(`yaml-language-server published nothing for ${missing.join(", ")} in 60 s`);
  process.exit(1);
}, 60000);

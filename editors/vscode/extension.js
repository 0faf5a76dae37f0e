// walint for VS Code: a language client that starts `walint server` for the workspace's
// JSON and YAML files. Everything else (diagnostics, quick fixes, source.fixAll.walint,
// hover) comes from the server; see docs/editors.md.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate() {
  const command = vscode.workspace.getConfiguration("walint").get("path") || "walint";
  const serverOptions = { command, args: ["server"] };
  const clientOptions = {
    documentSelector: ["json", "jsonc", "yaml"].map((language) => ({ scheme: "file", language })),
    // Files changed on disk (a walint.yaml, a template another tool wrote) are told to the
    // server, which reads them again.
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{json,yaml,yml}"),
    },
  };
  client = new LanguageClient("walint", "walint", serverOptions, clientOptions);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

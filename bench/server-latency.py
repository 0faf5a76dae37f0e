#!/usr/bin/env python3
"""How long `walint server` takes to publish the diagnostics of a document after a keystroke.

    bench/server-latency.py [--walint PATH] [--edits N] CORPUS

Starts `walint server` with CORPUS as the workspace (every file of it checked, as `walint
check CORPUS` would), opens one template that flows of the corpus send and one flow, then
sends N `didChange`s of the template, each with a different text, and times each from the
change sent to its diagnostics received (the template's own rules, then the cross-file rules
over the whole workspace, then the diagnostics of both open documents). The same edits are
timed on a workspace of that template alone, and one `walint check` of the template's file is
timed as a process: the baselines the figure is compared with, in the same run.

Prints medians, 95th percentiles and maxima in milliseconds, and the ratios. A measurement,
not a test: it fails only when the server does not answer.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class Server:
    def __init__(self, walint, root):
        self.process = subprocess.Popen(
            [walint, "server"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.next_id = 0
        self.request(
            "initialize",
            {
                "processId": None,
                "capabilities": {},
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            },
        )
        self.notify("initialized", {})

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("server-latency.py: walint server closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def diagnostics_of(self, uri):
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics" and (
                message["params"]["uri"] == uri
            ):
                return message["params"]["diagnostics"]

    def open(self, path, language):
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                              "text": path.read_text(encoding="utf-8")}},
        )
        self.diagnostics_of(uri)
        return uri

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def edits_of(text, count):
    """`count` texts of the template, each a keystroke away from the one before: the body
    text grows by one letter, then shrinks back."""
    anchor = '"text": "Hello'
    if anchor not in text:
        sys.exit("server-latency.py: the template has no body starting `Hello`")
    texts = []
    for i in range(count):
        grown = i % 20 if (i // 20) % 2 == 0 else 20 - i % 20
        texts.append(text.replace(anchor, anchor + "x" * grown, 1))
    return texts


def time_edits(server, uri, texts):
    # Each change's diagnostics: the template's, published after the flow's or before it.
    times = []
    for version, text in enumerate(texts, start=2):
        started = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )
        server.diagnostics_of(uri)
        times.append(time.perf_counter() - started)
    return times


def summary(times):
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95, ordered[-1]


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--walint", default=None)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    root = args.corpus.resolve()
    walint = args.walint or shutil.which("walint")
    if walint is None:
        sys.exit("server-latency.py: no walint on PATH; pass --walint PATH")
    template = next(iter(sorted(root.glob("shared-templates/order_update_0.json"))), None)
    flows = sorted(root.glob("*/flows/*.yaml"))
    if template is None or not flows:
        sys.exit(f"server-latency.py: {root} is not a corpus of gen-corpus.py")
    files = sum(1 for p in root.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
    texts = edits_of(template.read_text(encoding="utf-8"), args.edits)

    started = time.perf_counter()
    server = Server(walint, root)
    uri = server.open(template, "json")
    startup = time.perf_counter() - started
    server.open(flows[0], "yaml")
    time_edits(server, uri, texts[:10])  # warm-up
    workspace = time_edits(server, uri, texts)
    server.close()

    with tempfile.TemporaryDirectory() as alone:
        alone = Path(alone)
        shutil.copy(template, alone / template.name)
        server = Server(walint, alone)
        uri = server.open(alone / template.name, "json")
        time_edits(server, uri, texts[:10])
        single = time_edits(server, uri, texts)
        server.close()
        check = []
        for _ in range(20):
            started = time.perf_counter()
            subprocess.run([walint, "check", template.name], cwd=alone,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            check.append(time.perf_counter() - started)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"walint server re-check latency, {args.edits} edits of {template.relative_to(root)} "
          f"(load average {load:.2f})")
    print(f"{'':38} {'median':>10} {'p95':>10} {'max':>10}")
    rows = [
        (f"workspace of {files} files", workspace),
        ("workspace of that file alone", single),
        ("`walint check FILE` (a process)", check),
    ]
    for name, times in rows:
        median, p95, worst = summary(times)
        print(f"{name:38} {ms(median):>10} {ms(p95):>10} {ms(worst):>10}")
    print(f"start-up with {files} files (start to the first document's diagnostics): {ms(startup)}")
    w, s, c = (summary(t)[0] for _, t in rows)
    print(f"median ratios: workspace / file alone {w / s:.1f}x, workspace / walint check "
          f"{w / c:.2f}x")


if __name__ == "__main__":
    main()

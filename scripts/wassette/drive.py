"""The MCP client of scripts/wassette.sh: speaks MCP (JSON-RPC, one message a
line) to `wassette run` over stdio, and writes docs/wassette.md from what it saw.

Sessions, each a fresh `wassette run`: first one with the plugin artifact
loaded, for its tool names and descriptions; then two with the tools artifact
loaded and the policy that scripts/wassette.sh wrote:

1. HEYGEN_BASE_URL at the simulator (127.0.0.1, granted): initialize, list
   the tools (each registry action must be there under its kebab-case name,
   with the WIT doc of `heygen-host tools` as its description), call
   `list-videos` with every field given (`title: null`) and compare the result
   with `heygen-host call list_videos` against the same simulator, then call it
   with `title` left out.
2. HEYGEN_BASE_URL at the same simulator as `localhost`, a host the policy does
   not grant: the call must fail without reaching it.

Exits 1 if any of these checks fails (the document is written either way)."""

import argparse
import json
import os
import select
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone


class Session:
    """One `wassette run` speaking MCP over its stdin and stdout."""

    def __init__(self, env_file, log_path, run="WASSETTE_RUN"):
        argv = shlex.split(os.environ[run]) + ["--env-file", env_file]
        self.log_path = log_path
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(log_path, "w"), text=True, bufsize=1)
        self.next_id = 0
        self.buffer = ""
        self.wait_loaded()

    def wait_loaded(self, timeout=60):
        """wassette 0.8.0 answers at once but loads components in the
        background: a call that comes first fails (`Tool not found`) or, as
        seen once, runs without the component's policy. Its log says when the
        loading is done."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.log_path) as f:
                if "Background component loading completed" in f.read():
                    return
            if self.proc.poll() is not None:
                raise SystemExit("wassette exited: see " + self.log_path)
            time.sleep(0.05)
        raise SystemExit("wassette did not load the component within %d s" % timeout)

    def send(self, message):
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def request(self, method, params=None, timeout=120):
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        deadline = time.monotonic() + timeout
        while True:
            line = self.read_line(deadline)
            reply = json.loads(line)
            if reply.get("id") == self.next_id and "method" not in reply:
                return reply

    def read_line(self, deadline):
        while "\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit("wassette did not answer in time")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536).decode()
                if not chunk:
                    raise SystemExit("wassette closed its stdout")
                self.buffer += chunk
        line, self.buffer = self.buffer.split("\n", 1)
        return line

    def initialize(self):
        reply = self.request("initialize", {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "heygen-plugin scripts/wassette.sh", "version": "0.1.0"},
        })
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply["result"]

    def call(self, name, arguments):
        return self.request("tools/call", {"name": name, "arguments": arguments})

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            # wassette 0.8.0 keeps running after its stdin ends.
            self.proc.terminate()
            self.proc.wait(timeout=10)


def env_file(path, values):
    with open(path, "w") as f:
        for k, v in values.items():
            f.write("%s=%s\n" % (k, v))
    return path


def snake(value):
    """wassette's JSON (WIT field names, kebab-case) in the card's spelling."""
    if isinstance(value, dict):
        return {k.replace("-", "_"): snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake(v) for v in value]
    return value


def result_of(reply):
    """The output record of a tools/call reply, or None."""
    structured = reply.get("result", {}).get("structuredContent")
    if isinstance(structured, dict) and "result" in structured:
        return structured["result"]
    return None


def text_of(reply):
    if "error" in reply:
        return "JSON-RPC error %s: %s" % (reply["error"].get("code"), reply["error"].get("message"))
    content = reply.get("result", {}).get("content", [])
    return " ".join(c.get("text", "") for c in content if c.get("type") == "text")


def main():
    ap = argparse.ArgumentParser()
    for arg in ("base", "key", "host", "policy", "version", "route", "wheel", "component", "log", "doc"):
        ap.add_argument("--" + arg, required=True)
    a = ap.parse_args()
    started = time.monotonic()
    work = os.path.dirname(a.log)
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print("FAIL " + what, file=sys.stderr)

    manifest = json.loads(subprocess.run([a.host, "tools"], check=True, capture_output=True, text=True).stdout)
    actions = {x["name"].replace("_", "-"): x for x in manifest["actions"]}
    granted = {"HEYGEN_API_KEY": a.key, "HEYGEN_BASE_URL": a.base}

    # 0. The plugin artifact, for comparison: what its interface export looks like.
    p = Session(env_file(os.path.join(work, "granted.env"), granted), a.log + ".plugin", run="WASSETTE_RUN_PLUGIN")
    p.initialize()
    plugin_tools = [t for t in p.request("tools/list")["result"]["tools"]
                    if t["name"].endswith(tuple("_" + n for n in actions))]
    p.close()
    check(len(plugin_tools) == len(actions), "the plugin artifact's tools are listed")

    # 1. The granted session.
    s = Session(env_file(os.path.join(work, "granted.env"), granted), a.log + ".granted")
    info = s.initialize()
    tools = s.request("tools/list")["result"]["tools"]
    ours = [t for t in tools if t["name"] in actions]
    builtin = [t["name"] for t in tools if t["name"] not in actions]
    check([t["name"] for t in ours] == list(actions), "tools/list has every action, in order")
    for t in ours:
        check(t.get("description") == actions[t["name"]]["description"],
              "%s: description is the WIT doc" % t["name"])

    args = {"input": {"limit": 2, "title": None}}
    call = s.call("list-videos", args)
    got = result_of(call)
    reference = json.loads(subprocess.run(
        [a.host, "call", "list_videos", json.dumps({"limit": 2})], check=True, capture_output=True,
        text=True, env=dict(os.environ, **granted)).stdout)
    check(got is not None and got.get("success") is True, "list-videos succeeds under wassette")
    check(snake(got) == reference, "list-videos equals heygen-host call's output")

    omitted = s.call("list-videos", {"input": {"limit": 2}})
    omitted_text = text_of(omitted)
    check(result_of(omitted) is None, "a left-out optional field is refused by wassette")
    s.close()

    # 2. A host the policy does not grant: the same simulator, as `localhost`.
    port = a.base.rsplit(":", 1)[1]
    denied_base = "http://localhost:%s" % port
    d = Session(env_file(os.path.join(work, "denied.env"), dict(granted, HEYGEN_BASE_URL=denied_base)),
                a.log + ".denied")
    d.initialize()
    denied = d.call("list-videos", args)
    d.close()
    denied_result = result_of(denied) or {}
    denied_error = denied_result.get("error") or ""
    check(denied_result.get("success") is False and denied_error.startswith(("request_denied:", "transport_error:")),
          "a host outside the policy is refused")

    write_doc(a, info, ours, builtin, plugin_tools, args, call, got, reference, omitted_text, denied_base,
              denied, failures, time.monotonic() - started)
    sys.exit(1 if failures else 0)


def write_doc(a, info, ours, builtin, plugin_tools, args, call, got, reference, omitted_text, denied_base,
              denied, failures, seconds):
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    server = info.get("serverInfo", {})
    component = os.path.relpath(a.component, os.getcwd())
    with open(a.policy) as f:
        policy = f.read().rstrip()
    rows = ["| tool | characters | description (first line; the whole WIT doc is sent) |", "|---|---|---|"]
    for t in ours:
        first = (t.get("description") or "").split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
        rows.append("| `%s` | %d | %s |" % (t["name"], len(t["name"]), first))
    lines = [
        "# The tools artifact under wassette",
        "",
        "Generated by `scripts/wassette.sh` on %s (the MCP sessions took %.0f s; opt-in, not part of CI). wassette %s (%s), "
        "the MCP server %s %s, ran %s. It loaded `%s` and served it over MCP on stdio to a small client "
        "(`scripts/wassette/drive.py`), against the HeyGen simulator (`heygen-host simulator`) on loopback. "
        "Regenerate it with the script; do not edit it by hand."
        % (date, seconds, a.version.split()[0], a.wheel, server.get("name", "?"), server.get("version", "?"),
           a.route, component),
        "",
        "## Policy",
        "",
        "wassette grants nothing by default. The component's policy (`heygen_tools.policy.yaml` next to the "
        "loaded component) is the README's with the simulator's loopback address as the only allowed host "
        "(wassette matches the host, any port):",
        "",
        "```yaml",
        policy,
        "```",
        "",
        "wassette 0.8.0 answers MCP requests before it has loaded its components (they load in the "
        "background): a call that comes first fails with `Tool not found`, and once, while this script was "
        "written, a call right after start was refused as if no policy were attached (`request_denied:` "
        "for the granted 127.0.0.1). So the client waits for wassette's log line `Background component "
        "loading completed` before its first request.",
        "",
        "## Tools",
        "",
        "`tools/list` gave %d tools from the component, named after the actions (the world exports them "
        "directly, so no `modulex_heygen_actions_0_1_0_` prefix), each described by its WIT doc "
        "(from the `package-docs` section embedded in the component's core module, where wassette finds it), "
        "word for word what `heygen-host tools` says; and wassette's "
        "own %d tools (%s)." % (len(ours), len(builtin), ", ".join("`%s`" % b for b in builtin)),
        "",
    ] + rows + [
        "",
        "For comparison, the plugin artifact (`heygen_plugin.wasm`, which exports the `actions` interface) "
        "loaded the same way gives the same tools under the interface's path and without their docs:",
        "",
        "| tool | characters | description |",
        "|---|---|---|",
    ] + ["| `%s` | %d | %s |" % (t["name"], len(t["name"]), (t.get("description") or "").replace("|", "\\|"))
         for t in plugin_tools] + [
        "",
        "Each tool takes one argument, `input`, the WIT record, with kebab-case field names; wassette "
        "marks **every field required**, options included (`anyOf: [null, …]`), and returns the output "
        "record as `structuredContent.result`, also in kebab-case.",
        "",
        "## A real call",
        "",
        "`tools/call` `list-videos` with `%s`:" % json.dumps(args),
        "",
        "```json",
        json.dumps(got, indent=2),
        "```",
        "",
        "%s `heygen-host call list_videos '{\"limit\":2}'` against the same simulator (field names aside)."
        % ("Equal to" if snake(got) == reference else "**Not equal** to"),
        "",
        "The same call with `title` left out (`{\"input\": {\"limit\": 2}}`) is refused by wassette before "
        "the component runs:",
        "",
        "```text",
        omitted_text,
        "```",
        "",
        "So agents using such hosts must send every record field, `null` for options they do not use.",
        "",
        "## A host outside the policy",
        "",
        "With `HEYGEN_BASE_URL=%s` (the same simulator, named by a host the policy does not grant), "
        "`list-videos` answered:" % denied_base,
        "",
        "```json",
        json.dumps(result_of(denied) or denied, indent=2),
        "```",
        "",
    ]
    if failures:
        lines += ["## Failures", ""] + ["- " + f for f in failures] + [""]
    with open(a.doc, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Helpers for scripts/conformance.sh (standard library only).

  conform.py cases CASES.json EXTRA.tsv OUT.tsv
                                   the case table: every registry example
                                   (`heygen-host docs cases`) plus the extra
                                   cases of EXTRA.tsv
  conform.py wave MANIFEST ACTION JSON
                                   the WAVE call for `wasmtime run --invoke`
  conform.py from-wave MANIFEST ACTION
                                   WAVE output on stdin -> card JSON on stdout
  conform.py wash-project SRC DST GEN BASE_URL PORT FACE [EXTRA_ENV]
                                   deploy/wasmcloud/.wash/config.yaml made
                                   to run against the simulator (EXTRA_ENV:
                                   NAME=VALUE,… added to the component's)
  conform.py mcp-call URL TOKEN ACTION JSON OUT
                                   the action as an MCP `tools/call` POSTed to
                                   URL (the HTTP face's /mcp); its card, the
                                   result's structuredContent, goes to OUT
  conform.py report OUT_DIR DOC    compare every host's outputs with the
                                   reference, write the Markdown table DOC,
                                   exit 1 if a host that ran failed a comparison

The card's JSON and the WIT records carry the same data: WIT field names are
the card's names in kebab-case, `option` is `null`, enums are their case names,
and template `variables` travel as JSON text. Every record is read from the
manifest (`heygen-host tools`: each action's input and output schema), so no
record is written out here.
"""

import json
import re
import sys
from pathlib import Path

def load_manifest(path):
    """The manifest's actions by name."""
    return {a["name"]: a for a in json.loads(Path(path).read_text())["actions"]}


# --- JSON arguments -> WAVE call -------------------------------------------------

def wave_string(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def wave_value(schema, value):
    """`value` (card JSON) as the WAVE value of the argument `schema`."""
    kind = schema.get("type")
    if "enum" in schema:
        return value.replace("_", "-")
    if kind == ["object", "string"]:  # JSON text; JSON callers may pass the object
        return wave_string(value if isinstance(value, str) else json.dumps(value))
    if kind == ["string", "integer"]:  # text; JSON callers may pass a number
        return wave_string(str(value))
    if kind == "string":
        return wave_string(value)
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return repr(float(value))
    if kind == "integer":
        return str(int(value))
    if kind == "array":
        return "[" + ", ".join(wave_value(schema["items"], v) for v in value) + "]"
    raise ValueError("no WAVE for the schema %r" % (schema,))


def wave_call(manifest, action, args):
    """`create-talking-photo({talking-photo-id: "…", …})`: the arguments given
    (an option left out is `none` to the CLI)."""
    name = action.replace("_", "-")
    schema = manifest[action]["input_schema"]
    props, required = schema["properties"], schema.get("required", [])
    if not props:
        return name + "()"
    unknown = set(args) - set(props)
    if unknown:
        raise SystemExit("unknown arguments for %s: %s" % (action, sorted(unknown)))
    fields = []
    for f, value in args.items():
        if value is None:
            continue
        wave = wave_value(props[f], value)
        fields.append("%s: %s" % (f.replace("_", "-"), wave if f in required else "some(%s)" % wave))
    if not fields:
        # `{}` is WAVE's empty flags, not a record: name a field as `none`.
        fields.append("%s: none" % next(iter(props)).replace("_", "-"))
    return "%s({%s})" % (name, ", ".join(fields))


# --- WAVE value -> JSON --------------------------------------------------------

class Wave:
    """A small parser for the WAVE values the plugin returns: records, lists,
    strings, options, bools, numbers and enum/variant labels."""

    TOKEN = re.compile(r"\s*(?:(?P<punct>[{}\[\](),:])|(?P<str>\"(?:[^\"\\]|\\.)*\")"
                       r"|(?P<chr>'(?:[^'\\]|\\.)+')|(?P<word>[A-Za-z0-9_.+%-]+))")

    def __init__(self, text):
        self.tokens = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError("cannot parse WAVE at %r" % text[pos:pos + 40])
            self.tokens.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, expected=None):
        tok = self.peek()
        if expected is not None and tok[1] != expected:
            raise ValueError("expected %r, got %r" % (expected, tok[1]))
        self.i += 1
        return tok

    def value(self):
        kind, tok = self.take()
        if tok == "{":
            return self.record()
        if tok == "[":
            items = []
            while self.peek()[1] != "]":
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take(",")
            self.take("]")
            return items
        if kind == "str":
            return unescape(tok[1:-1])
        if kind == "chr":
            return unescape(tok[1:-1])
        if tok in ("true", "false"):
            return tok == "true"
        if tok == "none":
            return None
        if tok in ("some", "ok", "err") and self.peek()[1] == "(":
            self.take("(")
            inner = self.value()
            self.take(")")
            return inner
        if kind == "word" and re.fullmatch(r"[-+]?(\d+(\.\d*)?([eE][-+]?\d+)?|nan|inf)", tok):
            number = float(tok)
            return int(number) if re.fullmatch(r"[-+]?\d+", tok) else number
        if kind == "word":
            return tok  # an enum case (or a variant without payload)
        raise ValueError("unexpected %r" % tok)

    def record(self):
        fields = {}
        while self.peek()[1] != "}":
            _, name = self.take()
            self.take(":")
            fields[name.replace("-", "_")] = self.value()
            if self.peek()[1] == ",":
                self.take(",")
        self.take("}")
        return fields


def unescape(body):
    def repl(m):
        esc = m.group(1)
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(esc, esc)
    return re.sub(r"\\(u\{[0-9a-fA-F]+\}|.)", repl, body)


def with_absent_fields(schema, value, defs):
    """`value` with every field `schema` declares and the CLI left out (it
    prints no `none` field) set to null, recursively through lists."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        return {f: with_absent_fields(props[f], value.get(f), defs) if f in value else None for f in props} \
            | {k: v for k, v in value.items() if k not in props}
    if isinstance(value, list) and "items" in schema:
        return [with_absent_fields(schema["items"], v, defs) for v in value]
    return value


def from_wave(manifest, text, action):
    """The card's JSON for an action's WAVE output."""
    parser = Wave(text)
    value = parser.value()
    if parser.i != len(parser.tokens):
        raise ValueError("trailing WAVE text")
    if not isinstance(value, dict):
        raise ValueError("not a record: %r" % (value,))
    schema = manifest[action]["output_schema"]
    return with_absent_fields(schema, value, schema.get("$defs", {}))


# --- comparison and report -----------------------------------------------------

FRESH_ID = re.compile(r"^[0-9a-f]{32}$")


def normalize(action, output):
    """What may legitimately differ between two runs of the same input: a
    create's `video_id` is compared by shape (32 hex digits, as the
    simulator issues them), and a new or rotated webhook secret, which is
    random, by its `whsec_` form."""
    if not (isinstance(output, dict) and output.get("success")):
        return output
    if action.startswith("create_"):
        vid = output.get("video_id")
        output = dict(output, video_id="<fresh id>" if isinstance(vid, str) and FRESH_ID.match(vid) else vid)
    secret = output.get("secret")
    if isinstance(secret, str) and secret.startswith("whsec_"):
        output = dict(output, secret="<fresh secret>")
    return output


def first_difference(a, b, path="$"):
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return "%s: reference %s, host %s" % (path, json.dumps(a)[:80], json.dumps(b)[:80])
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return "%s.%s: only in %s" % (path, k, "reference" if k in a else "host")
            d = first_difference(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return "%s: reference has %d items, host %d" % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    return None if a == b else "%s: reference %s, host %s" % (path, json.dumps(a)[:80], json.dumps(b)[:80])


def read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def compare(ref_path, got_path, action):
    """(passed, note) for one host's output against the reference."""
    why = got_path.with_suffix(".why")
    if why.exists():
        return False, why.read_text().strip()
    if not got_path.exists():
        return False, "no output"
    got, ref = read_json(got_path), read_json(ref_path)
    if got is None:
        return False, "output is not JSON: %r" % got_path.read_text()[:120]
    if ref is None:
        return False, "no reference output"
    diff = first_difference(normalize(action, ref), normalize(action, got))
    return (diff is None), (diff or "")


def read_tsv(path, columns):
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        if line.strip():
            cells = line.split("\t") + [""] * columns
            rows.append(cells[:columns])
    return rows


def report(out_dir, doc):
    """docs/hosts.md from what scripts/conformance.sh left in OUT_DIR:
    hosts.tsv (id, name, version, why not run), cases.tsv (id, generation,
    action, label, status, json), HOST/CASE.json or HOST/CASE.why, notes.tsv,
    commands.txt, run.txt and failures.tsv."""
    out = Path(out_dir)
    hosts = read_tsv(out / "hosts.tsv", 4)
    cases = read_tsv(out / "cases.tsv", 6)
    date, machine, seconds = (out / "run.txt").read_text().splitlines()[:3]
    failed = [tuple(f) for f in read_tsv(out / "failures.tsv", 3)]
    ran = [h for h in hosts if not h[3] and h[0] != "reference"]
    rows = []
    for cid, gen, action, label, status, _json in cases:
        cells = ["`%s`" % action, label]
        # The reference must itself give the expected outcome, or every host
        # could "pass" by failing the same way.
        ref = read_json(out / "reference" / (cid + ".json"))
        expected = status == "200"
        if not isinstance(ref, dict) or ref.get("success") is not expected:
            failed.append(("`heygen-host call` (reference)", cid,
                           "the reference did not give success: %s: %s" % (str(expected).lower(), json.dumps(ref)[:200])))
            cells[1] += " (**unexpected**)"
        for hid, name, _version, _why in ran:
            ok, note = compare(out / "reference" / (cid + ".json"), out / hid / (cid + ".json"), action)
            cells.append("pass" if ok else "**FAIL**")
            if not ok:
                failed.append((name, cid, note))
        rows.append(cells)
    manifest_row = ["`GET /actions`", "v3"]
    for hid, name, _version, _why in ran:
        got = out / hid / "manifest.json"
        if got.exists() or got.with_suffix(".why").exists():
            ok, note = compare(out / "reference" / "manifest.json", got, "manifest")
            manifest_row.append("pass" if ok else "**FAIL**")
            if not ok:
                failed.append((name, "GET /actions", note))
        else:
            manifest_row.append("n/a")
    rows.append(manifest_row)

    lines = [
        "# Hosts: conformance run",
        "",
        "Generated by `scripts/conformance.sh` on %s (%s, %s s). Every host runs the same "
        "built artifacts (`target/wasm/heygen_plugin.wasm`, or `heygen_plugin_http.wasm` for "
        "HTTP faces), each host and API generation against a simulator of its own "
        "(`heygen-host simulator`, on loopback) that starts in the same state, with the same "
        "calls in the same order: every action's registry example (`heygen-host docs cases`) "
        "on each generation that has it, then the extra cases below. Each output JSON is "
        "compared with what `heygen-host call ACTION JSON` printed for the same input. "
        "Regenerate it with the script; do not edit it by hand." % (date, machine, seconds),
        "",
        "| host | version |",
        "|---|---|",
    ]
    lines += ["| %s | %s |" % (name, ("not run: " + why) if why else version) for _hid, name, version, why in hosts]
    lines += [
        "",
        "| action | case | " + " | ".join(name for _hid, name, _v, _w in ran) + " |",
        "|" + "---|" * (len(ran) + 2),
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    lines += [
        "",
        "**What is compared.** The whole output JSON, field for field. Only two fields are "
        "normalized: `video_id` in a successful create is checked by shape (32 hex digits, as "
        "the simulator issues ids), and a new or rotated webhook `secret`, which is random, by "
        "its `whsec_` form; `success`, `error`, `status` and the rest must be equal. \"v3 "
        "`test` refused\" is an error path: `test: true` on v3 is refused with `unsupported:` "
        "before anything is sent, and the error text must match word for word. `GET /actions` "
        "is compared with `heygen-host tools`. In the MCP columns each case is a `tools/call` at "
        "`/mcp` and the output compared is the result's `structuredContent`; the HTTP faces serve "
        "REST and MCP from one artifact, each route from a server and simulator of its own.",
        "",
        "The tools artifact (`heygen_tools.wasm`, for hosts that turn exports into MCP tools) is run "
        "under wassette by the opt-in `scripts/wassette.sh`, which writes [wassette.md](wassette.md).",
        "",
        "## Notes",
        "",
    ]
    names = {h[0]: h[1] for h in hosts}
    lines += ["- %s: %s" % (names.get(hid, hid), text) for hid, text in read_tsv(out / "notes.tsv", 2)]
    lines += ["", "## Commands", "", "```sh"] + (out / "commands.txt").read_text().splitlines() + ["```", ""]
    if failed:
        lines += ["## Failures", ""] + ["- %s, `%s`: %s" % f for f in failed] + [""]
    Path(doc).write_text("\n".join(lines))
    for f in failed:
        print("FAIL %s %s: %s" % f, file=sys.stderr)
    return 1 if failed else 0


def wash_project(src, dst, gen, base, port, face, extra_env=""):
    """The deploy file with loopback values: each swap must apply exactly once,
    so an edit to the deploy file cannot silently leave the run testing
    something else."""
    text = Path(src).read_text()
    hostport = base.split("://", 1)[1].rstrip("/")
    swaps = [
        (r"component_path: \.\./\.\./target/wasm/heygen_plugin_http\.wasm", "component_path: " + face),
        (r"address: 127\.0\.0\.1:8000", "address: 127.0.0.1:%s" % port),
        (r'allowedHosts: \["api\.heygen\.com"\]', 'allowedHosts: ["%s"]' % hostport),
        (r"( *)HEYGEN_API_VERSION: v3",
         '\\1HEYGEN_API_VERSION: %s\n\\1HEYGEN_BASE_URL: %s\n\\1HEYGEN_FACE_OPEN: "1"' % (gen, base)
         + "".join('\n\\1%s: "%s"' % tuple(pair.split("=", 1)) for pair in extra_env.split(",") if pair)),
    ]
    for pattern, replacement in swaps:
        text, n = re.subn(pattern, replacement, text)
        if n != 1:
            raise SystemExit("%s: expected one `%s`, found %d" % (src, pattern, n))
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    Path(dst).write_text(text)


def mcp_call(url, token, action, arguments, out):
    """One `tools/call` through MCP's Streamable HTTP transport, as a client
    that takes JSON or an event stream; the card (`structuredContent`) is
    written to OUT. Exits 1, saying why, if the answer is not a result."""
    import urllib.error
    import urllib.request

    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
               "params": {"name": action, "arguments": json.loads(arguments)}}
    request = urllib.request.Request(url, data=json.dumps(message).encode(), method="POST", headers={
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
        "Authorization": "Bearer " + token,
    })
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            kind, body = answer.headers.get("content-type", ""), answer.read().decode()
    except urllib.error.HTTPError as e:
        raise SystemExit("HTTP %d: %s" % (e.code, e.read()[:200]))
    if kind.startswith("text/event-stream"):
        data = [line[5:].strip() for line in body.splitlines() if line.startswith("data:")]
        body = data[-1] if data else ""
    reply = json.loads(body)
    if "result" not in reply:
        raise SystemExit("no result: %s" % body[:200])
    Path(out).write_text(json.dumps(reply["result"]["structuredContent"], indent=2))


def cases(registry_json, extra_tsv, out_tsv):
    """cases.tsv (id, generation, action, label, HTTP status, JSON): every
    registry example (`heygen-host docs cases`: it succeeds, so 200), then
    the extra cases of EXTRA.tsv (the same columns)."""
    rows = []
    for case in json.loads(Path(registry_json).read_text()):
        gen, action = case["generation"], case["action"]
        rows.append([gen + "." + action, gen, action, gen, "200", json.dumps(case["arguments"])])
    rows += read_tsv(Path(extra_tsv), 6)
    Path(out_tsv).write_text("".join("\t".join(r) + "\n" for r in rows))


def main(argv):
    if len(argv) == 4 and argv[0] == "cases":
        cases(*argv[1:])
    elif len(argv) == 4 and argv[0] == "wave":
        print(wave_call(load_manifest(argv[1]), argv[2], json.loads(argv[3])))
    elif len(argv) == 3 and argv[0] == "from-wave":
        print(json.dumps(from_wave(load_manifest(argv[1]), sys.stdin.read(), argv[2]), indent=2))
    elif len(argv) in (7, 8) and argv[0] == "wash-project":
        wash_project(*argv[1:])
    elif len(argv) == 6 and argv[0] == "mcp-call":
        mcp_call(*argv[1:])
    elif len(argv) == 3 and argv[0] == "report":
        return report(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

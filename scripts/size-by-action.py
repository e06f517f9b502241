#!/usr/bin/env python3
"""Bytes of the plugin's code by action.

    scripts/size-by-action.py [COMPONENT.wasm]

Builds (unless given) the plugin component with the release `component`
profile, but with symbol names kept (`strip = false`, v0 mangling, so a
generic like `run::<CreateLipsync>` carries the action's type), in
`target/size-by-action`; then reads the main core module's code section and
name section and adds up each function's body size under the action whose
export (`#create-lipsync`, into which LTO inlines most of an action), module
(`create_lipsync`) or type (`CreateLipsync`) its name contains; the rest is
shared code (the runner, JSON, the HTTP client, std).

Before `wasm-opt`, which the published plugin goes through (it takes about a
sixth off): the figures are for comparing actions, not the shipped size.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def leb(data, i):
    """An unsigned LEB128 at `i`: (value, next index)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data, start=8):
    """(id, payload) of each section after the 8-byte preamble."""
    i = start
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, data[i:i + size]
        i += size


def main_module(component):
    """The largest core module inside a component (section 1)."""
    return max((p for sid, p in sections(component) if sid == 1), key=len)


def functions(module):
    """{function name: body size} of a core module."""
    imported = 0
    bodies = []
    names = {}
    for sid, payload in sections(module):
        if sid == 2:  # imports: functions among them shift the indices
            count, i = leb(payload, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(payload, i)
                    i += n
                kind = payload[i]
                i += 1
                if kind == 0:
                    _, i = leb(payload, i)
                    imported += 1
                elif kind == 1:  # table: reftype, limits
                    i += 1
                    flags = payload[i]
                    _, i = leb(payload, i + 1)
                    if flags & 1:
                        _, i = leb(payload, i)
                elif kind == 2:  # memory: limits
                    flags = payload[i]
                    _, i = leb(payload, i + 1)
                    if flags & 1:
                        _, i = leb(payload, i)
                elif kind == 3:  # global: type, mutability
                    i += 2
                else:
                    _, i = leb(payload, i)
        elif sid == 10:
            count, i = leb(payload, 0)
            for _ in range(count):
                size, j = leb(payload, i)
                bodies.append(size + (j - i))
                i = j + size
        elif sid == 0:
            n, i = leb(payload, 0)
            if payload[i:i + n] != b"name":
                continue
            i += n
            while i < len(payload):
                sub = payload[i]
                size, i = leb(payload, i + 1)
                end = i + size
                if sub == 1:
                    count, k = leb(payload, i)
                    for _ in range(count):
                        index, k = leb(payload, k)
                        n, k = leb(payload, k)
                        names[index] = payload[k:k + n].decode("utf-8", "replace")
                        k += n
                i = end
    return {names.get(imported + n, f"func[{imported + n}]"): size for n, size in enumerate(bodies)}


def actions():
    """The registry's modules, from src/actions/*.rs (minus the plumbing)."""
    plumbing = {"mod", "entry", "card", "testing"}
    return sorted(p.stem for p in (ROOT / "src/actions").glob("*.rs") if p.stem not in plumbing)


def camel(name):
    return "".join(w.capitalize() for w in name.split("_"))


def build():
    target = ROOT / "target/size-by-action"
    env = dict(os.environ)
    env["CARGO_PROFILE_COMPONENT_STRIP"] = "false"
    env["RUSTFLAGS"] = "-C symbol-mangling-version=v0"
    subprocess.run(
        ["cargo", "build", "-q", "-p", "heygen-plugin-component", "--target", "wasm32-wasip2",
         "--profile", "component", "--target-dir", str(target)],
        cwd=ROOT, env=env, check=True)
    return target / "wasm32-wasip2/component/heygen_plugin_component.wasm"


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else build()
    funcs = functions(main_module(path.read_bytes()))
    names = actions()
    # Longest names first, so `get_video_agent_session` is not taken for `get_video`.
    # The export (`…#create-lipsync`, into which LTO inlines most of the
    # action), the module path and the type of its generic instances.
    patterns = sorted(((a, re.compile(rf"#{a.replace('_', '-')}$|{a}(?![a-z_])|{camel(a)}(?![a-z])"))
                       for a in names),
                      key=lambda p: -len(p[0]))
    by_action = Counter()
    for name, size in funcs.items():
        owner = next((a for a, pattern in patterns if pattern.search(name)), "(shared)")
        by_action[owner] += size
    total = sum(funcs.values())
    print(f"| action | code bytes (before wasm-opt) |\n|---|---|")
    for action, size in sorted(by_action.items(), key=lambda kv: -kv[1]):
        print(f"| `{action}` | {size:,} |")
    print(f"| all code | {total:,} ({len(funcs)} functions) |")


if __name__ == "__main__":
    main()

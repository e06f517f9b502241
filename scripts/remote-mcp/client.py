"""The official Python MCP SDK's Streamable HTTP client against the HTTP
face's `POST /mcp` (run by scripts/remote-mcp.sh, which starts the simulator
and `wasmtime serve`).

    python client.py URL TOKEN CASES.json

CASES.json is `heygen-host docs cases`: every action's example call. The
client initializes, lists the tools and checks their schemas, calls every
tool once with its v3 example (the card must say `success: true` and fit the
tool's output schema), waits for a video with a progress callback, is
refused bad arguments and calls without a token, and goes on working. First
the SDK's `Client` does the same in its default mode, which probes
`server/discover` and speaks the stateless revision 2026-07-28 (no
`initialize`; headers mirrored from the body), deletes aside. Exits non-zero on the first
failure, naming it.
"""

import asyncio
import json
import sys

import httpx2
import jsonschema
from mcp import ClientSession
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def check(condition, what):
    if not condition:
        raise SystemExit(f"FAILED: {what}")


def card(result):
    """The structured card of a tool result, checked against its text copy."""
    structured = result.structured_content
    check(structured is not None, "a result without structuredContent")
    text = result.content[0].text
    check(json.loads(text) == structured, "the text copy differs from structuredContent")
    check(result.is_error == (structured.get("success") is not True), "isError disagrees with success")
    return structured


async def wait_with_progress(client):
    """Creates a video with `client` (a session or a `Client`), waits for it
    with a progress callback, and returns the (progress, message) pairs."""
    created = card(await client.call_tool("create_talking_photo", {
        "talking_photo_id": "tp_anna_office",
        "input_text": "Hello over Streamable HTTP.",
        "voice_id": "5eed0000a1b2c3d4e5f6000000000000",
    }))
    notes = []

    async def on_progress(progress, total, message):
        notes.append((progress, message))

    waited = card(await client.call_tool(
        "wait_for_video", {"video_id": created["video_id"]}, progress_callback=on_progress))
    check(waited["status"] == "completed", f"the wait ended {waited}")
    return notes


async def refused_without_token(anonymous, token, label):
    """A call by `anonymous` (no token) must be refused, the token unnamed."""
    try:
        await anonymous.call_tool("get_remaining_credits", {})
        raise SystemExit(f"FAILED: {label}a call without a token was run")
    except SystemExit:
        raise
    except BaseException as refusal:  # the SDK's error for the 401
        text = str(refusal)
        check(token not in text, "the token appears in the refusal")
        print(f"{label}without a token: refused ({type(refusal).__name__}: {text[:100]})")


async def session_at(url, headers, stack):
    client = await stack.enter_async_context(create_mcp_http_client(headers=headers))
    read, write = await stack.enter_async_context(streamable_http_client(url, http_client=client))
    session = await stack.enter_async_context(ClientSession(read, write))
    return session


async def main(url, token, cases_path):
    from contextlib import AsyncExitStack

    cases = [c for c in json.load(open(cases_path)) if c["generation"] == "v3"]
    # Deletes last: the other examples read the account's webhook endpoint.
    cases.sort(key=lambda c: c["kind"] == "delete")
    await stateless(url, token, cases)
    async with AsyncExitStack() as stack:
        session = await session_at(url, {"Authorization": f"Bearer {token}"}, stack)
        init = await session.initialize()
        check(init.protocol_version == "2025-11-25", f"protocol version {init.protocol_version}")
        check(init.server_info.name == "heygen-plugin-http", f"server name {init.server_info.name}")

        tools = {t.name: t for t in (await session.list_tools()).tools}
        check(sorted(tools) == sorted(c["action"] for c in cases), f"tools {sorted(tools)}")
        for tool in tools.values():
            jsonschema.Draft202012Validator.check_schema(tool.input_schema)
            jsonschema.Draft202012Validator.check_schema(tool.output_schema)
        print(f"initialize and tools/list: {len(tools)} tools, schemas valid")

        for case in cases:
            result = await session.call_tool(case["action"], case["arguments"])
            got = card(result)
            check(got.get("success") is True, f"{case['action']}: {got}")
            jsonschema.validate(got, tools[case["action"]].output_schema)
        print(f"tools/call: every tool once ({len(cases)} calls), each card in its output schema")

        notes = await wait_with_progress(session)
        check([m for _, m in notes] == [
            "HeyGen status: pending", "HeyGen status: processing", "HeyGen status: completed"],
            f"progress {notes}")
        check([p for p, _ in notes] == sorted(p for p, _ in notes), f"progress must grow: {notes}")
        print(f"progress over SSE during a wait: {notes}")

        refused = card(await session.call_tool("retrieve_video_link", {"video_id": 5}))
        check(refused["error"].startswith("invalid_input:"), f"bad input answered {refused}")
        print("bad input: " + refused["error"][:80])

        anonymous = await session_at(url, {}, stack)
        await anonymous.initialize()
        check(len((await anonymous.list_tools()).tools) == len(tools), "an open tools/list")
        await refused_without_token(anonymous, token, "")

        credits = card(await session.call_tool("get_remaining_credits", {}))
        check(credits["success"] is True, f"after the refusals: {credits}")
        await session.send_ping()
        print("the first session goes on working")
    print("python SDK client: all checks passed")


async def stateless(url, token, cases):
    """The SDK's `Client` in its default mode (`auto`): `server/discover`,
    then the stateless revision for every request."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(
            create_mcp_http_client(headers={"Authorization": f"Bearer {token}"}))
        client = await stack.enter_async_context(
            Client(streamable_http_client(url, http_client=http), mode="auto"))
        version = client.session.protocol_version
        check(version == "2026-07-28", f"auto mode negotiated {version}")
        tools = {t.name: t for t in (await client.list_tools()).tools}
        check(sorted(tools) == sorted(c["action"] for c in cases), f"tools {sorted(tools)}")
        # The deletes run once, at the end of the handshake session below.
        for case in [c for c in cases if c["kind"] != "delete"]:
            got = card(await client.call_tool(case["action"], case["arguments"]))
            check(got.get("success") is True, f"{case['action']} (2026-07-28): {got}")
            jsonschema.validate(got, tools[case["action"]].output_schema)
        notes = [m for _, m in await wait_with_progress(client)]
        check(notes[-1:] == ["HeyGen status: completed"], f"progress {notes}")
        refused = card(await client.call_tool("retrieve_video_link", {"video_id": 5}))
        check(refused["error"].startswith("invalid_input:"), f"bad input answered {refused}")
        print(f"2026-07-28 (auto mode, server/discover): {len(tools)} tools, every tool once, "
              f"progress {notes}, bad input refused")

    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(create_mcp_http_client(headers={}))
        anonymous = await stack.enter_async_context(
            Client(streamable_http_client(url, http_client=http), mode="2026-07-28"))
        check(len((await anonymous.list_tools()).tools) == len(cases), "an open tools/list (2026-07-28)")
        await refused_without_token(anonymous, token, "2026-07-28 ")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    asyncio.run(main(*sys.argv[1:]))

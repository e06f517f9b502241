"""MCP clients (the official Python SDK's Streamable HTTP client) against the
HTTP face's `POST /mcp`, for scripts/wasmcloud-cluster.sh.

    python drive.py load URL TOKEN CASES.json CLIENTS SECONDS [--kill NAME=PID --standin STATE_URL] [--host-header H]
    python drive.py lost-create URL TOKEN --standin STATE_URL --pid NAME=PID...

`load`: CLIENTS sessions call read tools in turn for SECONDS; every card must
say `success: true`. With --kill, that host is killed with SIGKILL halfway,
and the stand-in must have the replicas spread evenly before, and all of
them running again on the survivors within 2 s after. Prints one JSON line
of figures (calls, errors, req/s, p50/p99 in ms, recovery).

`lost-create`: a create whose answer is lost with its host. The simulator
was started with `--stall-answer /v3/videos`, so the first create is made at
HeyGen but its answer never comes back; the host holding it is killed; the
stand-in does not repeat it (502); the client repeats it with the same
`idempotency_key` through another replica and must get one video, not two.

The read tools avoid `/v3/videos` paths, which the stalled create needs
first. Their arguments are `heygen-host docs cases`' v3 examples.
"""

import argparse
import asyncio
import json
import os
import signal
import statistics
import time
from contextlib import AsyncExitStack

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

READS = ["get_remaining_credits", "list_avatars", "get_voice", "list_templates",
         "list_translation_languages", "get_avatar_look"]
RECOVERY_LIMIT = 2.0


def fail(what):
    raise SystemExit(f"FAILED: {what}")


async def session_at(url, token, stack, host=None):
    headers = {"Authorization": f"Bearer {token}", **({"Host": host} if host else {})}
    client = await stack.enter_async_context(create_mcp_http_client(headers=headers))
    read, write = await stack.enter_async_context(streamable_http_client(url, http_client=client))
    session = await stack.enter_async_context(ClientSession(read, write))
    await session.initialize()
    return session


async def state(url):
    async with httpx2.AsyncClient() as http:
        return (await http.get(url)).json()


async def client_loop(args, calls, deadline, latencies, errors, offset):
    async with AsyncExitStack() as stack:
        session = await session_at(args.url, args.token, stack, args.host_header)
        turn = offset
        while time.monotonic() < deadline:
            name, arguments = calls[turn % len(calls)]
            turn += 1
            started = time.perf_counter()
            try:
                result = await session.call_tool(name, arguments)
                card = result.structured_content or {}
                if result.is_error or card.get("success") is not True:
                    errors.append(f"{name}: {card.get('error') or result.content}")
            except Exception as e:  # an HTTP error from the router or a host
                errors.append(f"{name}: {type(e).__name__}: {e}")
            latencies.append(time.perf_counter() - started)


async def load(args):
    cases = json.load(open(args.cases))
    calls = [(c["action"], c["arguments"]) for c in cases if c["generation"] == "v3" and c["action"] in READS]
    if len(calls) != len(READS):
        fail(f"cases for {READS}: found {[c[0] for c in calls]}")
    latencies, errors, figures = [], [], {}
    started = time.monotonic()
    deadline = started + args.seconds
    clients = [client_loop(args, calls, deadline, latencies, errors, i) for i in range(args.clients)]
    killer = None
    if args.kill:
        name, pid = args.kill.split("=")
        before = await state(args.standin)
        figures["spread_before"] = before["spread"]
        if sorted(set(before["spread"].values())) != [len(before["replicas"]) // len(before["spread"])]:
            fail(f"replicas not spread evenly before the kill: {before['spread']}")

        async def kill_halfway():
            await asyncio.sleep(args.seconds / 2)
            figures["killed_at"] = time.time()
            os.kill(int(pid), signal.SIGKILL)
        killer = kill_halfway()
    await asyncio.gather(*clients, *([killer] if killer else []))
    elapsed = time.monotonic() - started
    ms = sorted(x * 1000 for x in latencies)
    figures.update({
        "clients": args.clients, "calls": len(ms), "errors": len(errors),
        "req_per_s": round(len(ms) / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
    })
    if args.kill:
        figures.update(await recovery(args.standin, name, figures["killed_at"]))
    print(json.dumps(figures), flush=True)
    if errors:
        fail(f"{len(errors)} of {len(ms)} read calls failed, e.g. {errors[:3]}")


async def recovery(standin, killed, killed_at):
    """When the killed host's replicas ran again, from the stand-in's events."""
    for _ in range(100):
        now = await state(standin)
        if all(r["host"] for r in now["replicas"].values()) and killed not in now["spread"]:
            break
        await asyncio.sleep(0.1)
    else:
        fail(f"replicas not all running again: {now['replicas']}")
    gone = [e for e in now["events"] if e["what"].startswith("host gone") and e["host"] == killed]
    if not gone:
        fail(f"the stand-in never saw {killed} go")
    restarts = [e for e in now["events"] if e["what"] == "replica running" and e["at"] >= gone[-1]["at"]]
    seconds = max(e["at"] for e in restarts) - killed_at
    figures = {
        "killed": killed, "replicas_moved": len(restarts), "spread_after": now["spread"],
        "seen_gone_after_s": round(gone[-1]["at"] - killed_at, 3), "running_again_after_s": round(seconds, 3),
        "router": now["counts"],
    }
    if seconds > RECOVERY_LIMIT:
        fail(f"replicas ran again {seconds:.2f} s after the kill (limit {RECOVERY_LIMIT} s)")
    return figures


async def lost_create(args):
    pids = dict(p.split("=") for p in args.pid)
    title = f"lost-create-{os.getpid()}-{int(time.time())}"
    create = {"talking_photo_id": "tp_anna_office", "input_text": "Said once.",
              "voice_id": "5eed0000a1b2c3d4e5f6000000000000", "title": title,
              "idempotency_key": f"cluster-{title}"}
    async with AsyncExitStack() as stack:
        session = await session_at(args.url, args.token, stack)
        first = asyncio.create_task(session.call_tool("create_talking_photo", create))
        # The simulator answers in milliseconds: a create in flight for a
        # whole second has been made and its answer is stalled.
        holder = None
        for _ in range(100):
            await asyncio.sleep(0.1)
            creates = [r for r in (await state(args.standin))["inflight"] if not r["read"]]
            if creates and time.time() - creates[0]["since"] > 1.0:
                holder = creates[0]["host"]
                break
        if holder is None:
            fail("the create never stalled in flight (was the simulator started with --stall-answer /v3/videos?)")
        os.kill(int(pids[holder]), signal.SIGKILL)
        try:
            result = await first
            fail(f"the create lost with {holder} got an answer: {result.structured_content}")
        except SystemExit:
            raise
        except Exception as e:
            lost = f"{type(e).__name__}: {e}"
    # A fresh session: the first one's transport saw the 502.
    async with AsyncExitStack() as stack:
        session = await session_at(args.url, args.token, stack)
        repeated = (await session.call_tool("create_talking_photo", create)).structured_content
        if repeated.get("success") is not True:
            fail(f"the repeated create: {repeated}")
        listed = (await session.call_tool("list_videos", {"title": title, "limit": 100})).structured_content
        videos = listed.get("videos") or []
    counts = (await state(args.standin))["counts"]
    print(json.dumps({"killed": holder, "first_call": lost[:160], "repeated_video_id": repeated["video_id"],
                      "videos_with_title": len(videos), "router": counts}), flush=True)
    if len(videos) != 1 or videos[0]["video_id"] != repeated["video_id"]:
        fail(f"expected one video titled {title}, found {videos}")
    if counts["refused_repeats"] < 1:
        fail("the stand-in did not refuse to repeat the create")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("load")
    p.add_argument("url"), p.add_argument("token"), p.add_argument("cases")
    p.add_argument("clients", type=int), p.add_argument("seconds", type=float)
    p.add_argument("--kill", help="NAME=PID of the wash host killed halfway")
    p.add_argument("--standin", help="the stand-in's /_standin/state URL")
    p.add_argument("--host-header", help="a Host header (one wash host's workload, bypassing the stand-in)")
    p = sub.add_parser("lost-create")
    p.add_argument("url"), p.add_argument("token")
    p.add_argument("--standin", required=True)
    p.add_argument("--pid", action="append", required=True, help="NAME=PID of each wash host")
    args = parser.parse_args()
    asyncio.run(load(args) if args.what == "load" else lost_create(args))

"""A STAND-IN for wasmCloud's runtime-operator (placement) and
runtime-gateway (HTTP routing), for scripts/wasmcloud-cluster.sh.

Those two are Kubernetes controllers and cannot run on the machines this
project is built on. This fixture does their two jobs in front of real
`wash host` processes, over the hosts' real NATS protocol:

* placement: it learns the hosts from their heartbeats
  (`runtime.operator.heartbeat.<host-id>`), starts REPLICAS copies of the
  HTTP face spread evenly over them (`runtime.host.<id>.workload.start`),
  probes every host every 100 ms, each on its own (`runtime.host.<id>.
  heartbeat`; NATS answers "no responders" at once for a dead host), and
  at once when a connection to it is refused, and starts a dead host's
  replicas again on the survivors, fewest replicas first;
* routing: it forwards each HTTP request to the next replica, round robin,
  by the replica's own virtual host (`<replica>.heygen.local`, the
  `wasi:http` host interface's `config.host`). When a host fails before
  answering, it tries the next replica, but only for a request that
  changes nothing: `GET`, the MCP methods `initialize`, `ping`,
  `server/discover`, `tools/list` and notifications, and `tools/call` or
  `POST /actions/{action}` of a tool whose `readOnlyHint` is true. Any
  other request gets 502 and is not repeated: it may have reached HeyGen.
  The one exception is a refused connection (a host that is already gone):
  nothing was sent, so any request goes on to the next replica.

`GET /_standin/state` shows the hosts, the replicas, what happened when
(wall-clock seconds) and the requests in flight.

    python standin.py --nats nats://127.0.0.1:4222 --listen 127.0.0.1:8000 \\
        --image localhost:5000/heygen-plugin-http:0.1.0 --replicas 6 \\
        --host h1=127.0.0.1:8081 --host h2=127.0.0.1:8082 ... \\
        --env HEYGEN_BASE_URL=... --allowed-host 127.0.0.1

It needs `nats-py`, `starlette`, `uvicorn` and `httpx2` (the pinned
virtualenv of scripts/wasmcloud-cluster.sh). Not for production: there the
operator and the gateway do this from deploy/wasmcloud/heygen.yaml.
"""

import argparse
import asyncio
import itertools
import json
import secrets
import time

import httpx2
import nats
import uvicorn
from nats.errors import NoRespondersError, TimeoutError as NatsTimeout
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

PROBE_EVERY = 0.1
READ_METHODS = {"initialize", "ping", "server/discover", "tools/list"}
# Hop-by-hop headers, and the ones the forwarder sets itself.
NOT_FORWARDED = {"host", "content-length", "connection", "keep-alive", "transfer-encoding"}


class Cluster:
    """What the stand-in knows: hosts, replicas, and what happened."""

    def __init__(self, args):
        self.args = args
        self.addr_of = dict(h.split("=", 1) for h in args.host)
        self.hosts = {}  # host id -> {"name", "addr", "alive", "died_at"}
        self.replicas = {}  # replica name -> {"host": id or None, "workload": id}
        self.events = []
        self.inflight = {}
        self.counts = {"forwarded": 0, "retried": 0, "rerouted_unsent": 0, "refused_repeats": 0, "no_replica": 0}
        self.read_tools = set()
        self._turn = itertools.count()
        self._ids = itertools.count()
        self.nc = None
        self.placing = asyncio.Lock()
        self.http = httpx2.AsyncClient(timeout=httpx2.Timeout(120, connect=2),
                                       limits=httpx2.Limits(max_connections=512, max_keepalive_connections=256))

    def note(self, what, **fields):
        self.events.append({"at": time.time(), "what": what, **fields})
        print(f"standin: {what} {fields}", flush=True)

    # -- placement -------------------------------------------------------

    async def on_heartbeat(self, msg):
        beat = json.loads(msg.data)
        name, host_id = beat.get("hostname"), beat.get("id")
        if name in self.addr_of and host_id not in self.hosts:
            self.hosts[host_id] = {"name": name, "addr": self.addr_of[name], "alive": True, "died_at": None}
            self.note("host joined", host=name, id=host_id)

    def count_on(self, host_id):
        return sum(1 for r in self.replicas.values() if r["host"] == host_id)

    async def start_replica(self, name, host_id):
        workload = f"heygen-{name}-{secrets.token_hex(4)}"
        env = dict(e.split("=", 1) for e in self.args.env)
        body = {
            "workloadId": workload,
            "workload": {
                "namespace": "default",
                "name": "heygen",
                "witWorld": {
                    "components": [{
                        "name": "heygen",
                        "image": self.args.image,
                        "localResources": {"environment": env, "allowedHosts": self.args.allowed_host},
                    }],
                    "hostInterfaces": [{
                        "namespace": "wasi",
                        "package": "http",
                        "interfaces": ["incoming-handler", "outgoing-handler"],
                        "config": {"host": f"{name}.heygen.local"},
                    }],
                },
            },
        }
        reply = await self.nc.request(f"runtime.host.{host_id}.workload.start", json.dumps(body).encode(), timeout=10)
        state = json.loads(reply.data).get("workloadStatus", {}).get("workloadState")
        if state != "WORKLOAD_STATE_RUNNING":
            raise RuntimeError(f"workload.start on {self.hosts[host_id]['name']}: {reply.data[:300]!r}")
        self.replicas[name] = {"host": host_id, "workload": workload}
        self.note("replica running", replica=name, host=self.hosts[host_id]["name"])

    async def place(self):
        """Starts every replica that has no live host, on the live host with fewest."""
        for name in sorted(n for n, r in self.replicas.items() if r["host"] is None):
            alive = [h for h, v in self.hosts.items() if v["alive"]]
            if not alive:
                return
            target = min(alive, key=lambda h: (self.count_on(h), self.hosts[h]["name"]))
            try:
                await self.start_replica(name, target)
            except Exception as e:  # a host dying under us: the next round retries
                self.note("start failed", replica=name, error=str(e)[:200])

    async def probe(self, host_id):
        """One heartbeat request; "no responders" means the host is gone."""
        host = self.hosts[host_id]
        try:
            await self.nc.request(f"runtime.host.{host_id}.heartbeat", b"{}", timeout=1)
        except NoRespondersError:
            if host["alive"]:
                host.update(alive=False, died_at=time.time())
                self.note("host gone (no responders)", host=host["name"])
                for r in self.replicas.values():
                    if r["host"] == host_id:
                        r["host"] = None
                await self.replace()
        except NatsTimeout:
            # Slow, not gone: a busy host is not declared dead.
            self.note("probe timed out", host=host["name"])

    async def watch(self, host_id):
        """Probes one host every PROBE_EVERY until it is gone, apart from the
        other hosts, so that a slow answer elsewhere never delays noticing."""
        while self.hosts[host_id]["alive"]:
            await self.probe(host_id)
            await asyncio.sleep(PROBE_EVERY)

    async def replace(self):
        """Starts every replica without a live host (one placement at a time)."""
        async with self.placing:
            if any(r["host"] is None for r in self.replicas.values()):
                await self.place()
                if all(r["host"] for r in self.replicas.values()):
                    self.note("placed", spread=self.spread())

    async def listen(self):
        """Joins NATS and hears heartbeats: before the router opens its port,
        which is what the script waits for before it starts the hosts."""
        self.nc = await nats.connect(self.args.nats)
        await self.nc.subscribe("runtime.operator.heartbeat.*", cb=self.on_heartbeat)
        await self.nc.flush()

    async def run_placement(self):
        while len(self.hosts) < len(self.addr_of):
            await asyncio.sleep(0.05)
        for i in range(1, self.args.replicas + 1):
            self.replicas[f"r{i}"] = {"host": None, "workload": None}
        await self.place()
        await self.learn_read_tools()
        self.note("placed", spread=self.spread())
        for host_id in list(self.hosts):
            asyncio.get_running_loop().create_task(self.watch(host_id))
        while True:  # a start that failed (its host dying meanwhile) is tried again
            await asyncio.sleep(PROBE_EVERY)
            await self.replace()

    async def learn_read_tools(self):
        """The tools that change nothing, from the face's own `tools/list`."""
        host_id, vhost = self.pick()
        body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
        headers = {"host": vhost, "content-type": "application/json", "accept": "application/json, text/event-stream"}
        answer = await self.http.post(f"http://{self.hosts[host_id]['addr']}/mcp", json=body, headers=headers)
        tools = answer.json()["result"]["tools"]
        self.read_tools = {t["name"] for t in tools if t.get("annotations", {}).get("readOnlyHint")}
        self.note("read-only tools", count=len(self.read_tools))

    def spread(self):
        return {v["name"]: self.count_on(h) for h, v in sorted(self.hosts.items(), key=lambda x: x[1]["name"]) if v["alive"]}

    # -- routing ---------------------------------------------------------

    def pick(self):
        placed = sorted((n, r["host"]) for n, r in self.replicas.items() if r["host"] and self.hosts[r["host"]]["alive"])
        if not placed:
            return None, None
        name, host_id = placed[next(self._turn) % len(placed)]
        return host_id, f"{name}.heygen.local"

    def changes_nothing(self, request: Request, body: bytes):
        if request.method == "GET":
            return True
        path = request.url.path
        if path.startswith("/actions/"):
            return path.removeprefix("/actions/") in self.read_tools
        if path == "/mcp":
            try:
                message = json.loads(body)
            except ValueError:
                return True  # refused by the face before anything is sent
            if not isinstance(message, dict):
                return True  # a batch: refused by the face
            method = message.get("method", "")
            if method in READ_METHODS or method.startswith("notifications/") or "method" not in message:
                return True
            if method == "tools/call":
                return (message.get("params") or {}).get("name") in self.read_tools
        return False

    async def forward(self, request: Request):
        body = await request.body()
        may_repeat = self.changes_nothing(request, body)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in NOT_FORWARDED}
        request_id = next(self._ids)
        last_error, sent = None, False
        try:
            for _ in range(len(self.replicas)):
                host_id, vhost = self.pick()
                if host_id is None:
                    self.counts["no_replica"] += 1
                    return JSONResponse({"error": "standin: no replica is running"}, status_code=503)
                host = self.hosts[host_id]
                self.inflight[request_id] = {"host": host["name"], "replica": vhost, "path": request.url.path,
                                             "read": may_repeat, "since": time.time()}
                url = f"http://{host['addr']}{request.url.path}"
                if request.url.query:
                    url += f"?{request.url.query}"
                outgoing = self.http.build_request(request.method, url, headers={**headers, "host": vhost}, content=body)
                try:
                    answer = await self.http.send(outgoing, stream=True)
                except httpx2.ConnectError as e:
                    # Refused before anything was sent: the next replica is not
                    # a repeat. The host is probably gone: look at once.
                    last_error = f"{type(e).__name__}: {e}"
                    self.counts["rerouted_unsent"] += 1
                    asyncio.get_running_loop().create_task(self.probe(host_id))
                    continue
                except httpx2.TransportError as e:
                    last_error, sent = f"{type(e).__name__}: {e}", True
                    if not may_repeat:
                        break
                    self.counts["retried"] += 1
                    continue
                self.counts["forwarded"] += 1
                return StreamingResponse(
                    self.relay(answer, request_id),
                    status_code=answer.status_code,
                    headers={k: v for k, v in answer.headers.items() if k.lower() not in NOT_FORWARDED},
                )
            if sent and not may_repeat:
                self.counts["refused_repeats"] += 1
            self.inflight.pop(request_id, None)
            return JSONResponse(
                {"error": (
                    f"standin: the replica's host failed before answering ({last_error}). "
                    + ("Every replica was tried." if may_repeat or not sent else
                       "This request may change something at HeyGen, so it is not repeated here: "
                       "repeat it with the same idempotency_key.")
                )},
                status_code=502,
            )
        except BaseException:
            self.inflight.pop(request_id, None)
            raise

    async def relay(self, answer, request_id):
        try:
            async for chunk in answer.aiter_raw():
                yield chunk
        finally:
            await answer.aclose()
            self.inflight.pop(request_id, None)

    async def state(self, _request):
        return JSONResponse({
            "hosts": [{"id": h, **v, "replicas": self.count_on(h)} for h, v in self.hosts.items()],
            "replicas": self.replicas,
            "spread": self.spread(),
            "events": self.events,
            "inflight": list(self.inflight.values()),
            "counts": self.counts,
            "read_tools": sorted(self.read_tools),
        })


async def main(args):
    cluster = Cluster(args)
    app = Starlette(routes=[
        Route("/_standin/state", cluster.state, methods=["GET"]),
        Route("/{path:path}", cluster.forward, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
    ])
    listen_host, listen_port = args.listen.rsplit(":", 1)
    server = uvicorn.Server(uvicorn.Config(app, host=listen_host, port=int(listen_port), log_level="warning",
                                           access_log=False, backlog=2048))
    await cluster.listen()
    await asyncio.gather(cluster.run_placement(), server.serve())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nats", required=True)
    parser.add_argument("--listen", required=True, help="ADDR:PORT of the router")
    parser.add_argument("--image", required=True, help="the face's OCI reference")
    parser.add_argument("--replicas", type=int, default=6)
    parser.add_argument("--host", action="append", required=True, help="NAME=HTTP_ADDR of a wash host")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the component")
    parser.add_argument("--allowed-host", action="append", default=[], help="outbound host the component may reach")
    asyncio.run(main(parser.parse_args()))

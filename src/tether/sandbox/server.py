"""The sandbox server: one loopback port serving every stand-in API, with faults over time.

Paths:
    /v1/models, /v1/models/{id}, /v1/messages, /v1/messages/count_tokens   Anthropic
    /openai/v1/models (and /v1/models with a bearer key, no anthropic-version) OpenAI-compatible
    /status/<vendor>/...                 the vendor's status feed on its own platform (sandbox/status/)
    /login/<tenant>/oauth2/v2.0/token    Microsoft's client-credentials token endpoint
    /gemini/v1beta/models, /gemini/v1beta/models/<model>:countTokens      Gemini API
    /n8n/api/v1/executions                                                  n8n public API
    /make/api/v2/scenarios/<id>/logs                                        Make scenario logs
    /zapier/v2/zap-runs                                                     Zapier Partner API zap runs
    /crm/webhook (POST), /crm/health                                        a CRM webhook
    /app/health                                                             a custom app
    /bench                                                                  a tiny JSON answer
    /html, /page/<host>                                                     an HTML page
    /_sandbox (GET state; PUT/POST/DELETE /_sandbox/faults; POST /_sandbox/clock/reset)

Host mirroring: a first path segment that is a real host name is the stand-in of that host, so
one switch points integrations.yaml at the sandbox: `${TETHER_SANDBOX_URL:-https:/}/status.hubspot.com`
is https://status.hubspot.com normally and <sandbox>/status.hubspot.com → /status/hubspot here.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from tether import clock
from tether.sandbox import billing, gemini, routes, run_history, status
from tether.sandbox.http11 import Request, Response, serve_connection
from tether.sandbox.scenario import Fault, Scenario

OVERSIZE = 2 * 1024 * 1024
HTML_PAGE = "<!doctype html><html><head><title>Status</title></head><body><p>We are looking into it.</p></body></html>"

# Real hosts the sandbox stands in for, beyond vendors' status pages (which come from systems.yaml).
HOSTS = {
    "api.anthropic.com": "",
    "api.openai.com": "/openai",
    "n8n.acme.example": "/n8n",
    "eu1.make.com": "/make",
    "api.zapier.com": "/zapier",
    "crm.acme.example": "/crm",
    "portal.acme.example": "/app",
    "generativelanguage.googleapis.com": "/gemini",
    "login.microsoftonline.com": "/login",
    "api.status.salesforce.com": "/status/salesforce",
    "status.cloud.microsoft": "/page/status.cloud.microsoft",
}


def _status_hosts() -> dict[str, str]:
    from tether.model.systems import SystemCatalogue
    from tether.workspace.rules import load_rules

    hosts: dict[str, str] = {}
    for system in load_rules("systems.yaml", SystemCatalogue).systems:
        if system.status_page:
            host = urlsplit(system.status_page).hostname
            if host:
                hosts[host] = f"/status/{system.id}"
    return hosts


class Sandbox:
    """The server's state and routing. Control methods may be called from any thread."""

    def __init__(self, scenario: Scenario | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.scenario = scenario or Scenario()
        self.faults: list[Fault] = list(self.scenario.faults)
        self.host = host
        self.port = port
        self.started = time.monotonic()
        self.anchor = clock.now()
        self.cache: set[tuple[str, str]] = set()
        self.requests: Counter[str] = Counter()
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.hosts = {**_status_hosts(), **HOSTS}
        self.graph_tokens: set[str] = set()
        """Bearer tokens the stand-in Microsoft token endpoint issued."""
        self.canned: dict[str, tuple[int, bytes, str]] = {}
        """Path -> (status, body, content type): a recorded vendor answer served verbatim."""

    # --- control -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def now(self) -> float:
        return clock.now()

    def elapsed(self) -> float:
        """Seconds on the scenario clock (since start or the last reset)."""
        return time.monotonic() - self.started

    def reset_clock(self) -> None:
        self.started = time.monotonic()

    def set_faults(self, faults: Sequence[Fault | dict[str, Any]]) -> None:
        self.faults = [f if isinstance(f, Fault) else Fault.model_validate(f) for f in faults]

    def add_fault(self, fault: Fault | dict[str, Any] | None = None, **fields: Any) -> Fault:
        made = fault if isinstance(fault, Fault) else Fault.model_validate({**(fault or {}), **fields})
        self.faults = [*self.faults, made]
        return made

    def can(self, path: str, body: bytes | str, status: int = 200, content_type: str = "application/json") -> None:
        """Serve `body` verbatim at `path` (after host mirroring), e.g. a vendor's recorded feed."""
        self.canned[path] = (status, body.encode() if isinstance(body, str) else body, content_type)

    def clear_faults(self) -> None:
        self.faults = []

    def set_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.faults = list(scenario.faults)

    def reset(self) -> None:
        """Back to the default scenario, no faults, fresh counters and clock (between tests)."""
        self.set_scenario(Scenario())
        self.cache.clear()
        self.canned.clear()
        self.graph_tokens.clear()
        self.requests.clear()
        self.in_flight.clear()
        self.max_in_flight.clear()
        self.reset_clock()
        self.anchor = clock.now()

    def executions(self, workflow_id: str | None, status: str | None) -> list[dict[str, Any]]:
        return routes.executions(self.scenario, self.anchor, self.now(), workflow_id, status)

    # --- serving -------------------------------------------------------------------------
    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        self.started = time.monotonic()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            await serve_connection(self.handle, reader, writer)
        except asyncio.CancelledError:
            # Shutting down. Ending quietly: Python 3.11's start_server callback logs a cancelled task.
            writer.transport.abort()
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)

    def _mirror(self, path: str) -> str:
        first, _, rest = path.lstrip("/").partition("/")
        if "." in first and first in self.hosts:
            return self.hosts[first] + "/" + rest if rest else self.hosts[first] or "/"
        return path

    async def handle(self, request: Request) -> Response:
        path = self._mirror(request.path)
        if path.startswith("/_sandbox"):
            return self._control(request, path)
        self.requests[path] += 1
        self.in_flight[path] += 1
        self.max_in_flight[path] = max(self.max_in_flight[path], self.in_flight[path])
        try:
            return await self._answer(request, path)
        finally:
            self.in_flight[path] -= 1

    def _fault(self, path: str, method: str) -> Fault | None:
        elapsed = self.elapsed()
        active = [f for f in self.faults if f.active(elapsed, path, method)]
        if not active:
            return None
        merged: dict[str, Any] = {}
        for fault in active:  # earlier faults win field by field; latencies add up
            for name, value in fault.model_dump(exclude_defaults=True).items():
                if name == "latency":
                    merged["latency"] = merged.get("latency", 0.0) + value
                elif name == "headers":
                    merged["headers"] = {**value, **merged.get("headers", {})}
                else:
                    merged.setdefault(name, value)
        return Fault.model_validate(merged)

    async def _answer(self, request: Request, path: str) -> Response:
        fault = self._fault(path, request.method)
        if fault is not None and fault.latency:
            await asyncio.sleep(fault.latency)
        if fault is not None and fault.status is not None:
            response = self._error(path, fault)
        else:
            try:
                response = await self._route(request, path)
            except Exception as exc:  # a sandbox bug answers 500 rather than killing the connection
                response = Response.json({"error": f"sandbox error: {type(exc).__name__}: {exc}"}, 500)
        if fault is not None:
            self._apply(response, fault)
        return response

    def _error(self, path: str, fault: Fault) -> Response:
        status = fault.status or 500
        message = fault.message or {429: "Number of requests has exceeded your rate limit", 529: "Overloaded"}.get(
            status, f"sandbox fault: HTTP {status}"
        )
        if path.startswith("/v1/"):
            response = routes.anthropic_error(self, status, message, fault.error_type, fault.error_code)
        elif path.startswith("/gemini/"):
            response = gemini.error(status, fault.message, fault.error_type)
        elif path.startswith("/login/"):
            response = Response.json(
                {
                    "error": fault.error_type or "invalid_client",
                    "error_description": fault.message
                    or "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request "
                    "is the client secret value, not the client secret ID, for a secret added to app.",
                    "error_codes": [7000215],
                },
                status,
            )
        elif path.startswith("/status/"):
            response = Response.html(HTML_PAGE, status)
        elif path.startswith("/n8n/"):
            response = Response.json({"message": message}, status)
        else:
            response = Response.json({"error": {"message": message, "type": fault.error_type}}, status)
        if fault.retry_after is not None:
            response.headers["retry-after"] = str(fault.retry_after)
        return response

    def _apply(self, response: Response, fault: Fault) -> None:
        response.headers.update(fault.headers)
        response.drop = fault.drop
        response.slow_body = fault.slow_body
        if fault.body == "malformed-json":
            response.body = response.body[: max(1, len(response.body) // 2)] or b'{"type": "mess'
            response.headers["content-type"] = "application/json"
        elif fault.body == "html":
            response.body = HTML_PAGE.encode()
            response.headers["content-type"] = "text/html; charset=utf-8"
        elif fault.body == "redirect-html":
            response.status, response.body = 302, b""
            response.headers["location"] = "/html"
        elif fault.body == "oversize":
            response.body = b'{"pad": "' + b"x" * OVERSIZE + b'"}'
            response.headers["content-type"] = "application/json"
        elif fault.body == "empty":
            response.body = b""

    async def _route(self, request: Request, path: str) -> Response:
        if path in self.canned:
            code, body, kind = self.canned[path]
            return Response(code, body, {"content-type": kind})
        if billing.handles(path):  # the providers' admin cost APIs (issue 5)
            return await billing.admin_api(self, request, path)
        if path.startswith("/v1/"):
            is_openai = "anthropic-version" not in request.headers and "x-api-key" not in request.headers
            if path == "/v1/models" and is_openai and request.headers.get("authorization"):
                return await routes.openai_api(self, request, path)
            return await routes.anthropic_api(self, request, path)
        if path.startswith("/openai/"):
            return await routes.openai_api(self, request, path.removeprefix("/openai"))
        if path.startswith("/status/"):
            vendor, _, rest = path.removeprefix("/status/").partition("/")
            return await status.serve(self, request, routes.vendor_id(vendor), "/" + rest)
        if path.startswith("/login/"):
            return status.graph.token(self, request, path.removeprefix("/login"))
        if path.startswith("/gemini/"):
            return await gemini.api(self, request, path.removeprefix("/gemini"))
        if path.startswith("/page/"):
            return status.html.page(path.removeprefix("/page/").split("/", 1)[0])
        if path.startswith("/n8n/"):
            return await routes.n8n_api(self, request, path.removeprefix("/n8n"))
        if path.startswith("/make/"):
            return run_history.make(self.scenario, self.anchor, self.now(), request, path.removeprefix("/make"))
        if path.startswith("/zapier/"):
            return run_history.zapier(self.scenario, self.anchor, self.now(), request, path.removeprefix("/zapier"))
        if path.startswith("/crm/"):
            return await routes.crm(self, request, path.removeprefix("/crm"))
        if path.startswith("/app/"):
            return await routes.app(self, request, path.removeprefix("/app"))
        if path == "/bench":
            return Response.json({"status": "UP"})
        if path == "/html":
            return Response.html(HTML_PAGE)
        return Response.json({"error": f"no sandbox route {path}"}, 404)

    def _control(self, request: Request, path: str) -> Response:
        try:
            if path == "/_sandbox/faults" and request.method in ("PUT", "POST"):
                data = request.json()
                items = data if isinstance(data, list) else [data]
                if request.method == "PUT":
                    self.set_faults(items)
                else:
                    for item in items:
                        self.add_fault(item)
            elif path == "/_sandbox/faults" and request.method == "DELETE":
                self.clear_faults()
            elif path == "/_sandbox/clock/reset" and request.method == "POST":
                self.reset_clock()
            elif path != "/_sandbox" or request.method != "GET":
                return Response.json({"error": f"no control route {request.method} {path}"}, 404)
        except ValueError as exc:
            return Response.json({"error": str(exc)}, 400)
        state = {
            "url": self.url,
            "elapsed": round(self.elapsed(), 3),
            "faults": [f.model_dump(exclude_defaults=True) for f in self.faults],
            "requests": dict(self.requests),
        }
        return Response(200, json.dumps(state).encode(), {"content-type": "application/json"})


class SandboxThread:
    """The sandbox on its own event loop in a daemon thread: usable from sync and async code alike."""

    def __init__(self, scenario: Scenario | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = Sandbox(scenario, host, port)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tether-sandbox", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.sandbox.start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.sandbox.stop())
        self._loop.close()

    def start(self) -> Sandbox:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self.sandbox

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)


@contextmanager
def running_sandbox(scenario: Scenario | None = None, port: int = 0) -> Iterator[Sandbox]:
    """A sandbox in a background thread for the length of a `with` block."""
    runner = SandboxThread(scenario, port=port)
    sandbox = runner.start()
    try:
        yield sandbox
    finally:
        runner.stop()

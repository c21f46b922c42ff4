"""The Starlette app behind `tether serve`.

- `POST /ping/{name}` and `POST /ping/{name}/fail`: a heartbeat from an automation (Zapier,
  Make, n8n), for the integration's heartbeat check (`?check=` picks one when it has several).
  The token goes in `Authorization: Bearer ...`, `X-Tether-Token` or `?token=`, and is compared
  in constant time with the check's `token` (an `${ENV}` reference). Optional: `?duration=`
  (seconds or 250ms/2s/...), or a JSON body with `duration`, `model` and token counts.
- `POST /v1/traces`: OTLP/HTTP (protobuf or JSON, gzip or not); GenAI spans become runs of the
  integration whose `telemetry.service_name` they carry (see server/otlp.py), with that
  integration's `telemetry.token` as the bearer token.
- `GET /metrics`: Prometheus text format. `GET /api/status`: the dashboard rows as JSON.

A bad request gets a 4xx with a JSON error and never touches the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import math
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tether import clock
from tether.checks.heartbeat import HeartbeatCheck
from tether.figures import read_figures
from tether.model.common import parse_duration
from tether.model.integration import Integration
from tether.model.systems import SystemCatalogue
from tether.model.tokens import TOKEN_TYPES, TokenCounts
from tether.model.workspace_file import WorkspaceFile
from tether.monitor.maintenance import excluder
from tether.pricing import PriceBook
from tether.secrets import MissingEnv, expand
from tether.server import prometheus
from tether.server.pings import PingWriter
from tether.store import incidents as incident_store
from tether.store.db import Store
from tether.store.heartbeats import PingRecord
from tether.store.retention import KEEP_PER_CHECK
from tether.store.rollups import all_time
from tether.store.runs import record_runs

log = logging.getLogger("tether.server")

MAX_BODY = 64 * 1024
MAX_TOKENS = 10**12
"""Per ping, per kind: a trillion tokens is past any one run, and far inside SQLite's 64-bit integers."""
MAX_DURATION = 366 * 86400.0
MAX_MODEL = 200


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
"""JSONResponse's encoding, made once: it builds an encoder for every reply otherwise."""


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status)


@dataclass
class ServerConfig:
    file: WorkspaceFile
    catalogue: SystemCatalogue
    store_path: str
    env: Mapping[str, str] | None = None
    book: PriceBook = field(default_factory=lambda: PriceBook.load(None))
    keep: int = KEEP_PER_CHECK
    background: list[Any] = field(default_factory=list)
    """Coroutine factories run for the app's lifetime (`--probe` puts the probe loop here)."""


class Server:
    """The app's state: one writer connection (the ping writer), one reader connection."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.integrations = {i.name: i for i in config.file.integrations}
        self._beats = {i.name: [c for c in i.checks if isinstance(c, HeartbeatCheck)] for i in config.file.integrations}
        """Each integration's heartbeat checks, found once rather than at every ping."""
        self.excluded = excluder(config.file)
        self.writer: PingWriter | None = None
        self.reader: Store | None = None
        self._read_lock = asyncio.Lock()
        self._tokens: dict[str, bytes] = {}
        """Each heartbeat token reference, expanded and encoded for the constant-time compare."""
        self.runs_store: Store | None = None
        self._runs_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        write_store = Store(self.config.store_path)
        self.reader = Store(self.config.store_path)
        self.runs_store = Store(self.config.store_path)
        self.writer = PingWriter(write_store, self.excluded, self.config.keep)
        self.writer.start()
        tasks = [asyncio.create_task(factory()) for factory in self.config.background]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.writer.stop()
            write_store.close()
            self.reader.close()
            self.runs_store.close()

    # -- heartbeats ------------------------------------------------------------------------

    def heartbeat(self, name: str, wanted: str | None) -> tuple[Integration, HeartbeatCheck]:
        integration = self.integrations.get(name)
        if integration is None:
            raise BadRequest(404, f"no integration named {name!r}")
        beats = self._beats[name]
        if wanted is not None:
            beats = [c for c in beats if c.name == wanted]
        if not beats:
            which = f" named {wanted!r}" if wanted else ""
            raise BadRequest(404, f"{name} has no heartbeat check{which}")
        if len(beats) > 1:
            raise BadRequest(400, f"{name} has several heartbeat checks; add ?check=NAME")
        return integration, beats[0]

    def authenticate(self, request: Request, check: HeartbeatCheck, query: Mapping[str, str]) -> None:
        if check.token is None:
            raise BadRequest(403, f"heartbeat check {check.name!r} has no token; set `token: ${{ENV}}` to accept pings")
        expected = self._tokens.get(check.token)
        if expected is None:
            try:
                # The environment is read once: a changed value takes a restart, as the 503 says.
                expected = self._tokens[check.token] = expand(check.token, self.config.env).encode()
            except MissingEnv as exc:
                raise BadRequest(503, f"the server has no value for {exc.name}; set it and restart") from None
        headers = request.headers
        given = headers.get("x-tether-token") or query.get("token") or ""
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if not given:
            raise BadRequest(401, "a token is required (Authorization: Bearer TOKEN, X-Tether-Token or ?token=)")
        if not hmac.compare_digest(given.encode(), expected):
            raise BadRequest(403, "wrong token")

    async def body(self, request: Request) -> dict[str, Any]:
        declared = request.headers.get("content-length")
        if declared == "0" or (declared is None and "transfer-encoding" not in request.headers):
            return {}  # no body to read (most pings)
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise BadRequest(413, f"the body is larger than {MAX_BODY} bytes")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY:
                raise BadRequest(413, f"the body is larger than {MAX_BODY} bytes")
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise BadRequest(400, "the body must be a JSON object")
        return data

    def ping_record(
        self, integration: Integration, check: HeartbeatCheck, ok: bool, data: dict[str, Any], query: Mapping[str, str]
    ) -> PingRecord:
        duration = data.get("duration", query.get("duration"))
        seconds: float | None = None
        if duration is not None:
            try:
                seconds = float(parse_duration(duration))
            except (ValueError, TypeError):
                raise BadRequest(400, f"duration {duration!r} is not a number of seconds or 250ms, 2s, 1m") from None
            if not math.isfinite(seconds) or not 0 <= seconds <= MAX_DURATION:
                raise BadRequest(
                    400, f"duration must be a finite, non-negative number of seconds, at most {MAX_DURATION:.0f}"
                )
        tokens: dict[str, int] = {}
        for name in TOKEN_TYPES:
            value = data.get(name, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOKENS:
                raise BadRequest(400, f"{name} must be a non-negative whole number, at most {MAX_TOKENS}")
            tokens[name] = value
        model = data.get("model") or (integration.ai.model if integration.ai else None)
        if model is not None and (not isinstance(model, str) or len(model) > MAX_MODEL):
            raise BadRequest(400, f"model must be a string of at most {MAX_MODEL} characters")
        usage = TokenCounts(**tokens)
        cost = self.config.book.cost(model, usage) if usage else Decimal(0)
        return PingRecord(
            integration=integration.name,
            check=check.name,
            at=clock.now(),
            ok=ok,
            duration_s=seconds,
            model=model,
            cost_usd=float(cost or 0),
            tokens=usage,
        )

    async def ping(self, request: Request) -> Response:
        ok = not request.scope["path"].rstrip("/").endswith("/fail")
        query = request.query_params  # parsed once: the check, the token and the duration come from it
        try:
            integration, check = self.heartbeat(request.path_params["name"], query.get("check"))
            self.authenticate(request, check, query)
            record = self.ping_record(integration, check, ok, await self.body(request), query)
        except BadRequest as exc:
            return error(exc.status, exc.message)
        assert self.writer is not None
        try:
            await self.writer.submit(record)
        except Exception as exc:  # the writer isolates a bad row; this one is it, and only it fails
            log.warning("ping for %s/%s not stored: %s", integration.name, check.name, exc)
            return error(500, f"the ping could not be stored: {type(exc).__name__}")
        # clock.stamped's shape, written out: walking the reply for time fields costs more than the rest of it.
        reply = {
            "ok": True,
            "integration": integration.name,
            "check": check.name,
            "run_ok": ok,
            "at": clock.iso(record.at),
            "at_epoch": record.at,
        }
        return Response(_JSON.encode(reply).encode(), media_type="application/json")

    # -- reads -----------------------------------------------------------------------------

    async def _read(self, fn: Any) -> Any:
        async with self._read_lock:
            return await asyncio.to_thread(fn)

    async def metrics(self, request: Request) -> Response:
        assert self.reader is not None
        reader = self.reader

        def read() -> str:
            now = clock.now()
            rows = read_figures(self.config.file, reader, now, self.config.book)
            return prometheus.render(rows, all_time(reader))

        return Response(await self._read(read), media_type=prometheus.CONTENT_TYPE)

    async def status(self, request: Request) -> Response:
        assert self.reader is not None
        reader = self.reader

        def read() -> Any:
            now = clock.now()
            rows = read_figures(self.config.file, reader, now, self.config.book)
            return clock.stamped(
                {
                    "generated_at": now,
                    "integrations": [r.to_json() for r in rows],
                    "incidents": [i.to_json() for i in incident_store.open_incidents(reader.db)],
                }
            )

        return JSONResponse(await self._read(read))

    # -- OpenTelemetry ---------------------------------------------------------------------

    def telemetry_for(self, request: Request) -> list[Integration]:
        """The integrations whose `telemetry.token` the request's bearer token is."""
        auth = request.headers.get("authorization", "")
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        claiming = [i for i in self.config.file.integrations if i.telemetry is not None]
        if not claiming:
            raise BadRequest(404, "no integration declares `telemetry:`; add one to accept OTLP spans")
        if not given:
            raise BadRequest(401, "a token is required: OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer TOKEN")
        out = []
        for integration in claiming:
            assert integration.telemetry is not None
            try:
                expected = expand(integration.telemetry.token, self.config.env)
            except MissingEnv:
                continue
            if hmac.compare_digest(given.encode(), expected.encode()):
                out.append(integration)
        if not out:
            raise BadRequest(403, "wrong token")
        return out

    async def _otlp_request(self, request: Request) -> tuple[list[Integration], bytes]:
        """The integrations the bearer token speaks for, and the body: capped, and gunzipped when sent so."""
        from tether.server import otlp

        owners = self.telemetry_for(request)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > otlp.MAX_BODY:
                raise otlp.TooLarge(f"the body is larger than {otlp.MAX_BODY} bytes")
        return owners, otlp.inflate(raw, request.headers.get("content-encoding"))

    async def traces(self, request: Request) -> Response:
        from tether.server import otlp

        content_type = request.headers.get("content-type", "")
        try:
            owners, body = await self._otlp_request(request)
            ingested = otlp.runs_from(otlp.decode(body, content_type), owners, self.config.book)
        except (BadRequest, otlp.BadPayload, otlp.TooLarge) as exc:
            return _otlp_error(exc)
        if ingested.runs:
            assert self.runs_store is not None
            store = self.runs_store
            async with self._runs_lock:
                await asyncio.to_thread(record_runs, store, ingested.runs, self.excluded, clock.now(), self.config.keep)
        answer, media = otlp.response(ingested, content_type)
        return Response(answer, media_type=media)

    async def otlp_metrics(self, request: Request) -> Response:
        from tether.server import otlp

        content_type = request.headers.get("content-type", "")
        try:
            _, body = await self._otlp_request(request)
            points = otlp.decode_metrics(body, content_type)
        except (BadRequest, otlp.BadPayload, otlp.TooLarge) as exc:
            return _otlp_error(exc)
        answer, media = otlp.metrics_response(points, content_type)
        return Response(answer, media_type=media)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return error(404, f"no such endpoint: {request.method} {request.url.path}")

    async def not_allowed(self, request: Request, exc: Exception) -> Response:
        return error(405, f"{request.method} is not allowed on {request.url.path}")


def _otlp_error(exc: Exception) -> JSONResponse:
    from tether.server import otlp

    if isinstance(exc, BadRequest):
        return error(exc.status, exc.message)
    return error(413 if isinstance(exc, otlp.TooLarge) else 400, str(exc))


def create_app(config: ServerConfig) -> Starlette:
    server = Server(config)
    routes = [
        Route("/ping/{name}", server.ping, methods=["POST"]),
        Route("/ping/{name}/fail", server.ping, methods=["POST"]),
        Route("/metrics", server.metrics, methods=["GET"]),
        Route("/api/status", server.status, methods=["GET"]),
        Route("/v1/traces", server.traces, methods=["POST"]),
        Route("/v1/metrics", server.otlp_metrics, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        lifespan=server.lifespan,
        exception_handlers={404: server.not_found, 405: server.not_allowed},
    )
    app.state.server = server
    return app

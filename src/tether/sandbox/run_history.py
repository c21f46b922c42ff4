"""Make's scenario logs and Zapier's zap runs, in the shapes their API references document.

Make (developers.make.com, API reference "Scenarios > Logs", GET /scenarios/{scenarioId}/logs):
`{"scenarioLogs": [{"imtId", "duration", "operations", "transfer", "centicredits",
"organizationId", "teamId", "id", "type", "authorId", "instant", "timestamp", "status"}], "pg": {...}}`,
newest first, `Authorization: Token ...`. Zapier (docs.zapier.com, "Get Zap Runs", GET
/v2/zap-runs): `{"links": {"next", "prev"}, "meta": {"count", "limit", "offset"}, "data": [{"id",
"zap_id", "start_time", "end_time", "status", "zap_title", "steps", "data_in", "data_out"}]}`,
bearer token. The runs are the scenario's workflows (a workflow's `id` is the Make scenario id
or the Zap id), spaced evenly back from the sandbox's anchor, as for n8n.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Scenario, Workflow

MAX_RUNS = 20_000
"""Runs a workflow's history holds at most, past and live together (bounded memory per request)."""


@dataclass(frozen=True)
class PlayedRun:
    """One run of a scripted workflow: `number` counts up from the oldest, as vendors number runs."""

    number: int
    started: float
    seconds: float
    failed: bool


def history(workflow: Workflow, anchor: float, now: float, since: float = float("-inf")) -> list[PlayedRun]:
    """The workflow's runs started in [since, now], newest first (deterministic).

    Seven days back from `anchor` (the sandbox's start), one every 24h/runs_per_day; then, with
    `live_every`, one more every that long after it, so a watcher sees new runs arrive.
    """
    spacing = 86400 / workflow.runs_per_day
    past = min(workflow.runs_per_day * 7, MAX_RUNS)
    live = 0
    if workflow.live_every is not None and now > anchor:
        live = min(int((now - anchor) / workflow.live_every), MAX_RUNS - past)

    def run(number: int) -> PlayedRun:
        # `step` counts runs away from the anchor on either side, so the past stays as it always was.
        if number > past:
            step = number - past
            started = anchor + step * (workflow.live_every or 0.0)
        else:
            step = past - number
            started = anchor - step * spacing
        failed = bool(workflow.failure_every) and (step + (number <= past)) % workflow.failure_every == 0
        return PlayedRun(number, started, workflow.duration_ms * (0.5 + ((step * 37) % 100) / 100) / 1000, failed)

    out = []
    for number in range(past + live, 0, -1):
        played = run(number)
        if played.started < since:
            break
        out.append(played)
    return out


def _workflow(scenario: Scenario, ident: str) -> Workflow | None:
    return next((w for w in scenario.workflows if w.id == ident), None)


def iso(ts: float) -> str:
    """A time as the vendors write it: ISO 8601 UTC with fractions of a second."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _when(value: str | None) -> float | None:
    try:
        return datetime.fromisoformat((value or "").replace("Z", "+00:00")).timestamp() if value else None
    except ValueError:
        return None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return -1


def make(scenario: Scenario, anchor: float, now: float, request: Request, path: str) -> Response:
    auth = request.headers.get("authorization", "")
    if not auth.startswith("Token "):
        return Response.json({"message": "Access denied.", "code": "SC401"}, 401)
    parts = path.strip("/").split("/")
    if len(parts) != 5 or parts[:3] != ["api", "v2", "scenarios"] or parts[4] != "logs":
        return Response.json({"message": "Not found", "code": "SC404"}, 404)
    workflow = _workflow(scenario, parts[3])
    if workflow is None:
        return Response.json({"message": "Scenario not found.", "code": "SC404"}, 404)
    since = _int(request.query.get("from"), 0) / 1000
    limit, offset = _int(request.query.get("pg[limit]"), 10), _int(request.query.get("pg[offset]"), 0)
    if limit < 1 or offset < 0:
        return Response.json({"message": "Validation failed for 1 parameter(s).", "code": "IM003"}, 400)
    logs = []
    for run in history(workflow, anchor, now, since)[offset : offset + limit]:
        ident = uuid.UUID(int=(int(parts[3]) << 64) + run.number).hex
        logs.append(
            {
                "imtId": f"{int(run.started * 1000)}_scenario.{parts[3]}.auto.{ident}",
                "duration": round(run.seconds * 1000),
                "operations": 4,
                "transfer": 2048,
                "centicredits": 400,
                "organizationId": 21,
                "teamId": 27,
                "id": ident,
                "type": "auto",
                "authorId": 0,
                "instant": False,
                "timestamp": iso(run.started),
                "status": 3 if run.failed else 1,
            }
        )
    return Response.json(
        {"scenarioLogs": logs, "pg": {"sortBy": "imtId", "sortDir": "desc", "limit": limit, "offset": offset}}
    )


def zapier(scenario: Scenario, anchor: float, now: float, request: Request, path: str) -> Response:
    if not request.headers.get("authorization", "").startswith("Bearer "):
        error = {
            "status": 401,
            "code": "not_authenticated",
            "title": "NotAuthenticated",
            "detail": "Authentication credentials were not provided.",
            "source": None,
            "meta": None,
        }
        return Response.json({"errors": [error]}, 401)
    if path.rstrip("/") != "/v2/zap-runs":
        return Response.json({"errors": [{"status": 404, "code": "not_found", "title": "NotFound"}]}, 404)
    zap = request.query.get("zap_id", "")
    workflow = _workflow(scenario, zap)
    since = _when(request.query.get("from_date")) or now - 30 * 86400  # Zapier's default: 30 days
    limit, offset = _int(request.query.get("limit"), 10), _int(request.query.get("offset"), 0)
    if limit < 1 or offset < 0:
        return Response.json(
            {"errors": [{"status": 400, "code": "parse_error", "title": "ParseError", "detail": "Malformed request."}]},
            400,
        )
    runs = history(workflow, anchor, now, since) if workflow is not None else []
    page: list[dict[str, Any]] = [
        {
            "id": str(uuid.UUID(int=(int(zap or 0) << 64) + run.number)),
            "zap_id": int(zap or 0),
            "start_time": iso(run.started),
            "end_time": iso(run.started + run.seconds),
            "status": "error" if run.failed else "success",
            "zap_title": f"Zap {zap}",
            "steps": [{"status": "error" if run.failed else "success", "start_time": iso(run.started)}],
            "data_in": "",
            "data_out": "",
        }
        for run in runs[offset : offset + limit]
    ]
    base = "https://api.zapier.com/v2/zap-runs"
    more = offset + limit < len(runs)
    return Response.json(
        {
            "links": {
                "next": f"{base}?offset={offset + limit}&limit={limit}" if more else None,
                "prev": f"{base}?offset={max(0, offset - limit)}&limit={limit}" if offset else None,
            },
            "meta": {"count": len(runs), "limit": limit, "offset": offset},
            "data": page,
        }
    )

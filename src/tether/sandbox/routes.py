"""The stand-in APIs, in the real ones' shapes: Anthropic, OpenAI, the n8n public API, a CRM webhook and
a custom app's health endpoint (vendors' status feeds are in sandbox/status/, Gemini in sandbox/gemini.py)."""

from __future__ import annotations

import base64
import itertools
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response
from tether.sandbox.run_history import history
from tether.sandbox.scenario import Scenario

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_ids = itertools.count(1)


def tokens(text: str) -> int:
    """A stand-in tokenizer: about four characters a token, deterministic."""
    return max(1, (len(text) + 3) // 4)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def anthropic_headers(sandbox: Sandbox) -> dict[str, str]:
    reset = iso(sandbox.now() + 60)
    headers = {"request-id": f"req_sbx_{next(_ids):08d}", "anthropic-organization-id": "org-sandbox"}
    for name, limit in (("requests", 1000), ("tokens", 400000), ("input-tokens", 300000), ("output-tokens", 100000)):
        headers[f"anthropic-ratelimit-{name}-limit"] = str(limit)
        headers[f"anthropic-ratelimit-{name}-remaining"] = str(limit - limit // 100)
        headers[f"anthropic-ratelimit-{name}-reset"] = reset
    return headers


def anthropic_error(
    sandbox: Sandbox, status: int, message: str, error_type: str | None = None, error_code: str | None = None
) -> Response:
    error: dict[str, Any] = {"type": error_type or ANTHROPIC_ERRORS.get(status, "api_error"), "message": message}
    if error_code:
        error["details"] = {"error_code": error_code}
    headers = anthropic_headers(sandbox)
    return Response.json({"type": "error", "error": error, "request_id": headers["request-id"]}, status, headers)


def _anthropic_auth(sandbox: Sandbox, request: Request) -> Response | None:
    if not (request.headers.get("x-api-key") or request.headers.get("authorization")):
        return anthropic_error(sandbox, 401, "x-api-key header is required")
    return None


def _prompt_text(body: dict[str, Any]) -> tuple[str, str]:
    """(all prompt text, the last user message's text)."""

    def text_of(content: Any) -> str:
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "\n".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
        return ""

    parts = [text_of(body.get("system"))]
    last_user = ""
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            text = text_of(message.get("content"))
            parts.append(text)
            if message.get("role") == "user":
                last_user = text
    return "\n".join(p for p in parts if p), last_user


def _has_cache_control(body: dict[str, Any]) -> bool:
    blocks: list[Any] = []
    for value in (body.get("system"), *[m.get("content") for m in body.get("messages") or [] if isinstance(m, dict)]):
        if isinstance(value, list):
            blocks.extend(value)
    return any(isinstance(b, dict) and "cache_control" in b for b in blocks)


def reply_for(scenario: Scenario, prompt: str, last_user: str, model: str) -> str:
    for rule in scenario.replies:
        if rule.matches(prompt, model):
            return rule.reply
    return last_user if scenario.default_reply == "echo" else scenario.default_reply


async def anthropic_api(sandbox: Sandbox, request: Request, path: str) -> Response:
    denied = _anthropic_auth(sandbox, request)
    if denied is not None:
        return denied
    scenario = sandbox.scenario
    if path == "/v1/models" and request.method == "GET":
        data = [
            {
                "type": "model",
                "id": m,
                "display_name": m.replace("-", " ").title(),
                "created_at": "2025-01-01T00:00:00Z",
            }
            for m in scenario.models
        ]
        page = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
        return Response.json(page, headers=anthropic_headers(sandbox))
    if path.startswith("/v1/models/") and request.method == "GET":
        model = path.rsplit("/", 1)[-1]
        if model not in scenario.models:
            return anthropic_error(sandbox, 404, f"model: {model}")
        item = {"type": "model", "id": model, "display_name": model, "created_at": "2025-01-01T00:00:00Z"}
        return Response.json(item, headers=anthropic_headers(sandbox))
    if path in ("/v1/messages", "/v1/messages/count_tokens") and request.method == "POST":
        try:
            body = request.json()
        except ValueError:
            return anthropic_error(sandbox, 400, "the request body is not valid JSON")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return anthropic_error(sandbox, 400, "messages: field required")
        model = str(body.get("model", ""))
        if model not in scenario.models:
            return anthropic_error(sandbox, 404, f"model: {model}")
        prompt, last_user = _prompt_text(body)
        if path.endswith("count_tokens"):
            return Response.json({"input_tokens": tokens(prompt)}, headers=anthropic_headers(sandbox))
        return _message(sandbox, body, model, prompt, last_user)
    return anthropic_error(sandbox, 404, f"no route {request.method} {path}")


def _message(sandbox: Sandbox, body: dict[str, Any], model: str, prompt: str, last_user: str) -> Response:
    max_tokens = body.get("max_tokens")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return anthropic_error(sandbox, 400, "max_tokens: field required")
    if body.get("stream"):
        return anthropic_error(sandbox, 400, "the sandbox does not stream; send stream: false")
    text = reply_for(sandbox.scenario, prompt, last_user, model)
    stop = "end_turn"
    if tokens(text) > max_tokens:
        text, stop = text[: max_tokens * 4], "max_tokens"
    input_tokens = tokens(prompt)
    cached = _has_cache_control(body)
    key = (model, prompt)
    cache_read = input_tokens if cached and key in sandbox.cache else 0
    cache_write = input_tokens if cached and key not in sandbox.cache else 0
    if cached:
        sandbox.cache.add(key)
    usage = {
        "input_tokens": 0 if cached else input_tokens,
        "output_tokens": tokens(text),
        "cache_creation_input_tokens": cache_write,
        "cache_read_input_tokens": cache_read,
    }
    message = {
        "id": f"msg_sbx_{next(_ids):08d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": usage,
    }
    return Response.json(message, headers=anthropic_headers(sandbox))


async def openai_api(sandbox: Sandbox, request: Request, path: str) -> Response:
    if not request.headers.get("authorization", "").lower().startswith("bearer "):
        error = {"message": "You didn't provide an API key.", "type": "invalid_request_error", "code": None}
        return Response.json({"error": error}, 401)
    if path == "/v1/models":
        data = [
            {"id": m, "object": "model", "created": 1700000000, "owned_by": "sandbox"}
            for m in sandbox.scenario.openai_models
        ]
        return Response.json({"object": "list", "data": data}, headers={"x-request-id": f"req_{next(_ids)}"})
    return Response.json({"error": {"message": f"no route {path}", "type": "invalid_request_error"}}, 404)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        return -1


async def n8n_api(sandbox: Sandbox, request: Request, path: str) -> Response:
    if not request.headers.get("x-n8n-api-key"):
        return Response.json({"message": "'X-N8N-API-KEY' header required"}, 401)
    if path != "/api/v1/executions":
        return Response.json({"message": "not found"}, 404)
    try:
        limit = min(250, max(1, int(request.query.get("limit", "100"))))
    except ValueError:
        return Response.json({"message": "request/query/limit must be integer"}, 400)
    offset = _offset(request.query["cursor"]) if "cursor" in request.query else 0
    if offset < 0:
        return Response.json({"message": "cursor is not valid"}, 400)
    executions = sandbox.executions(request.query.get("workflowId"), request.query.get("status"))
    page = executions[offset : offset + limit]
    more = offset + limit < len(executions)
    return Response.json({"data": page, "nextCursor": _cursor(offset + limit) if more else None})


def executions(
    scenario: Scenario, anchor: float, now: float, workflow_id: str | None, status: str | None
) -> list[dict[str, Any]]:
    """Each workflow's runs (`run_history.history`) as n8n executions, newest first."""
    out: list[dict[str, Any]] = []
    for w_index, workflow in enumerate(scenario.workflows):
        if workflow_id and workflow.id != workflow_id:
            continue
        for run in history(workflow, anchor, now):
            run_status = "error" if run.failed else "success"
            if status and run_status != status:
                continue
            out.append(
                {
                    # n8n numbers executions upwards as they start: the newest has the highest id.
                    "id": str(1_000_000 * (w_index + 1) + run.number),
                    "finished": not run.failed,
                    "mode": "webhook",
                    "retryOf": None,
                    "retrySuccessId": None,
                    "startedAt": iso(run.started),
                    "stoppedAt": iso(run.started + run.seconds),
                    "workflowId": workflow.id,
                    "waitTill": None,
                    "status": run_status,
                }
            )
    out.sort(key=lambda e: e["startedAt"], reverse=True)
    return out


async def crm(sandbox: Sandbox, request: Request, path: str) -> Response:
    if path == "/webhook":
        if request.method != "POST":
            return Response.json({"error": "use POST"}, 405)
        return Response.json({"accepted": True, "id": f"evt_{next(_ids)}"}, 202)
    if path == "/health":
        return Response.json({"status": "UP"})
    return Response.json({"error": "not found"}, 404)


async def app(sandbox: Sandbox, request: Request, path: str) -> Response:
    if path == "/health":
        checks = {"database": "UP", "vector_db": "UP", "model": "UP"}
        return Response.json({"status": "UP", "checks": checks, "model": "claude-haiku-4-5", "version": "1.4.2"})
    return Response.json({"error": "not found"}, 404)


_SAFE = re.compile(r"[^a-z0-9-]")


def vendor_id(text: str) -> str:
    return _SAFE.sub("-", text.lower())

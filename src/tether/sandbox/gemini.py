"""The Gemini API (generativelanguage.googleapis.com/v1beta): `models.list` and `models.countTokens`.

Shapes from Google's API reference (https://ai.google.dev/api/models, /api/tokens) and error
bodies as public clients recorded them from the live API (docs/adr/0003): every error is
{error: {code, message, status: INVALID_ARGUMENT | NOT_FOUND | RESOURCE_EXHAUSTED | UNAVAILABLE
..., details[]}}, and a bad key is 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tether.sandbox.http11 import Request, Response

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox

STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
MESSAGES = {
    429: "Resource has been exhausted (e.g. check quota).",
    503: "The model is overloaded. Please try again later.",
}
KEY_INVALID = "API key not valid. Please pass a valid API key."


def error(status: int, message: str | None = None, reason: str | None = None) -> Response:
    body: dict[str, Any] = {
        "code": status,
        "message": message or MESSAGES.get(status, f"sandbox fault: HTTP {status}"),
        "status": STATUS.get(status, "UNKNOWN"),
    }
    if reason:
        body["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
        if reason == "API_KEY_INVALID" and not message:
            body["message"] = KEY_INVALID
    return Response.json({"error": body}, status)


def _model(name: str) -> dict[str, Any]:
    return {
        "name": f"models/{name}",
        "version": "001",
        "displayName": name.replace("-", " ").title(),
        "description": f"Sandbox stand-in for {name}",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
    }


async def api(sandbox: Sandbox, request: Request, path: str) -> Response:
    if not (request.headers.get("x-goog-api-key") or request.query.get("key")):
        return error(
            403,
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API.",
        )
    models = sandbox.scenario.gemini_models
    if path == "/v1beta/models" and request.method == "GET":
        return Response.json({"models": [_model(m) for m in models]})
    if path.startswith("/v1beta/models/") and path.endswith(":countTokens") and request.method == "POST":
        model = path.removeprefix("/v1beta/models/").removesuffix(":countTokens")
        if model not in models:
            return error(
                404,
                f"models/{model} is not found for API version v1beta, or is not supported for "
                "countTokens. Call ListModels to see the list of available models and their supported "
                "methods.",
            )
        try:
            body = request.json()
        except ValueError:
            return error(400, "Invalid JSON payload received.")
        contents = body.get("contents") if isinstance(body, dict) else None
        text = " ".join(
            str(part.get("text", ""))
            for content in contents or []
            if isinstance(content, dict)
            for part in content.get("parts") or []
            if isinstance(part, dict)
        )
        total = max(1, (len(text) + 3) // 4)
        return Response.json({"totalTokens": total, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}]})
    return error(404, f"no route {request.method} {path}")

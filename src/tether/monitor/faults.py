"""Faults become results, never crashes: each failure gets a state, a reason and a category."""

from __future__ import annotations

import socket
from enum import StrEnum

from tether.checks.states import State


class Category(StrEnum):
    """Why a check is in its state, as a stable word that alerts, rollups and runbooks key on."""

    OK = "ok"
    SLOW = "slow"
    CONDITION_FAILED = "condition_failed"
    HTTP_STATUS = "http_status"
    AUTH = "auth"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    NEAR_LIMIT = "near_limit"
    SPEND_CAP = "spend_cap"
    OVERLOADED = "overloaded"
    PROBE_OVERLOADED = "probe_overloaded"
    """tether itself was too busy to time the target (docs/adr/0014): not the target's fault."""
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"
    SLOW_BODY = "slow_body"
    REFUSED = "refused"
    DNS = "dns"
    DROPPED = "dropped"
    BAD_JSON = "bad_json"
    HTML = "html"
    TOO_LARGE = "too_large"
    BAD_ENCODING = "bad_encoding"
    REDIRECT_LOOP = "redirect_loop"
    CONFIG = "config"
    VENDOR_MINOR = "vendor_minor"
    VENDOR_MAJOR = "vendor_major"
    MAINTENANCE = "maintenance"
    MISSED_PING = "missed_ping"
    FAILED_RUN = "failed_run"
    NO_DATA = "no_data"
    LOW_SUCCESS_RATE = "low_success_rate"
    UNEXPECTED = "unexpected"


class ProbeFault(Exception):
    """Raised inside a probe to end it with a recorded state and reason."""

    def __init__(self, state: State, category: Category, reason: str) -> None:
        super().__init__(reason)
        self.state = state
        self.category = category
        self.reason = reason


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def redirect_loop() -> ProbeFault:
    return ProbeFault(State.DOWN, Category.REDIRECT_LOOP, "redirect loop: the server keeps redirecting")


def transport_fault(exc: BaseException, what: str = "request") -> ProbeFault:
    """An httpx (or the anthropic SDK's httpx2) transport error as a located, categorised fault.

    Matched by class name so both libraries' exception trees are understood.
    """
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    if "TooManyRedirects" in names:
        return redirect_loop()
    text = " ".join(str(e) for e in chain).lower()
    if (
        any(isinstance(e, socket.gaierror) for e in chain)
        or "name or service not known" in text
        or ("name resolution" in text)
    ):
        return ProbeFault(State.DOWN, Category.DNS, "DNS lookup failed: the host name does not resolve")
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text:
        return ProbeFault(State.DOWN, Category.REFUSED, "connection refused: nothing is listening there")
    if "ConnectTimeout" in names:
        return ProbeFault(State.DOWN, Category.CONNECT_TIMEOUT, "connect timeout: the server did not accept")
    if "ReadTimeout" in names or "WriteTimeout" in names or "PoolTimeout" in names:
        return ProbeFault(State.DOWN, Category.READ_TIMEOUT, f"read timeout: no answer to the {what} in time")
    if "RemoteProtocolError" in names or "ReadError" in names or "WriteError" in names:
        return ProbeFault(State.DOWN, Category.DROPPED, "connection dropped before the response was complete")
    if "APITimeoutError" in names or "TimeoutException" in names:
        return ProbeFault(State.DOWN, Category.TIMEOUT, f"timeout: no answer to the {what} in time")
    if "ConnectError" in names:
        return ProbeFault(State.DOWN, Category.REFUSED, f"cannot connect: {exc}")
    return ProbeFault(State.DOWN, Category.UNEXPECTED, f"{type(exc).__name__}: {exc}")


def _retry_after(headers: object) -> str:
    value = getattr(headers, "get", lambda _k: None)("retry-after")
    return f", retry after {value}s" if value else ""


def status_fault(status: int, headers: object = None, error_type: str | None = None, message: str = "") -> ProbeFault:
    """An HTTP error status as a fault with a reason a person can act on."""
    text = f"{error_type or ''} {message}".lower()
    if status == 429 and ("spend_limit" in text or "spend limit" in text or "credit balance" in text):
        return ProbeFault(State.DOWN, Category.SPEND_CAP, "spend cap reached: the organisation's usage limit is hit")
    if status == 429:
        return ProbeFault(State.DOWN, Category.RATE_LIMITED, f"rate limited (HTTP 429{_retry_after(headers)})")
    if status in (401, 403):
        return ProbeFault(State.DOWN, Category.AUTH, f"bad key: HTTP {status}, the API key was refused")
    if status == 404:
        return ProbeFault(State.DOWN, Category.NOT_FOUND, "HTTP 404 not found")
    if status == 529 or error_type == "overloaded_error":
        return ProbeFault(State.DOWN, Category.OVERLOADED, f"overloaded (HTTP {status}{_retry_after(headers)})")
    if status >= 500:
        return ProbeFault(State.DOWN, Category.SERVER_ERROR, f"server error (HTTP {status})")
    if 300 <= status < 400:
        reason = f"HTTP {status}: redirected; point the URL at where it answers"
        return ProbeFault(State.DOWN, Category.HTTP_STATUS, reason)
    return ProbeFault(State.DOWN, Category.HTTP_STATUS, f"HTTP {status}")

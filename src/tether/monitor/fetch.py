"""One HTTP exchange for a probe: a deadline over the whole of it, and a body read capped at 1 MiB (decoded)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from tether.checks.states import State
from tether.model.common import url_problem
from tether.monitor import body as capped
from tether.monitor import load
from tether.monitor.faults import Category, ProbeFault, redirect_loop, transport_fault
from tether.monitor.network import Exchange, Stream
from tether.monitor.transport import CappedStream

MAX_BODY = capped.MAX_BODY


@dataclass
class Fetched:
    status: int
    headers: httpx.Headers
    body: bytes
    latency_ms: float
    """The request on the wire: first byte written to last byte read (docs/adr/0014)."""
    url: str

    @property
    def is_html(self) -> bool:
        kind = self.headers.get("content-type", "").lower()
        head = self.body[:256].lstrip().lower()
        return "text/html" in kind or head.startswith((b"<!doctype html", b"<html"))

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self, *, state: State = State.DOWN, what: str = "the response") -> Any:
        """The body as JSON; HTML or bad JSON ends the probe with `state` and a clear reason."""
        if self.is_html:
            raise ProbeFault(state, Category.HTML, f"{what} is an HTML page where JSON was expected")
        try:
            return json.loads(self.body)
        except ValueError:
            raise ProbeFault(state, Category.BAD_JSON, f"{what} is not valid JSON") from None


def _redirects_to_itself(response: httpx.Response) -> bool:
    """A redirect not followed that names its own address: a loop, whoever follows it."""
    location = response.headers.get("location")
    if not response.is_redirect or not location:
        return False
    return str(response.url.join(location)) == str(response.url)


def timed_out(phase: str, timeout: float) -> ProbeFault:
    if phase == "body":
        return ProbeFault(State.DOWN, Category.SLOW_BODY, f"slow body: still arriving after {timeout:g}s")
    if phase == "answer":
        return ProbeFault(
            State.DOWN, Category.READ_TIMEOUT, f"read timeout: no answer to the request within {timeout:g}s"
        )
    return ProbeFault(
        State.DOWN, Category.CONNECT_TIMEOUT, f"connect timeout: the server did not accept within {timeout:g}s"
    )


def usable(url: str) -> None:
    """A URL whose `${ENV}` parts made it unusable (a port past 65535) is a config fault, not a crash."""
    problem = url_problem(url)
    if problem is not None:
        raise ProbeFault(State.UNKNOWN, Category.CONFIG, problem)


async def fetch(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    content: bytes | None = None,
    follow_redirects: bool = False,
    max_body: int = MAX_BODY,
) -> Fetched:
    """Send one request and read its body within `timeout` seconds in all."""
    usable(url)
    start = time.perf_counter()
    # Where the time went, from httpcore's own events: a timeout is named by the phase it cut
    # short, whichever deadline (httpx's or the overall one) fired first on a loaded machine.
    phase = "connect"
    sent_at: float | None = None
    """When the first request's headers started out, where no connection of ours stamps them."""

    async def trace(event: str, _info: dict[str, Any]) -> None:
        nonlocal phase, sent_at
        if event.endswith("connect_tcp.started") and sent_at is None:
            sent_at = time.perf_counter()
        if event.endswith("send_request_headers.started") and phase == "connect":
            phase = "answer"
            if sent_at is None:
                sent_at = time.perf_counter()

    try:
        async with asyncio.timeout(timeout):
            request = client.build_request(
                method,
                url,
                headers={"accept-encoding": capped.ACCEPT_ENCODING, **(headers or {})},
                params=params,
                content=content,
                timeout=timeout * 0.9,
                extensions={"trace": trace},
            )
            response = await client.send(request, stream=True, follow_redirects=follow_redirects)
            if _redirects_to_itself(response):
                await response.aclose()
                raise redirect_loop()
            phase = "body"
            try:
                body = await _body(response, max_body)
                # Read before closing: a closed response hands its connection to the next request.
                exchange = _exchange(response)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        raise timed_out(phase, timeout) from None
    except httpx.HTTPError as exc:
        raise transport_fault(exc) from None
    done = time.perf_counter()
    latency = exchange.latency_ms if exchange is not None else None
    if latency is None:  # another transport, or redirects followed: from the first request's headers out
        latency = (done - (sent_at or start)) * 1000
    load.note(latency, (done - start) * 1000 - latency)
    return Fetched(
        status=response.status_code,
        headers=response.headers,
        body=body,
        latency_ms=latency,
        url=str(response.url),
    )


async def _body(response: httpx.Response, max_body: int) -> bytes:
    """The decoded body within `max_body`. The engine's transport has decoded and capped it already
    (`CappedStream`); any other transport's raw bytes go through the capped reader here, since
    httpx would inflate each chunk whole."""
    if isinstance(response.stream, CappedStream) and response.stream.cap <= max_body:
        return b"".join([piece async for piece in response.aiter_raw()])
    return await capped.read(response.aiter_raw(), response.headers.get("content-encoding", ""), max_body)


def _exchange(response: httpx.Response) -> Exchange | None:
    """The wire timing of the engine's own connections; None for redirects followed or another transport."""
    if response.history:
        return None
    stream = response.extensions.get("network_stream")
    return stream.exchange if isinstance(stream, Stream) else None

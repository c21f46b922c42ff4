"""What every status adapter shares: fetching a feed, naming what came back, and the outcome.

A status feed that cannot be read is `unknown`, never `down`: the vendor may be fine while its
status page is not. When a feed answers with JSON of another shape than its platform's, the
reason says the vendor no longer serves that platform's feed (vendors move between platforms).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tether.checks.result import Outcome
from tether.checks.states import SEVERITY, State
from tether.checks.statuspage import StatuspageCheck
from tether.model.status_platform import LABELS, StatusPlatform
from tether.monitor.context import ProbeContext
from tether.monitor.faults import Category, ProbeFault
from tether.monitor.fetch import Fetched, fetch

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass
class Finding:
    """One thing a feed reports that matters to this check: an incident, a maintenance, a service state."""

    state: State
    category: Category
    what: str
    """A short line for the reason, e.g. "Gemini: Service disruption" or an incident title."""
    components: list[str] = field(default_factory=list)
    title: str | None = None
    link: str | None = None


@dataclass
class Reading:
    """What a feed said, in tether's words, before it becomes an Outcome."""

    platform: StatusPlatform
    feed: str
    findings: list[Finding] = field(default_factory=list)
    healthy_reason: str = "operational"
    extra: dict[str, Any] = field(default_factory=dict)

    def outcome(self) -> Outcome:
        metrics: dict[str, Any] = {"platform": str(self.platform), "feed": self.feed, **self.extra}
        if not self.findings:
            metrics.update(affected=[], incident=None, link=None)
            return Outcome(State.HEALTHY, self.healthy_reason, Category.OK, metrics=metrics)
        ranked = sorted(self.findings, key=lambda f: SEVERITY[f.state], reverse=True)
        top = ranked[0]
        affected = sorted({c for f in ranked if f.state is not State.HEALTHY for c in f.components})
        metrics.update(affected=affected, incident=top.title, link=top.link)
        reason = "; ".join(dict.fromkeys(f.what for f in ranked[:3]))
        if len(ranked) > 3:
            reason += f" (and {len(ranked) - 3} more)"
        return Outcome(top.state, reason, top.category, metrics=metrics)


def describe_body(got: Fetched) -> str:
    """What a body is, for a reason a person can act on: an HTML page (titled ...), a JSON list, ..."""
    if got.is_html:
        match = _TITLE.search(got.body[:65536])
        title = " ".join(match.group(1).decode("utf-8", "replace").split())[:60] if match else ""
        return f"an HTML page titled {title!r}" if title else "an HTML page"
    try:
        return json_kind(json.loads(got.body))
    except ValueError:
        return "a body that is not JSON" if got.body.strip() else "an empty body"


def shape_changed(host: str, platform: StatusPlatform, found: str) -> ProbeFault:
    """The feed answered, but not in its platform's shape: most often the vendor moved platforms."""
    return ProbeFault(
        State.UNKNOWN,
        Category.BAD_JSON,
        f"{host} no longer serves {LABELS[platform]} (found {found}); "
        "check which status platform the vendor uses now and set `platform:` or fix `url:`",
    )


async def get_json(
    ctx: ProbeContext,
    url: str,
    platform: StatusPlatform,
    host: str,
    *,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    content: bytes | None = None,
    what: str = "the status feed",
) -> tuple[Any, Fetched]:
    """GET a feed as JSON; anything else ends the probe as unknown with what was found and the fix."""
    try:
        got = await fetch(
            ctx.client, method, url, timeout=ctx.timeout, headers=headers, content=content, follow_redirects=True
        )
    except ProbeFault as fault:
        raise ProbeFault(State.UNKNOWN, fault.category, f"{what} unreachable: {fault.reason}") from None
    if got.status == 404:
        raise ProbeFault(
            State.UNKNOWN,
            Category.HTTP_STATUS,
            f"{host} no longer serves {LABELS[platform]}: HTTP 404 at {_path(url, host)}; "
            "check which status platform the vendor uses now and set `platform:` or fix `url:`",
        )
    if got.status >= 400:
        raise ProbeFault(
            State.UNKNOWN, Category.HTTP_STATUS, f"{what} answered HTTP {got.status} ({describe_body(got)})"
        )
    if got.is_html:
        raise ProbeFault(
            State.UNKNOWN,
            Category.HTML,
            f"{what} at {host}{_path(url, host)} is {describe_body(got)}, not {LABELS[platform]} "
            "(the vendor may have moved status platforms); point `url:` at its machine-readable feed "
            "or set `platform:`",
        )
    try:
        return json.loads(got.body), got
    except ValueError:
        raise ProbeFault(State.UNKNOWN, Category.BAD_JSON, f"{what} is not valid JSON") from None


def _path(url: str, host: str) -> str:
    # A sandbox-mirrored URL carries the vendor host as its first path segment: show the vendor's path.
    path = urlsplit(url).path
    marker = f"/{host}/"
    return "/" + path.split(marker, 1)[1] if marker in path else path


def picked(check: StatuspageCheck, names: list[str]) -> list[str]:
    """Which of `names` (a finding's components) this check watches; all of them when it names none."""
    if not check.components:
        return names
    wanted = {c.lower() for c in check.components}
    return [n for n in names if n.lower() in wanted]


def json_kind(data: Any) -> str:
    if isinstance(data, dict):
        return f"a JSON object with keys {', '.join(list(data)[:5]) or 'none'}"
    if isinstance(data, list):
        return "a JSON list"
    return f"a JSON {type(data).__name__}"

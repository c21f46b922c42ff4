"""Alert channels: a Slack incoming webhook and a generic JSON webhook, over async httpx.

The URL is an `${ENV}` reference, expanded at the moment of sending and never logged: a
delivery error is stored with the URL and any secret-looking text redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tether import clock
from tether.model.alerts import SlackChannel, WebhookChannel
from tether.model.common import url_problem
from tether.secrets import MissingEnv, env_names, expand, redact
from tether.store.incidents import Incident

EVENT_WORDS = {"opened": "OPEN", "reminder": "STILL OPEN", "resolved": "RESOLVED"}


@dataclass(frozen=True)
class Notice:
    """One message to send: an incident event for one channel."""

    event: str
    """`opened`, `reminder` or `resolved`."""
    incident: Incident
    channel: SlackChannel | WebhookChannel
    channel_id: str
    """Stable identity of the destination (kind and URL reference), so one vendor outage pages each once."""
    title: str
    """A human name for what failed, e.g. an integration's title or a vendor's name."""
    delivery_id: int = 0
    """Its outbox row in `incident_notifications` (0 until claimed)."""
    attempt: int = 1


def channel_id(channel: SlackChannel | WebhookChannel) -> str:
    url = channel.webhook_url if isinstance(channel, SlackChannel) else channel.url
    return f"{channel.kind}:{channel.name or url}"


def _summary(notice: Notice) -> str:
    incident = notice.incident
    word = EVENT_WORDS.get(notice.event, notice.event.upper())
    if incident.cause == "vendor":
        what = f"{notice.title} outage affects {', '.join(incident.affected) or 'dependent integrations'}"
    else:
        what = notice.title + (f" / {incident.check}" if incident.check else "")
    return f"[{word}] #{incident.id} {what}: {incident.reason}"


def webhook_payload(notice: Notice) -> dict[str, Any]:
    """The generic JSON body: the event and the incident as `tether incidents --json` shows it."""
    incident = notice.incident
    return {
        "event": notice.event,
        "summary": _summary(notice),
        "incident": {k: v for k, v in incident.to_json().items() if k != "deliveries"}
        | {
            "opened_at_iso": clock.iso(incident.opened_at),
            "resolved_at_iso": None if incident.resolved_at is None else clock.iso(incident.resolved_at),
        },
    }


def slack_payload(notice: Notice) -> dict[str, Any]:
    """A Slack incoming-webhook body: `text` as the fallback, one section block for the message."""
    text = _summary(notice)
    body: dict[str, Any] = {
        "text": text,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"opened {clock.iso(notice.incident.opened_at)} by tether"}],
            },
        ],
    }
    if isinstance(notice.channel, SlackChannel) and notice.channel.channel:
        body["channel"] = notice.channel.channel
    return body


@dataclass(frozen=True)
class Delivery:
    notice: Notice
    ok: bool
    error: str | None = None


async def deliver(client: httpx.AsyncClient, notice: Notice, env: Mapping[str, str] | None = None) -> Delivery:
    """Send one notice; never raises for a network or configuration problem (the Delivery says)."""
    channel = notice.channel
    ref = channel.webhook_url if isinstance(channel, SlackChannel) else channel.url
    payload = slack_payload(notice) if isinstance(channel, SlackChannel) else webhook_payload(notice)
    try:
        url = expand(ref, env)
    except MissingEnv as exc:
        return Delivery(notice, False, f"{exc.name} is not set")
    problem = url_problem(url)
    if problem is not None:
        return Delivery(notice, False, problem)
    try:
        response = await client.post(url, json=payload)
    except (httpx.HTTPError, OSError, ValueError) as exc:
        message = f"{type(exc).__name__}: {exc}".replace(url, ref)
        return Delivery(notice, False, redact(message, env, env_names(ref)))
    if response.status_code >= 300:
        return Delivery(notice, False, f"HTTP {response.status_code}")
    return Delivery(notice, True)

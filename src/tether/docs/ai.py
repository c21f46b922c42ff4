"""`tether docs --ai`: Claude drafts extra troubleshooting notes per integration.

What is sent: the integration's definition and its recorded failures, with secrets redacted
(secret-looking literals, and the value of every variable the integration references). Notes
are cached in the store by a hash of exactly what would be sent, so an unchanged integration
costs nothing on a re-run; a token cap bounds each run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tether.clock import now
from tether.docs import markdown
from tether.docs.facts import AINote, DocumentSet
from tether.docs.render import secret_names
from tether.model.integration import Integration
from tether.secrets import redact
from tether.store import Store
from tether.store.doc_cache import CachedNote, get_note, put_note

if TYPE_CHECKING:
    import anthropic

DEFAULT_MODEL = "claude-haiku-4-5"
"""Short notes need no large model; a current (not deprecated) id the sandbox also serves."""
NOTE_MAX_TOKENS = 700
"""Output tokens asked for per integration."""
DEFAULT_RUN_CAP = 20_000
"""Input plus output tokens one `tether docs --ai` run may spend, all integrations together."""
MAX_LINES = 8

SYSTEM = (
    "You write troubleshooting notes for an on-call engineer who looks after one AI integration. "
    "The runbook already covers the failure modes listed in the request; add what is specific to "
    "this integration's systems, data and history. Answer with 3 to 6 short notes, one per line, "
    "each starting with '- '. Plain sentences only: no headings, tables, links or code blocks."
)

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)]|#+)\s*")


@dataclass
class DraftReport:
    drafted: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Integration → why it has no note this run."""
    input_tokens: int = 0
    output_tokens: int = 0
    keys: set[str] = field(default_factory=set)


def prompt_for(docs: DocumentSet, integration: Integration, secrets: list[str]) -> str:
    """The user message for one integration, redacted; the same inputs give the same text."""
    definition = docs.source_text(integration)
    known = [f"- {entry.mode.title}" for entry in docs.runbook(integration)]
    seen = [
        f"- {r.reason}: {r.count} times, last at epoch {r.last_seen:.0f}"
        for r in docs.history.get(integration.name, [])
    ]
    text = "\n".join(
        [
            f"Integration definition (from integrations.yaml):\n\n{definition}",
            "Failure modes the runbook already explains:",
            *known,
            "",
            "Recorded failures (reason: count, last seen):",
            *(seen or ["- none recorded yet"]),
        ]
    )
    return redact(text, names=secrets)


def cache_key(model: str, prompt: str) -> str:
    material = json.dumps({"model": model, "system": SYSTEM, "max_tokens": NOTE_MAX_TOKENS, "prompt": prompt})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def note_lines(text: str) -> list[str]:
    """The model's answer as escaped one-line notes: markdown it wrote is shown, never interpreted."""
    lines = []
    for raw in text.splitlines():
        line = _BULLET.sub("", raw).strip()
        if line:
            lines.append(markdown.escape(line[:400]))
    return lines[:MAX_LINES]


def draft_notes(
    docs: DocumentSet,
    store: Store,
    client: anthropic.Anthropic | None,
    model: str = DEFAULT_MODEL,
    run_cap: int = DEFAULT_RUN_CAP,
) -> DraftReport:
    """Fill docs.ai_notes from the cache, asking Claude (when a client is given) for the rest."""
    import anthropic

    report = DraftReport()
    secrets = secret_names(docs.integrations)
    for integration in docs.integrations:
        name = integration.name
        prompt = prompt_for(docs, integration, secrets)
        key = cache_key(model, prompt)
        report.keys.add(key)
        cached = get_note(store, key)
        if cached is not None:
            docs.ai_notes[name] = AINote(cached.model, cached.lines)
            report.cached.append(name)
            continue
        if client is None:
            report.skipped[name] = "no cached note for its current definition"
            continue
        # Roughly 4 characters a token; the cap is checked before sending, so it is never passed.
        estimate = (len(prompt) + len(SYSTEM)) // 3
        left = run_cap - report.input_tokens - report.output_tokens
        if estimate + NOTE_MAX_TOKENS > left:
            report.skipped[name] = f"token cap of {run_cap:,} per run reached"
            continue
        try:
            response = client.messages.create(
                model=model,
                max_tokens=NOTE_MAX_TOKENS,
                system=SYSTEM,
                messages=[{"role": "user", "content": prompt}],
            )
        except anthropic.APIError as exc:
            report.skipped[name] = f"Claude request failed: {type(exc).__name__}"
            if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
                client = None
            continue
        report.input_tokens += response.usage.input_tokens
        report.output_tokens += response.usage.output_tokens
        text = "".join(block.text for block in response.content if block.type == "text")
        lines = note_lines(redact(text, names=secrets))
        if not lines:
            report.skipped[name] = "Claude answered with no notes"
            continue
        put_note(
            store,
            key,
            CachedNote(name, model, lines, response.usage.input_tokens, response.usage.output_tokens, now()),
        )
        docs.ai_notes[name] = AINote(model, lines)
        report.drafted.append(name)
    return report

"""Secrets live only in the environment; integrations.yaml holds `${NAME}` references.

This module finds literal secrets before they are stored, expands references at the moment of
use, and redacts secret values from anything that leaves the process (store, reports, logs,
prompts sent to a model).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote, quote_plus

# `${NAME}` or `${NAME:-default}`; a default lets one file point at the sandbox or the real API.
ENV_REF = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")
WHOLE_ENV_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$")


class SecretKind(NamedTuple):
    label: str
    pattern: re.Pattern[str]
    suggested_env: str


SECRET_KINDS: tuple[SecretKind, ...] = (
    SecretKind("an Anthropic API key", re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"), "ANTHROPIC_API_KEY"),
    SecretKind("an OpenAI API key", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{20,}"), "OPENAI_API_KEY"),
    SecretKind("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"), "SLACK_TOKEN"),
    SecretKind(
        "a Slack webhook URL",
        re.compile(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]{8,}"),
        "SLACK_WEBHOOK_URL",
    ),
    SecretKind("a bearer token", re.compile(r"\b(?i:bearer)\s+[A-Za-z0-9._~+/\-]{16,}=*"), "API_TOKEN"),
    SecretKind("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}"), "GITHUB_TOKEN"),
    SecretKind("an AWS access key", re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "AWS_ACCESS_KEY_ID"),
    SecretKind(
        "a password in a URL",
        re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^/\s:@${}]+:[^/\s@${}]+@"),
        "SERVICE_URL",
    ),
    SecretKind("HTTP basic credentials", re.compile(r"\b(?i:basic)\s+[A-Za-z0-9+/]{12,}={0,2}"), "API_CREDENTIALS"),
    SecretKind(
        "a key in a URL query",
        re.compile(
            r"[?&](?i:api[_-]?key|apikey|key|access[_-]?token|token|secret|password|passwd|auth|signature)"
            r"=[A-Za-z0-9._~+/%\-]{12,}"
        ),
        "API_KEY",
    ),
    SecretKind(
        "a JSON web token (n8n API keys are JWTs)",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
        "N8N_API_KEY",
    ),
)


# One pass over a text instead of one per kind: redaction runs over whole documents.
ANY_SECRET = re.compile("|".join(f"(?:{kind.pattern.pattern})" for kind in SECRET_KINDS))

_LITERALS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("sk-", (0, 1)),
    ("xox", (2,)),
    ("hooks.slack.com/", (3,)),
    ("ghp_", (5,)),
    ("gho_", (5,)),
    ("ghu_", (5,)),
    ("ghs_", (5,)),
    ("ghr_", (5,)),
    ("AKIA", (6,)),
    ("://", (7,)),
    ("eyJ", (10,)),
)
"""A string each of SECRET_KINDS (by index) must contain: a text without it cannot hold that kind."""
_CASELESS = (("bearer", (4,)), ("basic", (8,)))
"""The same for the kinds matched case-insensitively, looked for in the lowered text."""
_QUERY_KEY = 9
"""A key in a URL query needs `=` and `?` or `&`."""
if {k for _, of in (*_LITERALS, *_CASELESS) for k in of} | {_QUERY_KEY} != set(range(len(SECRET_KINDS))):
    # A kind without what it must contain would never be looked for in a long text.
    raise RuntimeError("every kind in SECRET_KINDS needs its entry in _LITERALS, _CASELESS or _QUERY_KEY")
_LONG = 64
"""From this length on, leaving out the kinds a text cannot hold saves more than looking costs."""


@lru_cache(maxsize=256)
def _pattern_of(kinds: frozenset[int]) -> re.Pattern[str]:
    # The kinds in SECRET_KINDS order, as in ANY_SECRET: where two could match, the same one wins.
    return re.compile("|".join(f"(?:{SECRET_KINDS[k].pattern.pattern})" for k in sorted(kinds)))


def _possible_kinds(text: str) -> frozenset[int]:
    kinds: set[int] = set()
    for literal, of in _LITERALS:
        if literal in text:
            kinds.update(of)
    # Case folding beyond ASCII can spell a word with other letters (the long s of "baſic"): look then.
    lowered = text.lower() if text.isascii() else None
    for word, of in _CASELESS:
        if lowered is None or word in lowered:
            kinds.update(of)
    if "=" in text and ("?" in text or "&" in text):
        kinds.add(_QUERY_KEY)
    return frozenset(kinds)


def _outside_references(match: re.Match[str]) -> str:
    # A reference is no secret, but its default is a literal like any other text.
    return f" {match.group('default') or ''} "


def any_secret(texts: Iterable[str]) -> bool:
    """Whether any of the strings could hold a literal secret (`find_secret` of one is not None);
    one regex pass over them all, for files of thousands of strings that almost never hold one.

    Exact in the direction that matters: every kind's pattern is unanchored and starts or ends a
    word with `\\b`, which a NUL between two strings keeps as it is at a string's edge, so a secret
    in one string is found in the joined text. A match across two strings is a false alarm, and
    the caller then looks string by string."""
    joined = "\0".join(ENV_REF.sub(_outside_references, text) for text in texts)
    kinds = _possible_kinds(joined)  # the kinds the text holds what they need for, as redact() does
    return bool(kinds) and _pattern_of(kinds).search(joined) is not None


def find_secret(text: str) -> SecretKind | None:
    """The kind of literal secret in a string, a `${NAME:-default}`'s default included, if any."""
    bare = ENV_REF.sub(_outside_references, text)
    for kind in SECRET_KINDS:
        if kind.pattern.search(bare):
            return kind
    return None


def walk_strings(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string value in plain data, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, Mapping):
        for key, value in data.items():
            yield from walk_strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from walk_strings(value, (*path, i))


class MissingEnv(Exception):
    """An `${NAME}` reference whose variable is not set and has no default."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"{name} is not set")


def env_names(text: str) -> list[str]:
    """The variable names a string references."""
    return [m.group("name") for m in ENV_REF.finditer(text)]


def with_defaults(text: str) -> str:
    """The text as it reads with no variable set: `${NAME:-default}` becomes its default, `${NAME}`
    stays a reference (so a URL shows as shipped, `https://status.zapier.com`, not the sandbox switch)."""
    return ENV_REF.sub(lambda m: m.group("default") if m.group("default") is not None else m.group(0), text)


def expand(text: str, env: Mapping[str, str] | None = None) -> str:
    """Replace `${NAME}` references with their values; raises MissingEnv for an unset one."""
    environ = os.environ if env is None else env

    def value(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in environ and environ[name] != "":
            return environ[name]
        if default is not None:
            return default
        raise MissingEnv(name)

    return ENV_REF.sub(value, text)


REDACTED = "[redacted]"


def value_forms(names: Iterable[str], env: Mapping[str, str] | None = None) -> set[str]:
    """The named variables' values as text may carry them: as written, and as a URL carries them
    (a key in a query or path is percent-encoded). Values under four characters are left out:
    they would redact half of every text."""
    environ = os.environ if env is None else env
    forms: set[str] = set()
    for name in names:
        secret = environ.get(name, "")
        if len(secret) >= 4:
            forms |= {secret, quote(secret, safe=""), quote_plus(secret)}
    return forms


def redact(text: str, env: Mapping[str, str] | None = None, names: list[str] | None = None) -> str:
    """Remove secret-looking literals, and the values of the named (or referenced) variables."""
    return _redact(text, _longest_first(names, env))


def _longest_first(names: list[str] | None, env: Mapping[str, str] | None) -> list[str]:
    # Of two values where one holds the other, the whole of the longer goes.
    return sorted(value_forms(names or [], env), key=len, reverse=True)


def _redact(text: str, forms: list[str]) -> str:
    for form in forms:
        text = text.replace(form, REDACTED)
    if len(text) < _LONG:
        return ANY_SECRET.sub(REDACTED, text)
    kinds = _possible_kinds(text)
    return _pattern_of(kinds).sub(REDACTED, text) if kinds else text


def referenced_names(data: Any) -> list[str]:
    """Every environment variable referenced anywhere in plain data, in first-seen order."""
    # One regex pass over the data as JSON text, not one per string: a thousand integrations'
    # definitions are a hundred thousand strings. JSON escapes nothing a reference is made of,
    # and a name follows its `${` inside one string, so the names found are the same.
    text = json.dumps(data, ensure_ascii=False, default=str)
    return list(dict.fromkeys(m.group("name") for m in ENV_REF.finditer(text)))


def redact_data(data: Any, env: Mapping[str, str] | None = None, names: list[str] | None = None) -> Any:
    """A copy of plain data with every string redacted (see `redact`)."""
    return _redact_data(data, _longest_first(names, env))  # the values looked up once, not per string


def _redact_data(data: Any, forms: list[str]) -> Any:
    if isinstance(data, str):
        return _redact(data, forms)
    if isinstance(data, Mapping):
        return {key: _redact_data(value, forms) for key, value in data.items()}
    if isinstance(data, list):
        return [_redact_data(value, forms) for value in data]
    return data

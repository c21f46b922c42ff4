"""Secrets: found before they are stored, expanded only at use, redacted from all output."""

from __future__ import annotations

import pytest

from tether.secrets import (
    REDACTED,
    MissingEnv,
    expand,
    find_secret,
    redact,
    redact_data,
    referenced_names,
)

LITERALS = [
    ("sk-ant-api03-AbCdEfGhIjKlMnOpQr", "an Anthropic API key"),
    ("sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "an OpenAI API key"),
    ("xoxb-1234567890-abcdefghij", "a Slack token"),
    ("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", "a Slack webhook URL"),
    ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "a bearer token"),
    ("BEARER abcdefghijklmnopqrstuvwxyz", "a bearer token"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123", "a GitHub token"),
    ("AKIAABCDEFGHIJKLMNOP", "an AWS access key"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.sig_nature", "a JSON web token (n8n API keys are JWTs)"),
]


@pytest.mark.parametrize(("text", "label"), LITERALS)
def test_each_kind_of_literal_secret_is_found_and_redacted(text: str, label: str) -> None:
    kind = find_secret(f"prefix {text} suffix")
    assert kind is not None and kind.label == label
    cleaned = redact(f"prefix {text} suffix", env={})
    assert REDACTED in cleaned
    assert find_secret(cleaned) is None


@pytest.mark.parametrize(
    "text", ["${ANTHROPIC_API_KEY}", "Bearer ${API_TOKEN}", "sk-short", "a sentence about tokens", "skill-ant-farm"]
)
def test_references_and_ordinary_words_are_not_secrets(text: str) -> None:
    assert find_secret(text) is None


def test_expand_uses_the_environment_then_the_default() -> None:
    env = {"HOST": "127.0.0.1:9", "EMPTY": ""}
    assert expand("http://${HOST}/x", env) == "http://127.0.0.1:9/x"
    assert expand("${MISSING:-https://api.anthropic.com}", env) == "https://api.anthropic.com"
    assert expand("${EMPTY:-fallback}", env) == "fallback"
    with pytest.raises(MissingEnv, match="KEY is not set"):
        expand("${KEY}", env)


def test_redact_removes_the_values_of_named_variables_anywhere() -> None:
    env = {"N8N_API_KEY": "plain-looking-value-42"}
    data = {"a": ["see plain-looking-value-42 here", {"b": "${N8N_API_KEY}"}], "n": 3}
    names = referenced_names(data)
    assert names == ["N8N_API_KEY"]
    cleaned = redact_data(data, env, names)
    assert cleaned == {"a": [f"see {REDACTED} here", {"b": "${N8N_API_KEY}"}], "n": 3}

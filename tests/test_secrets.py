"""Secrets: found before they are stored, expanded only at use, redacted from all output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tether.cli import app
from tether.secrets import (
    REDACTED,
    MissingEnv,
    any_secret,
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


@pytest.mark.parametrize(("text", "label"), LITERALS)
def test_one_pass_over_many_strings_finds_what_each_string_holds(text: str, label: str) -> None:
    """`any_secret` is the workspace loader's first look: it must find every kind find_secret finds,
    whole as a string, first, last, or inside a reference's default."""
    plain = ["https://status.example.com", "Service 7", "team7@example.com", "${ZAPIER_TOKEN}"]
    assert not any_secret(plain)
    for strings in ([text, *plain], [*plain, text], [*plain[:2], f"${{KEY:-{text}}}", *plain[2:]]):
        assert any_secret(strings), (strings, label)
        assert [find_secret(s) is not None for s in strings].count(True) == 1


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


# The audit's sixteen ways to write a secret into integrations.yaml (issue 14, defect 4); before
# the fix the eight marked "new" were accepted.
SIXTEEN = [
    ("value", "sk-ant-api03-AbCdEfGhIjKlMnOpQr", "an Anthropic API key"),
    ("value", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "an OpenAI API key"),
    ("value", "xoxb-1234567890-abcdefghij", "a Slack token"),
    ("value", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX", "a Slack webhook URL"),
    ("value", "Bearer abcdefghijklmnopqrstuvwxyz", "a bearer token"),
    ("value", "ghp_abcdefghijklmnopqrstuvwxyz0123", "a GitHub token"),
    ("value", "AKIAABCDEFGHIJKLMNOP", "an AWS access key"),
    ("value", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.sig_nature", "a JSON web token (n8n API keys are JWTs)"),
    ("value", "${ANTHROPIC_API_KEY:-sk-ant-api03-AbCdEfGhIjKlMnOpQr}", "an Anthropic API key"),  # new
    ("value", "${API_TOKEN:-Bearer abcdefghijklmnopqrstuvwxyz}", "a bearer token"),  # new
    ("value", "${HOOK:-https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX}", "a Slack webhook URL"),  # new
    ("value", "https://deploy:hunter2-and-more@ci.example.com/hook", "a password in a URL"),  # new
    ("value", "Basic ZGVwbG95Omh1bnRlcjItYW5kLW1vcmU=", "HTTP basic credentials"),  # new
    ("value", "https://api.example.com/v1/x?api_key=0f1e2d3c4b5a69788796a5b4", "a key in a URL query"),  # new
    ("value", "https://api.example.com/v1/x?a=1&access_token=0f1e2d3c4b5a6978", "a key in a URL query"),  # new
    ("key", "sk-ant-api03-AbCdEfGhIjKlMnOpQr", "an Anthropic API key"),  # new
]

WORKSPACE_WITH = """version: 1
workspace: {{name: s}}
integrations:
  - name: a
    title: A
    pattern: direct-api
    checks:
      - kind: http
        name: h
        url: http://127.0.0.1:8080/x
        headers:
          {header}
"""


@pytest.mark.parametrize(("where", "text", "label"), SIXTEEN, ids=[f"{w}-{label}" for w, _, label in SIXTEEN])
def test_check_refuses_each_literal_secret_where_it_is_written(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, where: str, text: str, label: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TETHER_FILE", raising=False)
    header = f"X-Value: {json.dumps(text)}" if where == "value" else f"{json.dumps(text)}: x"
    (tmp_path / "integrations.yaml").write_text(WORKSPACE_WITH.format(header=header))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2, result.output
    col = 20 if where == "value" else 11
    assert f"integrations.yaml:12:{col}: integrations[0].checks[0].headers." in result.output
    assert f"this looks like {label} written as a literal" in result.output


@pytest.mark.parametrize(
    "text",
    [
        "https://${USER}:${PASSWORD}@ci.example.com/hook",
        "${TETHER_SANDBOX_URL:-https:/}/api.anthropic.com",
        "https://api.example.com/v1/x?page=2&limit=100",
        "Basic auth is not used here",
    ],
)
def test_references_and_plain_urls_stay_allowed(text: str) -> None:
    assert find_secret(text) is None


def test_referenced_names_are_every_strings_references_in_order(bundled_text: str, tmp_path: Path) -> None:
    from tether.secrets import env_names, referenced_names, walk_strings
    from tether.workspace import load_workspace

    path = tmp_path / "integrations.yaml"
    path.write_text(bundled_text, encoding="utf-8")
    data = [i.model_dump(mode="json") for i in load_workspace(path).file.integrations]
    by_walking = list(dict.fromkeys(name for _, text in walk_strings(data) for name in env_names(text)))
    assert len(by_walking) > 3
    assert referenced_names(data) == by_walking

"""Eval runs through the sandbox's Messages API over a real socket: grading, llm-rubric, spend cap, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.readiness_support import write_workspace
from tether.model.prices import PriceTable
from tether.readiness.evals import run_evals
from tether.sandbox.scenario import Reply, Scenario
from tether.sandbox.server import Sandbox
from tether.store import Store
from tether.store.evals import latest_quality, runs
from tether.workspace import Workspace
from tether.workspace.rules import load_rules

KEY = {"ANTHROPIC_API_KEY": "sandbox-test-key"}
GRADE = "Grade the output below against the rubric"


def workspace(tmp_path: Path, sandbox: Sandbox, suite: str, model: str = "claude-haiku-4-5") -> Workspace:
    return write_workspace(
        tmp_path,
        f"""
        - name: leads
          title: Leads
          pattern: direct-api
          ai: {{provider: anthropic, model: {model}}}
          checks:
            - {{kind: anthropic, name: claude, base_url: "{sandbox.url}", api_key: "${{ANTHROPIC_API_KEY}}"}}
          samples:
{suite}
        """,
    )


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


EVERY_KIND = """
            - name: scoring
              prompt: "Score this lead: {{ message }}"
              target_pass_rate: 0.5
              cases:
                - {message: needs 120 tents, expected: '{"score": 82}'}
                - {message: just browsing, expected: '{"score": 82}'}
              assertions:
                - {kind: equals, value: "{{ expected }}"}
                - {kind: contains, value: score}
                - {kind: icontains, value: SCORE}
                - {kind: regex, value: '"score":\\s*\\d+'}
                - {kind: is-json}
                - {kind: json-schema, value: {type: object, required: [score]}}
                - {kind: max-length, value: 100}
                - {kind: latency, value: 30s}
                - {kind: cost, value: 0.01}
                - {kind: llm-rubric, value: "friendly: the score fits {{ message }}"}
                - {kind: llm-rubric, value: "formal tone"}
"""


def test_every_assertion_kind_through_the_sandbox(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    sandbox.set_scenario(
        Scenario(
            replies=[
                Reply(
                    contains=f"{GRADE}.\n\n<rubric>\nfriendly: the score fits needs",
                    reply='{"pass": true, "reason": "fits"}',
                ),
                Reply(
                    contains=f"{GRADE}.\n\n<rubric>\nfriendly", reply='{"pass": false, "score": 0.2, "reason": "no"}'
                ),
                Reply(contains=f"{GRADE}.\n\n<rubric>\nformal", reply="I think it is fine."),
                Reply(contains="Score this lead", reply='{"score": 82}'),
            ]
        )
    )
    ws = workspace(tmp_path, sandbox, EVERY_KIND)
    [run] = run_evals(ws, store, env=KEY)
    assert run.stopped is None
    assert run.problems == []
    first, second = run.cases
    verdicts = {a["kind"]: a for a in first.assertions if a["kind"] != "llm-rubric"}
    assert all(v["passed"] for v in verdicts.values()), verdicts
    assert len(verdicts) == 9
    rubrics = [a for a in first.assertions if a["kind"] == "llm-rubric"]
    assert rubrics[0] == {"kind": "llm-rubric", "passed": True, "detail": "fits"}
    assert rubrics[1]["passed"] is False
    assert rubrics[1]["detail"].startswith("the grader did not answer with a JSON verdict: 'I think it is fine.'")
    assert next(a for a in second.assertions if a["kind"] == "llm-rubric")["detail"] == "no (score 0.2)"
    assert (first.outcome, second.outcome) == ("failed", "failed")
    assert run.pass_rate == 0.0
    # One message for the case and one per rubric, per case: 2 x 3 calls.
    assert sandbox.requests["/v1/messages"] == 6
    # Tokens and cost of every call are kept, priced with rules/prices.yaml.
    price = load_rules("prices.yaml", PriceTable).model("claude-haiku-4-5")
    assert price is not None
    assert first.input_tokens > 0 and first.output_tokens > 0
    assert first.cost_usd == pytest.approx(price.cost(first.input_tokens, first.output_tokens))
    stored = runs(store, "leads")[0]
    assert stored.to_json() == run.to_json()


def test_a_passing_run_feeds_the_quality_figure(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    sandbox.set_scenario(
        Scenario(replies=[Reply(contains=GRADE, reply='{"pass": true, "reason": "ok"}')], default_reply="echo")
    )
    suite = """
            - name: echo
              prompt: "Repeat: {{ word }}"
              cases: [{word: alpha}, {word: beta}, {word: gamma}]
              assertions:
                - {kind: contains, value: "{{ word }}"}
                - {kind: llm-rubric, value: repeats the word}
"""
    ws = workspace(tmp_path, sandbox, suite)
    [run] = run_evals(ws, store, env=KEY)
    assert [c.outcome for c in run.cases] == ["passed", "passed", "passed"]
    assert run.meets_target
    quality = latest_quality(store)["leads"]
    assert quality.pass_rate == 1.0
    assert quality.meets_target


def test_api_errors_are_recorded_per_case_and_grade_nothing(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    sandbox.add_fault(route="/v1/messages", status=400, message="messages.0.content: too long")
    suite = """
            - name: s
              prompt: "Say {{ word }}"
              cases: [{word: a}, {word: b}]
              assertions: [{kind: contains, value: a}]
"""
    [run] = run_evals(workspace(tmp_path, sandbox, suite), store, env=KEY)
    assert [c.outcome for c in run.cases] == ["error", "error"]
    assert run.cases[0].error is not None and "HTTP 400" in run.cases[0].error
    assert run.pass_rate is None
    assert not run.meets_target


def test_a_refused_key_stops_the_run_instead_of_repeating(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    suite = """
            - name: s
              prompt: "Say {{ word }}"
              cases: [{word: a}, {word: b}, {word: c}]
"""
    ws = workspace(tmp_path, sandbox, suite, model="claude-retired-1")
    [run] = run_evals(ws, store, env=KEY)
    assert run.cases == []
    assert run.stopped is not None and "HTTP 404" in run.stopped
    assert run.skipped == 3


CAPPED = """
            - name: capped
              prompt: "{{ text }}"
              max_tokens: 15
              max_cost_usd: {cap}
              cases:
                - {{text: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}
                - {{text: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}}
                - {{text: cccccccccccccccccccccccccccccccccccccccc}}
"""


def test_the_spend_cap_stops_before_a_call_would_pass_it(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    # Every reply is exactly 15 tokens (= max_tokens), so each case's estimate equals its real cost.
    sandbox.set_scenario(Scenario(default_reply="x" * 60))
    uncapped = run_evals(workspace(tmp_path, sandbox, CAPPED.format(cap=1)), store, env=KEY)[0]
    one_case = uncapped.cases[0].cost_usd
    assert one_case > 0 and uncapped.stopped is None
    sent = sandbox.requests["/v1/messages"]

    [run] = run_evals(workspace(tmp_path, sandbox, CAPPED.format(cap=2.5 * one_case)), store, env=KEY)
    assert len(run.cases) == 2
    assert run.skipped == 1
    assert run.stopped is not None and run.stopped.startswith("spend cap: case 3 (integrations.yaml:")
    assert run.cost_usd <= 2.5 * one_case
    assert sandbox.requests["/v1/messages"] == sent + 2

    [nothing] = run_evals(workspace(tmp_path, sandbox, CAPPED.format(cap=one_case / 2)), store, env=KEY)
    assert nothing.cases == []
    assert nothing.skipped == 3
    assert sandbox.requests["/v1/messages"] == sent + 2  # not one more message was sent
    assert "past its max_cost_usd" in (nothing.stopped or "")


def test_a_cap_on_a_model_without_a_price_refuses_to_run(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    sandbox.set_scenario(Scenario(models=["acme-tuned-1"]))
    ws = workspace(tmp_path, sandbox, CAPPED.format(cap=1), model="acme-tuned-1")
    [run] = run_evals(ws, store, env=KEY)
    assert run.cases == []
    from tether.workspace.rules import defaults_dir

    packaged = defaults_dir() / "prices.yaml"
    assert run.stopped == (
        f"spend cap: no price for acme-tuned-1 in the packaged {packaged} (this workspace has no "
        "rules/prices.yaml; `tether rules copy prices` makes one to add the model's price), so max_cost_usd "
        "cannot be enforced"
    )
    assert sandbox.requests["/v1/messages"] == 0
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules/prices.yaml").write_text((packaged).read_text(encoding="utf-8"), encoding="utf-8")
    [run] = run_evals(ws, store, env=KEY)
    assert run.stopped == (
        "spend cap: no price for acme-tuned-1 in rules/prices.yaml (this workspace's copy; add the model's price "
        "there), so max_cost_usd cannot be enforced"
    )


def test_secrets_never_reach_the_prompt_or_the_store(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    sandbox.set_scenario(Scenario(default_reply="echo"))
    suite = """
            - name: leak
              prompt: "Customer note: {{ note }}"
              cases: [{note: "the CRM token is crm-secret-9f8e7d"}]
"""
    ws = write_workspace(
        tmp_path,
        f"""
        - name: leads
          title: Leads
          pattern: direct-api
          ai: {{provider: anthropic, model: claude-haiku-4-5}}
          checks:
            - {{kind: anthropic, name: claude, base_url: "{sandbox.url}"}}
            - {{kind: http, name: crm, url: "http://127.0.0.1:9/x", headers: {{Authorization: "${{CRM_TOKEN}}"}}}}
          samples:
{suite}
        """,
    )
    [run] = run_evals(ws, store, env={**KEY, "CRM_TOKEN": "crm-secret-9f8e7d"})
    # The sandbox echoes the prompt it received: the secret was replaced before sending.
    assert run.cases[0].output == "Customer note: the CRM token is [redacted]"
    assert "crm-secret" not in str(runs(store)[0].to_json())


def test_an_integration_without_an_anthropic_ai_step_is_recorded_not_run(
    tmp_path: Path, sandbox: Sandbox, store: Store
) -> None:
    ws = write_workspace(
        tmp_path,
        """
        - name: copilot
          title: Copilot
          pattern: direct-api
          ai: {provider: openai, model: gpt-4o}
          samples: [{name: s, prompt: hi, cases: [{a: 1}]}]
        """,
    )
    [run] = run_evals(ws, store, env=KEY)
    assert run.stopped == "evals call the AI step through the Anthropic API; this integration's ai.provider is openai"
    assert run.skipped == 1


def test_malformed_rows_are_skipped_and_the_rest_still_run(tmp_path: Path, sandbox: Sandbox, store: Store) -> None:
    (tmp_path / "rows.jsonl").write_text('{"word": "a"}\nnot json\n{"word": "b"}\n', encoding="utf-8")
    suite = """
            - name: s
              prompt: "Say {{ word }}"
              file: rows.jsonl
"""
    [run] = run_evals(workspace(tmp_path, sandbox, suite), store, env=KEY)
    assert [c.source for c in run.cases] == ["rows.jsonl:1", "rows.jsonl:3"]
    assert run.problems == ["rows.jsonl:2:1: not JSON: Expecting value; line skipped"]
    assert run.skipped == 1
    assert run.meets_target  # no assertions: every answered case passes

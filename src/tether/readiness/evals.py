"""`tether eval`: run an integration's sample suites through its AI step and grade the outputs.

Each case's prompt is filled from the case and redacted of the workspace's secrets before it
is sent; the reply is judged by every assertion of the suite (`llm-rubric` asks Claude to
grade it). Before each case, the cost of all its calls is estimated (input tokens counted by
the API, output at the suite's `max_tokens`); if that would take the run past `max_cost_usd`,
the run stops there, records "stopped: spend cap", and sends nothing more.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tether import clock
from tether.errors import InputError
from tether.model.assertions import LlmRubric
from tether.model.integration import Integration, SampleSuite
from tether.model.prices import ModelPrice, PriceTable
from tether.readiness.assertions import Output, Verdict, excerpt, judge
from tether.readiness.samples import Case, fill, load_cases
from tether.secrets import MissingEnv, expand, redact, referenced_names
from tether.store import Store
from tether.store.evals import CaseRecord, RunRecord, save_run
from tether.workspace.loader import Workspace
from tether.workspace.rules import copy_in_use, load_rules

if TYPE_CHECKING:
    import anthropic

GRADER_MAX_TOKENS = 300
GRADER_SYSTEM = (
    "You grade the output of an AI step against a rubric. Answer with one JSON object and nothing else: "
    '{"pass": true or false, "score": a number from 0 to 1, "reason": "one sentence saying why"}.'
)
GRADER_PROMPT = (
    "Grade the output below against the rubric.\n\n<rubric>\n{rubric}\n</rubric>\n\n<output>\n{output}\n</output>"
)
CALL_TIMEOUT = 60.0
KEEP_OUTPUT = 4000
"""Characters of each output kept in the store."""
REFUSED = (401, 403, 404)
"""API answers that every further case would get too: the run stops rather than repeat them."""


@dataclass(frozen=True)
class Connection:
    base_url: str | None
    api_key: str
    key_names: list[str]


def connection(integration: Integration, env: Mapping[str, str]) -> Connection:
    """The integration's anthropic check's base_url and key, else ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY."""
    check = next((c for c in integration.checks if c.kind == "anthropic"), None)
    key_ref = getattr(check, "api_key", None) or "${ANTHROPIC_API_KEY}"
    base_ref = getattr(check, "base_url", None)
    base_url = expand(base_ref, env) if base_ref else (env.get("ANTHROPIC_BASE_URL") or None)
    key_names = referenced_names(key_ref)
    return Connection(base_url, expand(key_ref, env), key_names)


def make_client(conn: Connection) -> anthropic.Anthropic:
    import anthropic

    return anthropic.Anthropic(api_key=conn.api_key, base_url=conn.base_url, timeout=CALL_TIMEOUT, max_retries=2)


def _prices(ws: Workspace) -> PriceTable | None:
    try:
        return load_rules("prices.yaml", PriceTable, ws.root)
    except (InputError, OSError):
        return None


class _Stop(Exception):
    """The run ends here; the message says why."""


@dataclass
class _Runner:
    client: anthropic.Anthropic
    suite: SampleSuite
    model: str
    price: ModelPrice | None
    prices: PriceTable | None
    secrets: list[str]
    env: Mapping[str, str]
    spent: float = 0.0

    def redact(self, text: str) -> str:
        return redact(text, self.env, self.secrets)

    def cost(self, input_tokens: int, output_tokens: int) -> float | None:
        return None if self.price is None else self.price.cost(input_tokens, output_tokens)

    def count(self, texts: list[str]) -> int:
        """Input tokens for these texts, counted by the API (free); a character each if counting fails."""
        import anthropic

        joined = "\n".join(t for t in texts if t)
        try:
            counted = self.client.messages.count_tokens(
                model=self.model, messages=[{"role": "user", "content": joined}]
            )
        except anthropic.APIError:
            return len(joined)
        return int(counted.input_tokens)

    def estimate(self, prompt: str, system: str, rubrics: list[str]) -> float | None:
        """An upper bound on the case's cost: counted input, and every output at its max_tokens."""
        graders = [GRADER_SYSTEM + GRADER_PROMPT.format(rubric=r, output="") for r in rubrics]
        input_tokens = self.count([system, prompt, *graders])
        # Each grader also reads the output, which is at most max_tokens long.
        input_tokens += len(rubrics) * self.suite.max_tokens
        return self.cost(input_tokens, self.suite.max_tokens + len(rubrics) * GRADER_MAX_TOKENS)

    def send(self, system: str | None, prompt: str, max_tokens: int, model: str) -> tuple[str, int, int, float]:
        import anthropic

        extra: dict[str, Any] = {"system": system} if system else {}
        start = time.perf_counter()
        try:
            message = self.client.messages.create(
                model=model, max_tokens=max_tokens, messages=[{"role": "user", "content": prompt}], **extra
            )
        except anthropic.APIStatusError as exc:
            reason = f"the API answered HTTP {exc.status_code}: {exc.message}"
            if exc.status_code in REFUSED:
                raise _Stop(reason) from None
            raise RuntimeError(reason) from None
        except anthropic.APIConnectionError as exc:
            raise RuntimeError(f"no answer from the API: {exc.message}") from None
        latency_ms = (time.perf_counter() - start) * 1000.0
        text = "".join(getattr(block, "text", "") for block in message.content)
        return text, message.usage.input_tokens, message.usage.output_tokens, latency_ms

    def grade(self, record: CaseRecord, assertion: LlmRubric, rubric: str, output: str) -> Verdict:
        prompt = self.redact(GRADER_PROMPT.format(rubric=rubric, output=output))
        try:
            reply, tokens_in, tokens_out, _ = self.send(
                GRADER_SYSTEM, prompt, GRADER_MAX_TOKENS, assertion.model or self.model
            )
        except RuntimeError as exc:
            return Verdict(assertion.kind, False, f"the grader could not answer: {exc}")
        record.input_tokens += tokens_in
        record.output_tokens += tokens_out
        price = self.price
        if assertion.model and assertion.model != self.model:
            price = self.prices.model(assertion.model) if self.prices is not None else None
        cost = price.cost(tokens_in, tokens_out) if price is not None else None
        record.cost_usd += cost or 0.0
        self.spent += cost or 0.0
        return parse_grade(reply)

    def case(self, case: Case) -> CaseRecord:
        suite = self.suite
        prompt = self.redact(fill(suite.prompt, case.fields))
        system = self.redact(fill(suite.system, case.fields)) if suite.system else ""
        rubrics = [fill(a.value, case.fields) for a in suite.assertions if isinstance(a, LlmRubric)]
        cap = suite.max_cost_usd
        if cap is not None:
            estimate = self.estimate(prompt, system, rubrics) or 0.0
            if self.spent + estimate > cap:
                raise _Stop(
                    f"spend cap: case {case.position} ({case.source}) would cost up to ${estimate:.6f}, taking the run "
                    f"past its max_cost_usd of ${cap:g} (${self.spent:.6f} spent)"
                )
        record = CaseRecord(position=case.position, source=case.source, outcome="error")
        try:
            text, tokens_in, tokens_out, latency_ms = self.send(system or None, prompt, suite.max_tokens, self.model)
        except RuntimeError as exc:
            record.error = str(exc)
            return record
        cost = self.cost(tokens_in, tokens_out)
        record.input_tokens, record.output_tokens, record.latency_ms = tokens_in, tokens_out, latency_ms
        record.cost_usd = cost or 0.0
        self.spent += cost or 0.0
        output = Output(text, latency_ms, cost)
        verdicts = [
            judge(a, output, case.fields, lambda a, r, o: self.grade(record, a, r, o)) for a in suite.assertions
        ]
        record.output = self.redact(text)[:KEEP_OUTPUT]
        record.assertions = [v.to_json() for v in verdicts]
        record.outcome = "passed" if all(v.passed for v in verdicts) else "failed"
        return record


def parse_grade(reply: str) -> Verdict:
    """The grader's JSON verdict; anything else fails the assertion and says what came back."""
    start, end = reply.find("{"), reply.rfind("}")
    try:
        data = json.loads(reply[start : end + 1]) if start != -1 and end > start else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("pass"), bool):
        return Verdict("llm-rubric", False, f"the grader did not answer with a JSON verdict: {excerpt(reply)}")
    reason = str(data.get("reason") or "no reason given")
    score = data.get("score")
    shown = f" (score {score:g})" if isinstance(score, int | float) and not isinstance(score, bool) else ""
    return Verdict("llm-rubric", data["pass"], f"{reason}{shown}")


def run_suite(
    ws: Workspace,
    integration_index: int,
    suite_index: int,
    client: anthropic.Anthropic | None,
    *,
    prices: PriceTable | None = None,
    secrets: list[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> RunRecord:
    """Run one suite; never raises for bad rows or a failing API (the run records what happened)."""
    integration = ws.integrations[integration_index]
    suite = integration.samples[suite_index]
    model = suite.model or (integration.ai.model if integration.ai else None) or ""
    loaded = load_cases(ws, integration_index, suite_index)
    run = RunRecord(
        integration=integration.name,
        suite=suite.name,
        model=model,
        started_at=clock.now(),
        finished_at=0.0,
        target_pass_rate=suite.target_pass_rate,
        problems=[str(p) for p in loaded.problems],
        skipped=len(loaded.problems),
    )
    price = prices.model(model) if prices is not None and model else None
    prices_file = copy_in_use("prices.yaml", ws.root, change="add the model's price")
    why_not = _cannot_run(integration, model, client, price, suite, prices_file)
    if why_not is not None:
        run.stopped = why_not
        run.skipped += len(loaded.cases)
    else:
        assert client is not None
        names = secrets if secrets is not None else workspace_secrets(ws)
        runner = _Runner(client, suite, model, price, prices, names, os.environ if env is None else env)
        if price is None:
            run.problems.append(f"no price for {model} in {prices_file}; its cost is recorded as $0")
        for n, case in enumerate(loaded.cases):
            try:
                run.cases.append(runner.case(case))
            except _Stop as stop:
                run.stopped = str(stop)
                run.skipped += len(loaded.cases) - n
                break
    run.finished_at = clock.now()
    return run


def _cannot_run(
    integration: Integration, model: str, client: Any, price: ModelPrice | None, suite: SampleSuite, prices_file: str
) -> str | None:
    if integration.ai is None or integration.ai.provider != "anthropic":
        provider = integration.ai.provider if integration.ai else "none"
        return f"evals call the AI step through the Anthropic API; this integration's ai.provider is {provider}"
    if not model:
        return "no model: set `ai.model` on the integration or `model:` on the suite"
    if client is None:
        return "no API key: set ANTHROPIC_API_KEY (or the key its anthropic check references)"
    if suite.max_cost_usd is not None and price is None:
        return f"spend cap: no price for {model} in {prices_file}, so max_cost_usd cannot be enforced"
    return None


def workspace_secrets(ws: Workspace, extra: list[str] | None = None) -> list[str]:
    """Every variable the workspace references: their values never reach a prompt or the store."""
    names = referenced_names([i.model_dump(mode="json") for i in ws.integrations])
    return [*names, *(n for n in extra or [] if n not in names), "ANTHROPIC_API_KEY"]


def run_evals(
    ws: Workspace, store: Store, names: list[str] | None = None, env: Mapping[str, str] | None = None
) -> list[RunRecord]:
    """Run every sample suite of the named integrations (all with samples when none), storing each run."""
    environ = os.environ if env is None else env
    chosen = [ws.integration(n) for n in names] if names else [i for i in ws.integrations if i.samples]
    prices = _prices(ws)
    runs: list[RunRecord] = []
    for integration in chosen:
        index = ws.integrations.index(integration)
        client = None
        key_names: list[str] = []
        try:
            conn = connection(integration, environ)
            key_names = conn.key_names
            client = make_client(conn) if conn.api_key else None
        except MissingEnv:
            client = None
        secrets = workspace_secrets(ws, key_names)
        try:
            for s in range(len(integration.samples)):
                run = run_suite(ws, index, s, client, prices=prices, secrets=secrets, env=environ)
                save_run(store, run)
                runs.append(run)
        finally:
            if client is not None:
                client.close()
    return runs

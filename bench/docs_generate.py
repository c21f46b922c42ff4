"""Time `tether docs` for 1,000 integrations, against baselines measured in the same run.

    .venv/bin/python bench/docs_generate.py [--integrations N]

Synthesises a workspace (all four patterns, checks of several kinds, alerts, error handling),
then times `tether docs` as a user runs it, the whole process (goal: 5 s at 1,000 integrations),
and in process each step of it: load and validate integrations.yaml, gather the facts (an empty
store), render every document, and write the folder. Two baselines:
- the I/O floor: writing the same bytes to the same number of files, atomically;
- the template floor: rendering the same number of trivial jinja2 templates.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jinja2

from tether.docs import check as checking
from tether.docs.gather import gather
from tether.docs.render import render_documents
from tether.fileio import atomic_write
from tether.store import open_store
from tether.workspace import load_workspace

PATTERNS = ("automation-bridge", "direct-api", "native-feature", "custom-app")


def synthesise(n: int) -> str:
    lines = ["version: 1", "workspace:", "  name: Benchmark Co", "  timezone: Europe/Berlin", "integrations:"]
    for k in range(n):
        pattern = PATTERNS[k % 4]
        lines += [
            f"  - name: flow-{k:04d}",
            f"    title: Synthetic workflow number {k} with a longer title than usual",
            "    description: >-",
            "      A synthetic integration that reads from the CRM, asks Claude to classify and",
            "      summarise the record, and writes the result back and to Slack for review.",
            f"    owner: team-{k % 17}@example.com",
            f"    pattern: {pattern}",
            "    lifecycle: production",
            "    trigger: a record changes in the CRM",
            "    source: crm",
            "    ai: {provider: anthropic, model: claude-haiku-4-5}",
            "    destinations: [crm, slack]",
            "    volume: {runs_per_month: 5000, input_tokens_per_run: 1200, output_tokens_per_run: 300}",
            "    budget: {monthly_usd: 90}",
        ]
        if pattern == "automation-bridge":
            lines.append("    middleware: {platform: n8n, plan_monthly_usd: 24}")
        lines += [
            "    error_handling:",
            "      api_down: {what_happens: Queued and retried hourly., fallback: queue}",
            "      malformed_input: {what_happens: Skipped and logged., fallback: skip}",
            "    checks:",
            "      - kind: heartbeat",
            "        name: ran",
            "        period: 1h",
            "        token: ${FLOW_PING_TOKEN}",
            "      - kind: http",
            "        name: health",
            f"        url: https://app.example.com/health/{k}",
            "        conditions: ['[STATUS] == 200', '[RESPONSE_TIME] < 500']",
            "    alerts:",
            "      - kind: slack",
            "        webhook_url: ${SLACK_WEBHOOK_URL}",
        ]
    return "\n".join(lines) + "\n"


def timed(label: str, fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()  # type: ignore[operator]
    return time.perf_counter() - start, value


GOAL_S = 5.0


def whole_process(root: Path) -> float:
    """The job as a user runs it: `tether docs` in its own process, imports, an empty store and all."""
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("tether")),
            "--file",
            str(root / "integrations.yaml"),
            "--db",
            str(root / "t.db"),
            "docs",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--integrations", type=int, default=1000)
    n = parser.parse_args().integrations
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "integrations.yaml").write_text(synthesise(n), encoding="utf-8")

        t_load, ws = timed("load", lambda: load_workspace(root / "integrations.yaml"))
        store = open_store(":memory:")
        t_gather, facts = timed("gather", lambda: gather(ws, store))  # type: ignore[arg-type]
        t_render, documents = timed("render", lambda: render_documents(facts, root))  # type: ignore[arg-type]
        out = root / "reports"
        t_write, _ = timed("write", lambda: checking.apply(checking.plan(out, documents), documents))  # type: ignore[arg-type]
        t_check, plan = timed("check", lambda: checking.plan(out, documents))  # type: ignore[arg-type]
        store.close()

        docs: dict[str, str] = documents  # type: ignore[assignment]
        total_bytes = sum(len(text.encode()) for text in docs.values())
        floor = root / "floor"
        t_io, _ = timed("io", lambda: [atomic_write(floor / name, text) for name, text in docs.items()])
        env = jinja2.Environment(loader=jinja2.DictLoader({"t.md.j2": "# {{ name }}\n\n{{ title }}\n"}))
        template = env.get_template("t.md.j2")
        names = list(docs)
        t_trivial, _ = timed("trivial", lambda: [template.render(name=name, title=name) for name in names])
        shutil.rmtree(out)
        t_process = whole_process(root)
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))

    generate = t_load + t_gather + t_render + t_write
    print(f"integrations: {n}; documents: {len(docs)}; {total_bytes / 1e6:.1f} MB")
    print(
        f"in process: load {t_load:.2f} s, gather {t_gather:.2f} s, render {t_render:.2f} s, write {t_write:.2f} s "
        f"(total {generate:.2f} s), --check {t_check:.2f} s"
    )
    print(
        f"tether docs, whole process: {t_process:.2f} s (goal {GOAL_S:g} s); "
        f"I/O floor (same bytes, same files, each written atomically): {t_io:.2f} s; ratio {t_process / t_io:.1f}x"
    )
    print(
        f"template floor ({len(docs)} trivial renders): {t_trivial * 1000:.1f} ms; "
        f"render / trivial = {t_render / t_trivial:.0f}x"
    )
    failed = []
    if not plan.clean or written != sorted(docs) or not docs:  # type: ignore[attr-defined]
        failed.append(f"the folder does not hold the {len(docs)} documents rendered ({len(written)} written)")
    if t_process > GOAL_S:
        failed.append(f"tether docs took {t_process:.2f} s, over {GOAL_S:g} s")
    for reason in failed:
        print(f"FAIL: {reason}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`tether dash`, `tether` alone and `tether demo` without a terminal: an explanation and the status table, exit 0."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.tui_support import seeded_store
from tether.cli import app
from tether.clock import now as clock_now


def test_dash_without_a_terminal_prints_the_status_table(tmp_path: Path, runner: CliRunner) -> None:
    _ws, db = seeded_store(tmp_path)
    result = runner.invoke(app, ["--file", str(tmp_path / "integrations.yaml"), "--db", str(db), "dash"])
    assert result.exit_code == 0, result.output
    assert "the dashboard needs a terminal" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["state", "integration", "pattern"]
    portal = next(line for line in lines if "support-portal-rag" in line)
    assert portal.startswith("✖ down")
    assert "not measured" in portal  # quality has no evals yet


def test_dash_json_has_every_integration(tmp_path: Path, runner: CliRunner) -> None:
    ws, db = seeded_store(tmp_path)
    result = runner.invoke(app, ["--file", str(tmp_path / "integrations.yaml"), "--db", str(db), "dash", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["integration"] for r in rows] == [i.name for i in ws.integrations]


def test_tether_alone_opens_the_dashboard_or_explains_where_to_start(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 0, result.output
    assert "the dashboard needs a terminal" in result.stderr
    assert "lead-intake-zapier" in result.stdout
    (workspace / "integrations.yaml").unlink()
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert "Usage" in result.stdout and "tether init" in result.stdout


def test_demo_without_a_terminal_probes_the_sandbox_and_prints_the_table(workspace: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "tether demo: sandbox on http://127.0.0.1:" in result.stderr
    states = {line.split()[2]: line.split()[1] for line in result.stdout.splitlines()[1:] if line.strip()}
    # The tour starts calm: HubSpot's status page reports a minor incident, one n8n run in ten fails.
    assert states["hubspot-ai-scoring"] == "degraded"
    assert states["lead-intake-n8n"] == "degraded"
    assert states["crm-followup-email"] == "healthy"
    assert states["lead-intake-zapier"] == "healthy"  # its Zap's runs, read from Zapier: 39 of 40 succeeded
    assert not (workspace / ".tether").exists()  # the demo's store was a throwaway one
    # The n8n workflow's own runs (one in ten fails, each about 2 s), not the probe's 100 % and milliseconds.
    n8n = next(line for line in result.stdout.splitlines() if " lead-intake-n8n " in line).split()
    uptime, success, p95 = n8n[5], n8n[6], n8n[7:9]  # after the two words of the state
    assert (uptime, success) == ("100%", "90.6%")
    assert p95[1] == "s" and 1.5 <= float(p95[0]) <= 3.5


def test_make_demo_runs_tether_demo_on_the_bundled_file() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "tether --file integrations.yaml demo" in demo


def test_the_demo_scores_readiness_so_the_dashboard_column_fills(workspace: Path) -> None:
    import time

    from tether.demo import Demo
    from tether.store import open_store
    from tether.store.readiness import latest_readiness
    from tether.tui.readiness import levels
    from tether.workspace import load_workspace

    ws = load_workspace(workspace / "integrations.yaml")
    db = workspace / "demo.db"
    with Demo(ws, db, score_every=0.2) as demo:
        deadline = time.monotonic() + 30  # a bound on waiting, not a timing assertion
        while demo.scorer.rounds == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert demo.scorer.rounds >= 1
    with open_store(db) as store:
        assert set(latest_readiness(store)) == {i.name for i in ws.integrations}
        titles = {"Not ready", "Pilot-ready", "Production-ready", "Exemplary"}
        # The dashboard spells a level as everything else does: its title, never its id.
        assert set(levels(store, ws).values()) <= titles and levels(store, ws)


def test_the_demo_measures_quality_so_the_dashboard_column_fills(workspace: Path) -> None:
    """The demo runs the sample suites against the sandbox: Quality shows their pass rate, not "not measured"."""
    import shutil

    from tests.conftest import ROOT
    from tether.demo import Demo
    from tether.figures import read_figures
    from tether.pricing import PriceBook
    from tether.store import open_store
    from tether.tui.data import COLUMNS, overview
    from tether.tui.format import percent
    from tether.workspace import load_workspace

    (workspace / "docs/examples").mkdir(parents=True)
    shutil.copy(ROOT / "docs/examples/lead-samples.csv", workspace / "docs/examples")  # a suite reads it
    ws = load_workspace(workspace / "integrations.yaml")
    db = workspace / "demo.db"
    with Demo(ws, db, score_every=3600) as demo:
        assert demo.scorer.evaluated.wait(60)  # a bound on waiting, not a timing assertion
    book = PriceBook.load(ws.root)
    with open_store(db) as store:
        figures = {f.name: f for f in read_figures(ws.file, store, clock_now(), book)}
        rows = {r.name: r for r in overview(ws, store, clock_now(), book).rows}
    COLUMN_KEYS = [key for key, _ in COLUMNS]
    with_samples = [i.name for i in ws.integrations if i.samples]
    assert with_samples
    for name in with_samples:
        rate = figures[name].quality_rate
        assert rate is not None
        assert rows[name].cells[COLUMN_KEYS.index("quality")].plain == percent(rate)

"""Start-up: fresh `tether` processes against what the same work costs without tether, in the same run.

Each figure is the median of `RUNS` fresh processes, each measured from outside, the cases
interleaved so a busy moment of the machine falls on all of them alike:

- `tether --help` (typer's rich help) against `import typer, rich.console` — goal <= 1.25x; and,
  for what the rich help itself costs, against a bare typer app with the same options and command
  list showing its rich help;
- `tether list` against a floor doing the job by hand: import typer and rich, parse
  integrations.yaml, open the SQLite store, print a rich table of the names;
- `tether advise --answers FILE --no-save` against a floor that imports typer and rich and parses
  the answers file;
- `tether probe` of one anthropic check (liveness: model list + token counting) against the
  same command probing one http check, both at the sandbox — the price of the anthropic kind.
"""

from __future__ import annotations

import py_compile
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from probing import quiet_env, run_process, start_sandbox

ROOT = Path(__file__).resolve().parent.parent
RUNS = 11
PY = sys.executable

LIST_FLOOR = """
import sqlite3, sys, typer, yaml
from rich.console import Console
from rich.table import Table
data = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
sqlite3.connect(sys.argv[2]).execute("select 1")
table = Table()
table.add_column("name")
for i in data["integrations"]:
    table.add_row(i["name"])
Console().print(table)
"""

ADVISE_FLOOR = """
import sys, typer, yaml
from rich.console import Console
yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
Console().print("recommendation")
"""

TYPER_APP = """
from pathlib import Path
from typing import Annotated
import typer
app = typer.Typer(help=HELP, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]})
@app.callback()
def root(
    file: Annotated[Path | None, typer.Option("--file", "-f", help=FILE, show_default=False)] = None,
    db: Annotated[Path | None, typer.Option("--db", help=DB, show_default=False)] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    pass
for name, summary in COMMANDS.items():
    app.command(name, help=summary)(lambda: None)
app()
"""
"""typer's rich help for tether's root options and commands, with none of tether's start-up work."""


def typer_app(folder: Path) -> list[str]:
    """The command running TYPER_APP with tether's texts filled in: a module imported from its
    compiled bytecode, as tether's are (a script run by path is compiled in every run)."""
    import typer.main

    from tether.cli import app
    from tether.cli.commands import COMMANDS

    root = typer.main.get_command(app)
    helps = {p.name: p.help for p in root.params}
    texts = {"HELP": app.info.help, "FILE": helps["file"], "DB": helps["db"]}
    summaries = {name: summary for name, (_, summary) in COMMANDS.items()}
    header = "".join(f"{name} = {text!r}\n" for name, text in texts.items()) + f"COMMANDS = {summaries!r}\n"
    path = folder / "typer_app.py"
    path.write_text(header + TYPER_APP, encoding="utf-8")
    py_compile.compile(str(path), doraise=True)
    return [PY, "-c", f"import sys; sys.path.insert(0, {str(folder)!r}); import typer_app", "--help"]


ANTHROPIC = """version: 1
workspace: {name: Start-up, owner: ops@example.com}
integrations:
  - name: claude
    title: Claude
    pattern: direct-api
    ai: {provider: anthropic, model: claude-sonnet-4-5}
    checks:
      - {kind: anthropic, name: api, base_url: "URL", api_key: "${ANTHROPIC_API_KEY}"}
"""

HTTP = """version: 1
workspace: {name: Start-up, owner: ops@example.com}
integrations:
  - name: app
    title: App
    pattern: custom-app
    checks:
      - {kind: http, name: up, url: "URL/app/health"}
"""


def main() -> int:
    env = {**quiet_env(), "ANTHROPIC_API_KEY": "sandbox-key"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = folder / "integrations.yaml"
        shutil.copy(ROOT / "integrations.yaml", ws)
        db = folder / "t.db"
        answers = ROOT / "docs" / "examples" / "answers-small-business.yaml"
        proc, url = start_sandbox(folder)
        try:
            (folder / "anthropic").mkdir()
            (folder / "http").mkdir()
            (folder / "anthropic" / "integrations.yaml").write_text(ANTHROPIC.replace("URL", url), encoding="utf-8")
            (folder / "http" / "integrations.yaml").write_text(HTTP.replace("URL", url), encoding="utf-8")
            tether = [PY, "-m", "tether"]
            cases: dict[str, list[str]] = {
                "import typer, rich.console": [PY, "-c", "import typer, rich.console"],
                "tether --help": [*tether, "--help"],
                "typer app, same help": typer_app(folder),
                "list floor": [PY, "-c", LIST_FLOOR, str(ws), str(db)],
                "tether list": [*tether, "--file", str(ws), "--db", str(db), "list"],
                "advise floor": [PY, "-c", ADVISE_FLOOR, str(answers)],
                "tether advise --answers": [
                    *tether,
                    "--file",
                    str(ws),
                    "--db",
                    str(db),
                    "advise",
                    "--answers",
                    str(answers),
                    "--no-save",
                ],
                "probe, one http check": [
                    *tether,
                    "--file",
                    str(folder / "http" / "integrations.yaml"),
                    "--db",
                    str(folder / "http.db"),
                    "probe",
                ],
                "probe, one anthropic check": [
                    *tether,
                    "--file",
                    str(folder / "anthropic" / "integrations.yaml"),
                    "--db",
                    str(folder / "anthropic.db"),
                    "probe",
                ],
            }
            run_process(cases["tether list"], env=env)  # create the store once: every run after reads it
            walls: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(RUNS):
                for name, args in cases.items():
                    walls[name].append(run_process(args, env=env).wall)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    m = {name: statistics.median(times) for name, times in walls.items()}
    print(f"start-up, median of {RUNS} fresh processes each (interleaved)")
    pairs = [
        ("tether --help", "import typer, rich.console", 1.25),
        ("tether --help", "typer app, same help", None),
        ("tether list", "list floor", None),
        ("tether advise --answers", "advise floor", None),
        ("probe, one anthropic check", "probe, one http check", None),
    ]
    missed = []
    for name, base, goal in pairs:
        ratio = m[name] / m[base]
        aim = f"(goal <= {goal}x)" if goal else ""
        print(f"  {name:28s} {m[name]:6.3f} s   {base:28s} {m[base]:6.3f} s   {ratio:5.2f}x {aim}")
        if goal and ratio > goal:
            missed.append(f"{name} {ratio:.2f}x")
    print("  goals: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 1 if missed else 0  # `make bench` names every bench that missed its goal


if __name__ == "__main__":
    sys.exit(main())

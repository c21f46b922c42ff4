"""Commands load on demand: the static list matches what the modules declare, the root help is
the same as with every command loaded, and a command imports only its own module."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from tether.cli import app
from tether.cli.commands import COMMANDS, MODULES, built

HELP_ONLY = ["rich.markdown", "rich.traceback", "markdown_it", "pygments", "fractions", "decimal", "rich._emoji_codes"]
"""What typer's rich help imports and tether's never uses (cli.light_help defers them)."""


def test_the_command_list_is_what_each_module_registers() -> None:
    registered = {}
    for module in MODULES:
        for name, command in built(module).items():
            registered[name] = (module, inspect.cleandoc(command.help or "").split("\n\n")[0])
    assert list(registered.items()) == list(COMMANDS.items())


def help_text(group: object, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        group.main(["--help"], prog_name="tether")  # type: ignore[attr-defined]
    return capsys.readouterr().out


def test_the_root_help_reads_the_same_as_with_every_command_loaded(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERMINAL_WIDTH", "100")
    lazy = typer.main.get_command(app)
    listed = help_text(lazy, capsys)
    loaded = typer.main.get_command(app)
    for name in COMMANDS:
        assert loaded.get_command(None, name) is not None  # type: ignore[arg-type, attr-defined]
    assert help_text(loaded, capsys) == listed
    assert all(name in listed for name in COMMANDS)


def imported_by(args: list[str]) -> set[str]:
    script = (
        "import json, sys\n"
        "sys.argv = ['tether', *sys.argv[1:]]\n"
        "from tether.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_command_module_nor_what_rich_help_never_uses() -> None:
    loaded = imported_by(["--help"])
    assert "typer.rich_utils" in loaded  # the rich help is kept
    assert sorted(m for m in loaded if m.startswith("tether.cli.") and m.split(".")[2] in MODULES) == []
    assert sorted(m for m in loaded if m.split(".")[0] in {"markdown_it", "pygments"} or m in HELP_ONLY) == []


def test_a_command_imports_its_own_module_only(workspace: Path) -> None:
    loaded = imported_by(["--file", str(workspace / "integrations.yaml"), "list"])
    assert sorted(m for m in loaded if m.startswith("tether.cli.") and m.split(".")[2] in MODULES) == [
        "tether.cli.registry"
    ]
    assert not {"textual", "anthropic", "httpx", "jinja2"} & {m.split(".")[0] for m in loaded}


def test_rich_markdown_is_the_real_module_once_help_is_shown() -> None:
    script = (
        "import sys\nsys.argv = ['tether', '--help']\nfrom tether.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import rich.markdown, typer.rich_utils\n"
        "print(rich.markdown.Markdown.__module__, type(typer.rich_utils.Markdown('x')).__module__, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stderr.split() == ["rich.markdown", "rich.markdown"]


EMOJI_CASES = [
    ("no code: at all", "no code: at all", False),
    (":warning: and :no-such-code:", "\u26a0 and :no-such-code:", True),
    (":no-such-code: then :smile:", ":no-such-code: then \U0001f604", True),
]


@pytest.mark.parametrize(("markup", "shown", "table_imported"), EMOJI_CASES)
def test_emoji_codes_render_as_rich_renders_them_and_the_table_loads_at_the_first(
    markup: str, shown: str, table_imported: bool
) -> None:
    script = (
        "import json, sys\nfrom rich.markup import render\nfrom tether.cli.light_help import emoji_on_demand\n"
        "with emoji_on_demand():\n    text = render(sys.argv[1]).plain\n"
        "table = sys.modules.get('rich._emoji_codes')\n"
        "print(json.dumps([text, table is not None and len(table.EMOJI) > 3000, render(':smile:').plain]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, markup], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [shown, table_imported, "\U0001f604"]


def test_fractions_is_the_real_module_once_help_is_shown() -> None:
    script = (
        "import sys\nsys.argv = ['tether', '--help']\nfrom tether.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import fractions, rich._ratio\n"
        "print(type(rich._ratio.Fraction(1, 2)) is fractions.Fraction, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stderr.split() == ["True"]

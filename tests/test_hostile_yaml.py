"""Hostile YAML (issue 14, defect 2): alias expansion is counted while loading and refused with a location.

Each case runs the real CLI in a fresh interpreter with its address space capped at 1 GiB and a
60 s deadline: before the fix these documents took 645 MB to 5 GB and over a minute.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLED

MEMORY_CAP = 1024 * 1024 * 1024


def laughs(prefix: str = "") -> str:
    """Ten anchors, each a list of ten aliases of the one before: 10^10 values once expanded."""
    lines = [f"{prefix}lol0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{prefix}lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def merge_laughs() -> str:
    """The same through merge keys: each mapping merges ten copies of the one before."""
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}"]
    lines += [f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + "]}" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def tether(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tether", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_cap_memory,
        check=False,
    )


def assert_refused(run: subprocess.CompletedProcess[str], where: str, code: int = 2) -> None:
    assert run.returncode == code, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    said = run.stdout + run.stderr
    assert f"{where} YAML: the anchor here, repeated by its aliases, expands to over 200000 values" in said


def test_a_billion_laughs_integrations_file_is_refused_at_the_anchor(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text("version: 1\nworkspace: {name: x}\n" + laughs())
    assert_refused(tether(tmp_path, "check"), "integrations.yaml:7:7:")


def test_merge_keys_count_too(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text("version: 1\nworkspace: {name: x}\n" + merge_laughs())
    run = tether(tmp_path, "check")
    assert run.returncode == 2, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    assert "integrations.yaml:" in run.stderr and "over 200000 values" in run.stderr


# systems.yaml is read with integrations.yaml (exit 2); check reports the others as findings (exit 1).
RULES = [("systems.yaml", 2), ("prices.yaml", 1), ("readiness.yaml", 1), ("questionnaire.yaml", 1)]
RULES += [("troubleshooting.yaml", 1), ("roadmap.yaml", 1)]


@pytest.mark.parametrize(("name", "code"), RULES)
def test_a_billion_laughs_rules_file_is_refused_by_check(tmp_path: Path, name: str, code: int) -> None:
    (tmp_path / "integrations.yaml").write_text(BUNDLED.read_text(encoding="utf-8"))
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / name).write_text(laughs())
    assert_refused(tether(tmp_path, "check"), f"rules/{name}:5:7:", code)


def test_a_billion_laughs_answers_file_is_refused_by_advise(tmp_path: Path) -> None:
    (tmp_path / "integrations.yaml").write_text(BUNDLED.read_text(encoding="utf-8"))
    (tmp_path / "answers.yaml").write_text(laughs())
    assert_refused(tether(tmp_path, "advise", "--answers", "answers.yaml", "--no-save"), "answers.yaml:5:7:")


def test_many_values_without_aliases_say_so(tmp_path: Path) -> None:
    values = ", ".join(["1"] * 200_001)
    (tmp_path / "integrations.yaml").write_text(f"version: 1\nworkspace: {{name: x}}\nbig: [{values}]\n")
    run = tether(tmp_path, "check")
    assert run.returncode == 2, run.stderr[-2000:]
    assert "over 200000 values; a file this large is not one tether reads" in run.stderr

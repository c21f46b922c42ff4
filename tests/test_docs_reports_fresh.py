"""The repository's reports/ is what `tether docs` makes of the bundled example with an empty store."""

from __future__ import annotations

from pathlib import Path

from tests.docs_support import read_tree, run_docs
from tether.docs.check import generated_files

ROOT = Path(__file__).resolve().parents[1]
REFRESH = ".venv/bin/tether --file integrations.yaml --db :memory: docs"


def test_committed_reports_are_fresh(tmp_path: Path) -> None:
    result = run_docs(ROOT, "--out", str(tmp_path / "reports"), db=":memory:")
    assert result.exit_code == 0, result.output
    expected = read_tree(tmp_path / "reports")
    committed = {name: (ROOT / "reports" / name).read_bytes() for name in generated_files(ROOT / "reports")}
    stale = sorted(name for name in expected.keys() | committed.keys() if expected.get(name) != committed.get(name))
    assert not stale, (
        f"reports/ is out of date ({', '.join(stale)}); refresh it from the repository root with: {REFRESH}"
    )

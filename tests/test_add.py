"""`tether add` appends an integration keeping every existing byte, comments included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tether.errors import InputError
from tether.registry.add import add_integration
from tether.workspace import load_workspace

NEW = {"name": "new-one", "title": "New one", "pattern": "direct-api", "ai": {"provider": "anthropic"}}

HEAD = "version: 1  # format\nworkspace:\n  name: Test   # our team\n"

TWO_ITEMS = """\
integrations:
  - name: a
    title: A
    pattern: custom-app

  - name: b
    title: B
    pattern: custom-app
"""

SHAPES = {
    "list-at-end": HEAD + "integrations:\n  # first\n  - name: a\n    title: A\n    pattern: custom-app\n",
    "list-at-end-no-newline": HEAD + "integrations:\n  - name: a\n    title: A\n    pattern: custom-app",
    "comment-after-list": HEAD
    + "integrations:\n- name: a\n  title: A\n  pattern: custom-app\n  # about a\n\n# trailing words\n",
    "key-after-list": (
        "version: 1\nintegrations:\n    - name: a\n      title: A\n      pattern: custom-app\n\n"
        "# the workspace\nworkspace:\n  name: T\n"
    ),
    "empty-flow-list": HEAD + "integrations: []  # none yet\n",
    "null-list": HEAD + "integrations:\n# nothing yet\n",
    "no-list": HEAD,
    "blank-lines-between": HEAD + TWO_ITEMS,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_add_keeps_every_existing_line_and_yields_a_valid_file(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "integrations.yaml"
    original = SHAPES[shape]
    path.write_text(original, encoding="utf-8")
    before = load_workspace(path)
    add_integration(path, NEW)
    text = path.read_text(encoding="utf-8")
    after = load_workspace(path)
    assert [i.name for i in after.integrations] == [i.name for i in before.integrations] + ["new-one"]
    assert after.integrations[-1].ai is not None and after.integrations[-1].ai.provider == "anthropic"
    # Every original line is still there, in order: comments, spacing and all.
    original_lines = [line for line in original.split("\n") if line.strip() and "[]" not in line]
    remaining = iter(text.split("\n"))
    for line in original_lines:
        assert any(line == candidate for candidate in remaining), f"lost or moved: {line!r}\n{text}"


def test_the_bundled_file_keeps_its_bytes(tmp_path: Path) -> None:
    from .conftest import BUNDLED

    path = tmp_path / "integrations.yaml"
    original = BUNDLED.read_bytes()
    path.write_bytes(original)
    add_integration(path, NEW)
    result = path.read_bytes()
    assert result.startswith(original.rstrip(b"\n"))
    assert result[len(original) :].count(b"new-one") == 1


def test_an_invalid_entry_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_text(SHAPES["list-at-end"], encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_integration(path, {**NEW, "source": "hubspt"})
    assert "unknown system 'hubspt' (did you mean 'hubspot'?)" in str(info.value)
    assert str(info.value).startswith("new entry:")
    assert path.read_text(encoding="utf-8") == SHAPES["list-at-end"]


def test_a_duplicate_name_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_text(SHAPES["list-at-end"], encoding="utf-8")
    with pytest.raises(InputError, match="already the name"):
        add_integration(path, {**NEW, "name": "a"})
    assert path.read_text(encoding="utf-8") == SHAPES["list-at-end"]


def test_a_broken_file_is_not_built_upon(tmp_path: Path) -> None:
    path = tmp_path / "integrations.yaml"
    broken = SHAPES["list-at-end"].replace("custom-app", "custom_app")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError, match="did you mean 'custom-app'"):
        add_integration(path, NEW)
    assert path.read_text(encoding="utf-8") == broken

"""Screenshots of the dashboard over the test store, for docs/screenshots/: `make screenshots`.

Writes SVG (what `App.save_screenshot` writes) and, when cairosvg is installed, PNG. The SVG names
the web font "Fira Code"; a converter without it falls back to a proportional font, the cell grid
is lost and words seem to run together (each styled run is placed at its cell, but drawn narrower
or wider than its cells). So the PNG is drawn with a monospace font installed on this machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.tui_support import make_app, seeded_store, settle

SIZES = ((60, 15), (120, 40), (200, 50))
MONOSPACE = "DejaVu Sans Mono"


async def shoot(width: int, height: int, out: Path, prefix: str) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(*seeded_store(Path(folder)))
        async with app.run_test(size=(width, height)) as pilot:
            await settle(pilot)
            svg = app.export_screenshot(title=f"tether dashboard {width}x{height}")
    path = out / f"{prefix}dashboard-{width}x{height}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def to_png(svg: Path) -> Path | None:
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None
    png = svg.with_suffix(".png")
    text = svg.read_text(encoding="utf-8").replace("Fira Code", MONOSPACE)
    cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(png))
    return png


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else Path("docs/screenshots")
    prefix = argv[1] if len(argv) > 1 else ""
    out.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        svg = asyncio.run(shoot(width, height, out, prefix))
        print(svg, to_png(svg) or "(no PNG: pip install cairosvg)")


if __name__ == "__main__":
    main(sys.argv[1:])

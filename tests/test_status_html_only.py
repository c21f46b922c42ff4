"""Vendors with only an HTML status page stay `unknown`, saying what was found and how to watch them instead."""

from __future__ import annotations

import pytest

from tests.sandbox_fixtures import ProbeCheck
from tests.status_support import env, status_check
from tether.sandbox.server import Sandbox


@pytest.mark.parametrize(
    ("url", "instead"),
    [
        ("aistudio.google.com/status", "watch the Gemini API itself with a `gemini` check"),
        ("status.cloud.microsoft", "read your tenant's service health with `url: https://graph.microsoft.com`"),
    ],
)
async def test_html_only_is_unknown_with_a_way_out(
    sandbox: Sandbox, probe_check: ProbeCheck, url: str, instead: str
) -> None:
    row = await probe_check(status_check(url), env=env(sandbox))
    assert (row["state"], row["category"]) == ("unknown", "html")
    host = url.split("/", maxsplit=1)[0]
    assert row["reason"].startswith(f"{host} publishes its status only as a web page (found an HTML page titled")
    assert instead in row["reason"]

"""A vendor's human status page: HTML, which is all some vendors publish (and every platform's root)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from tether.sandbox.http11 import Request, Response
from tether.sandbox.scenario import Incident

if TYPE_CHECKING:
    from tether.sandbox.server import Sandbox


def page(title: str, incidents: Sequence[Incident] = ()) -> Response:
    items = "".join(f"<li>{escape(i.name)}</li>" for i in incidents)
    body = f"<ul>{items}</ul>" if items else "<p>All services are operating normally.</p>"
    return Response.html(
        f"<!doctype html><html><head><title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>"
        f"{body}</body></html>"
    )


def serve(sandbox: Sandbox, request: Request, vendor: str, rest: str, active: list[Incident]) -> Response:
    return page(f"{vendor.replace('-', ' ').title()} status", active)

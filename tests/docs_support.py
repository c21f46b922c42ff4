"""Shared by the docs tests: run `tether docs`, read a generated folder, lint markdown."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from tether.cli import app


def run_docs(workspace: Path, *args: str, db: str | None = None) -> Result:
    options = ["--file", str(workspace / "integrations.yaml")]
    if db is not None:
        options += ["--db", db]
    return CliRunner().invoke(app, [*options, "docs", *args])


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.md"))}


def lint(folder: Path) -> list[str]:
    """markdownlint's default rules (pymarkdown implements them) over every .md file below `folder`."""
    from pymarkdown.api import PyMarkdownApi

    result = PyMarkdownApi().scan_path(str(folder), recurse_if_directory=True)
    problems = [
        f"{f.scan_file}:{f.line_number}:{f.column_number}: {f.rule_id} {f.rule_description}{f.extra_error_information}"
        for f in result.scan_failures
    ]
    return problems + [str(e) for e in (*result.pragma_errors, *result.critical_errors)]


class RecordingProxy:
    """A loopback HTTP proxy in front of the sandbox that keeps every request body it forwards.

    The canary test reads exactly what would have left the machine: the prompts as received.
    """

    def __init__(self, target: str) -> None:
        import http.server
        import threading

        import httpx

        self.bodies: list[tuple[str, bytes]] = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                proxy.bodies.append((self.path, body))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                with httpx.Client() as client:
                    answer = client.request(self.command, target + self.path, headers=headers, content=body)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(key, value)
                self.send_header("content-length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

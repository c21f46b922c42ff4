"""Run `tether` as a user at a terminal would: in a pseudo-terminal (stdlib pty), output read as it comes."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """A `tether` process whose stdin, stdout and stderr are one pseudo-terminal of 120 x 40."""

    def __init__(self, cwd: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self._master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tether", *args],
            cwd=cwd,
            env={**(env or os.environ), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""

    @property
    def text(self) -> str:
        """What was written, without colours and cursor moves."""
        return ESCAPE.sub(b"", self.output).decode(errors="replace")

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the terminal is closed."""
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every writer has gone
            return False
        self.output += chunk
        return bool(chunk)

    def expect(self, text: bytes, timeout: float = 30.0, times: int = 1) -> None:
        """Wait until `text` has been written (`times` times); AssertionError with the output so far if not."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < times:
            if time.monotonic() > deadline or (not self._read(0.1) and self.output.count(text) < times):
                raise AssertionError(f"{text!r} never appeared in:\n{self.output.decode(errors='replace')}")

    def interrupt(self) -> None:
        """Ctrl-C: SIGINT to the process, as the terminal sends it."""
        self.proc.send_signal(signal.SIGINT)

    def interrupt_at_prompt(self, presses: int = 5, every: float = 5.0) -> None:
        """Ctrl-C at a prompt, pressed again while the process lives (at most `presses` times).

        A SIGINT that lands in the instant between the prompt being written and its read
        blocking stays pending in CPython until the next signal; a person presses again.
        """
        for _ in range(presses):
            self.interrupt()
            deadline = time.monotonic() + every
            while self.proc.poll() is None and time.monotonic() < deadline:
                self._read(0.1)
            if self.proc.poll() is not None:
                return

    def finish(self, timeout: float = 60.0) -> int:
        """Read to the end and return the exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.1):
            pass
        try:
            return self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            os.close(self._master)

"""The one body reader of every probe: decodes gzip/deflate itself, piece by bounded piece, and stops at the cap.

httpx (and the SDK's httpx2) inflate each network chunk whole, so one 64 KiB chunk of a gzip bomb
becomes 64 MB before any cap can look at it. Here no decoding step ever yields more than `PIECE`
bytes, and the decoded total is checked against the cap as it grows: memory stays within the cap
plus a piece, whatever the server sends.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from tether.checks.states import State
from tether.monitor.faults import Category, ProbeFault

MAX_BODY = 1024 * 1024
PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
"""What a probe asks for: only what this module can decode in bounded pieces."""


def too_large(cap: int) -> ProbeFault:
    return ProbeFault(State.DOWN, Category.TOO_LARGE, f"the body is over the {cap // 1024} KiB cap")


class _Inflate:
    """One gzip or deflate layer; `deflate` may be zlib-wrapped or raw (servers send both)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_fallback = encoding == "deflate"
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)

    def pieces(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            yield from self._inflate(chunk)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self._z.decompress(data, PIECE)
            except zlib.error:
                if not self._raw_fallback:
                    raise self._corrupt() from None
                self._raw_fallback = False
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False
            data = self._z.unconsumed_tail
            if not piece and data:  # input left but no progress: a broken stream, not a loop
                raise self._corrupt()
            yield piece
            # A full piece may leave output pending inside zlib even when all input is consumed.
            if not data and len(piece) < PIECE:
                return

    def _corrupt(self) -> ProbeFault:
        return ProbeFault(State.DOWN, Category.BAD_ENCODING, f"the body's {self.encoding} encoding is corrupt")


def _layers(content_encoding: str) -> list[_Inflate]:
    names = [name.strip().lower() for name in content_encoding.split(",") if name.strip()]
    layers = []
    for name in reversed(names):  # the last encoding applied is the first undone
        if name == "identity":
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            raise ProbeFault(
                State.DOWN, Category.BAD_ENCODING, f"the body is {name}-encoded, which tether did not ask for"
            )
        layers.append(_Inflate("gzip" if name == "x-gzip" else name))
    return layers


class CappedBody:
    """Feed raw (still encoded) chunks; get decoded pieces; over `cap` decoded bytes raises `too_large`."""

    def __init__(self, content_encoding: str = "", cap: int = MAX_BODY) -> None:
        self.cap = cap
        self.size = 0
        self._layers = _layers(content_encoding)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        # Generators all the way down: each layer pulls one bounded piece at a time from the one below.
        pieces: Iterator[bytes] = iter((raw,))
        for layer in self._layers:
            pieces = layer.pieces(pieces)
        for piece in pieces:
            self.size += len(piece)
            if self.size > self.cap:
                raise too_large(self.cap)
            if piece:
                yield piece


async def decoded(raw: AsyncIterable[bytes], content_encoding: str = "", cap: int = MAX_BODY) -> AsyncIterator[bytes]:
    """The decoded body of a raw byte stream, piece by piece, within the cap."""
    body = CappedBody(content_encoding, cap)
    async for chunk in raw:
        for piece in body.feed(chunk):
            yield piece


async def read(raw: AsyncIterable[bytes], content_encoding: str = "", cap: int = MAX_BODY) -> bytes:
    """The whole decoded body of a raw byte stream, or `too_large` once it passes the cap."""
    return b"".join([piece async for piece in decoded(raw, content_encoding, cap)])

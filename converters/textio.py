"""Decoding input bytes with exact positions for errors.

Python's text wrapper decodes in chunks, so its errors give an offset within a chunk.
This decodes line by line and, on bad bytes, says the file offset, the line and the
encoding tried.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO


class InputDecodeError(ValueError):
    def __init__(self, encoding: str, offset: int, line: int, column: int, byte: int):
        self.encoding, self.offset, self.line, self.column, self.byte = encoding, offset, line, column, byte
        super().__init__(f"input is not valid {encoding}: byte 0x{byte:02x} at offset {offset} "
                         f"(line {line}, column {column})")


class DecodedLines(io.TextIOBase):
    """A read-only text stream over a binary one; lines keep their endings."""

    def __init__(self, binary: BinaryIO, encoding: str = "utf-8", name: str | None = None):
        self._binary = binary
        self.encoding_name = codecs.lookup(encoding).name
        self._offset = 0
        self._line = 0
        self._bom = self.encoding_name in ("utf-8", "utf_8")
        self.name = name

    def _decode(self, raw: bytes) -> str:
        self._line += 1
        try:
            text = raw.decode(self.encoding_name)
        except UnicodeDecodeError as exc:
            prefix = raw[: exc.start].decode(self.encoding_name, errors="replace")
            raise InputDecodeError(self.encoding_name, self._offset + exc.start, self._line, len(prefix) + 1,
                                   raw[exc.start]) from None
        self._offset += len(raw)
        return text

    def __iter__(self):
        for raw in self._binary:
            yield self._decode(raw)

    def readline(self, size: int = -1) -> str:
        raw = self._binary.readline()
        return self._decode(raw) if raw else ""

    def read(self, size: int = -1) -> str:
        if size is not None and size >= 0:
            # used only for the detection head: a best-effort prefix, errors left for the real read
            return self._binary.read(size).decode(self.encoding_name, errors="replace")
        return "".join(self)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._binary.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset != 0 or whence != 0:
            raise io.UnsupportedOperation("only rewinding to the start is supported")
        self._offset = self._line = 0
        return self._binary.seek(0)

    def close(self) -> None:
        self._binary.close()
        super().close()

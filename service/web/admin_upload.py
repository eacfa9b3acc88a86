"""A file sent by a page's form (``multipart/form-data``), read with python-multipart's
streaming parser as the body arrives: a declared ``Content-Length`` over the API's import limit
is refused before any of it is read, and so is a body that passes the limit while it streams;
the one file goes straight to a temporary file on disk, never held in memory."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

MAX_FIELD = 4096
"""A plain field (the CSRF token, the kind) or a part's headers are short: longer is a bad form."""
MAX_PARTS = 8
"""The import form has four parts (token, kind, check, file): many more is not this form."""
SLACK = 64 * 1024
"""Room over the file's limit for the form's other fields and the part headers."""


class NotAForm(Exception):
    """Not ``multipart/form-data`` with a boundary: not the form this page sent."""


class BadForm(Exception):
    """A multipart body cut short or malformed, a field too long, a second file."""


class TooLarge(Exception):
    pass


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    file: IO[bytes] | None = None
    size: int = 0

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


@dataclass
class _Reader:
    """python-multipart's callbacks: each part's headers, then its data to a field or the file."""

    upload: Upload = field(default_factory=Upload)
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    head: int = 0
    disposition: bytes = b""
    name: str | None = None
    value: bytearray | None = None
    parts: int = 0
    ended: bool = False

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_end": self.end,
        }

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadForm()
        self.head, self.disposition, self.name, self.value = 0, b"", None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._count(end - start)
        self.header_value += data[start:end]

    def _count(self, n: int) -> None:
        self.head += n
        if self.head > MAX_FIELD:
            raise BadForm()

    def header_end(self) -> None:
        if bytes(self.header_field).lower() == b"content-disposition":
            self.disposition = bytes(self.header_value)
        self.header_field.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        kind, options = parse_options_header(self.disposition)
        name = options.get(b"name")
        if kind != b"form-data" or name is None:
            raise BadForm()
        self.name = name.decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            self.value = bytearray()
            return
        if self.upload.file is not None:
            raise BadForm()
        self.upload.filename = filename.decode("utf-8", "replace")
        self.upload.file = tempfile.TemporaryFile()  # noqa: SIM115 - Upload.close closes it

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.value is not None:
            if len(self.value) + end - start > MAX_FIELD:
                raise BadForm()
            self.value += data[start:end]
        elif self.upload.file is not None:
            self.upload.file.write(data[start:end])
            self.upload.size += end - start
        else:
            raise BadForm()

    def part_end(self) -> None:
        if self.value is not None and self.name is not None:
            self.upload.fields[self.name] = self.value.decode("utf-8", "replace")
        self.value = None

    def end(self) -> None:
        self.ended = True


async def receive(request: Request, limit: int) -> Upload:
    """The form's fields and its one file, read as the body streams in: ``NotAForm`` for
    another content type, ``BadForm`` for a malformed body, ``TooLarge`` past ``limit`` bytes
    (with room for the other fields). The caller closes the upload."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise NotAForm()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + SLACK:
        raise TooLarge()
    reader = _Reader()
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit + SLACK:
                raise TooLarge()
            parser.write(chunk)
        parser.finalize()
        if not reader.ended:
            raise BadForm()
    except MultipartParseError:
        reader.upload.close()
        raise BadForm() from None
    except BaseException:
        reader.upload.close()
        raise
    if reader.upload.file is not None:
        reader.upload.file.seek(0)
    return reader.upload

"""A file sent by a page's form (``multipart/form-data``): the body is spooled to a temporary
file as it arrives (never more than the API's import limit), then split at its boundaries
through a memory map, so that a large file is never held in memory twice."""

from __future__ import annotations

import mmap
import re
import tempfile
from dataclasses import dataclass, field
from typing import IO

from starlette.requests import Request

CHUNK = 1024 * 1024
MAX_FIELD = 4096
"""A plain field (the CSRF token, the kind) is short: a longer one is a bad form."""
_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?')
_NAME = re.compile(r'\bname="([^"]*)"')
_FILENAME = re.compile(r'\bfilename="([^"]*)"')


class BadForm(Exception):
    """Not a form this page sent: no boundary, a part cut short, a field too long."""


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


async def spool(request: Request, limit: int) -> tuple[IO[bytes], bytes]:
    """The body in a temporary file, and the form's boundary; ``TooLarge`` past ``limit``
    bytes (with room for the form's other fields)."""
    found = _BOUNDARY.search(request.headers.get("content-type", ""))
    if not request.headers.get("content-type", "").startswith("multipart/form-data") or not found:
        raise BadForm()
    body = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit + 64 * 1024:
                raise TooLarge()
            body.write(chunk)
    except BaseException:
        body.close()
        raise
    body.flush()
    return body, found.group(1).encode("latin-1")


def parse(body: IO[bytes], boundary: bytes) -> Upload:
    """The form's fields and its one file (copied out to a temporary file of its own)."""
    body.seek(0, 2)
    if body.tell() == 0:
        raise BadForm()
    upload = Upload()
    delimiter = b"--" + boundary
    with mmap.mmap(body.fileno(), 0, access=mmap.ACCESS_READ) as view:
        at = view.find(delimiter)
        if at < 0:
            raise BadForm()
        at += len(delimiter)
        while view[at : at + 2] != b"--":
            if view[at : at + 2] != b"\r\n":
                raise BadForm()
            head_end = view.find(b"\r\n\r\n", at + 2)
            if head_end < 0 or head_end - at > MAX_FIELD:
                raise BadForm()
            head = view[at + 2 : head_end].decode("utf-8", "replace")
            start = head_end + 4
            end = view.find(b"\r\n" + delimiter, start)
            if end < 0:
                raise BadForm()
            name = _NAME.search(head)
            filename = _FILENAME.search(head)
            if name is None:
                raise BadForm()
            if filename is not None:
                if upload.file is not None:
                    raise BadForm()
                upload.filename = filename.group(1)
                upload.file = _copy(view, start, end)
                upload.size = end - start
            else:
                if end - start > MAX_FIELD:
                    raise BadForm()
                upload.fields[name.group(1)] = view[start:end].decode("utf-8", "replace")
            at = end + 2 + len(delimiter)
    return upload


def _copy(view: mmap.mmap, start: int, end: int) -> IO[bytes]:
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    for at in range(start, end, CHUNK):
        out.write(view[at : min(at + CHUNK, end)])
    out.seek(0)
    return out

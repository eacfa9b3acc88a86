"""A light HTTP/1.1 load generator for the loopback benchmarks.

On this project's benchmark machines the client shares the CPU with the server it measures.
``httpx`` from 20 threads spends about 2 ms of CPU per request (a third of what the server
spends) and its threads queue for the interpreter lock, which shows in the latencies as time
the server never spent. This client is one ``asyncio`` loop (``uvloop``) with one keep-alive
connection per simulated client, the request written as bytes and the response read with
``httptools``' parser (the C parser uvicorn uses): a few tenths of a millisecond per request.

    latencies, statuses = run_gets("127.0.0.1", 8000, paths, headers={...}, clients=20)

Each latency runs from the request written to the last byte of its response read. A
connection the server closes is opened again before the next request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Iterator, Mapping

import httptools
import uvloop


class _Reply:
    """httptools' callbacks for one response: only whether it is complete."""

    def __init__(self) -> None:
        self.complete = False

    def on_message_complete(self) -> None:
        self.complete = True


async def _client(
    host: str,
    port: int,
    paths: Iterator[str],
    head: bytes,
    latencies: list[float],
    statuses: list[int],
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    try:
        for path in paths:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            reply = _Reply()
            parser = httptools.HttpResponseParser(reply)
            began = time.perf_counter()
            writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + head)
            while not reply.complete:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionError(f"the server closed the connection during {path}")
                parser.feed_data(chunk)
            latencies.append(time.perf_counter() - began)
            statuses.append(parser.get_status_code())
            if not parser.should_keep_alive():
                writer.close()
                reader = writer = None
    finally:
        if writer is not None:
            writer.close()


def run_gets(
    host: str,
    port: int,
    paths: Iterable[str],
    *,
    headers: Mapping[str, str],
    clients: int,
) -> tuple[list[float], list[int]]:
    """Send ``GET`` for each of ``paths`` from ``clients`` concurrent keep-alive connections
    (each takes the next path when its previous answer is in); the latencies in seconds and
    the status codes, in the order the answers came."""
    lines = [f"Host: {host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    shared = iter(paths)  # one iterator: the clients take turns, single-threaded
    latencies: list[float] = []
    statuses: list[int] = []

    async def main() -> None:
        await asyncio.gather(
            *(_client(host, port, shared, head, latencies, statuses) for _ in range(clients))
        )

    uvloop.run(main())
    return latencies, statuses

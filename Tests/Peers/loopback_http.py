"""Shared pieces of the loopback model mocks (mock_responses.py, mock_messages.py).

Python stdlib only. Everything listens on 127.0.0.1 and never opens an outbound connection.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import select
import signal
import socket
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = "127.0.0.1"


class RequestLog:
    """Appends JSON lines; shared by all handler threads."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        with self._lock:
            return next(self._seq)

    def write(self, record: dict[str, Any]) -> None:
        if self._file is None:
            return
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()


class ClientGone(Exception):
    """The client closed the connection while we were streaming."""


def split_chunks(text: str, count: int) -> list[str]:
    count = max(1, min(count, len(text))) if text else 1
    size = -(-len(text) // count) if text else 0
    return [text[i : i + size] for i in range(0, len(text), size)] if text else [""]


def decode_body(raw: bytes, encoding: str | None) -> bytes:
    encoding = (encoding or "identity").lower()
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    if encoding == "identity":
        return raw
    raise ValueError(f"unsupported content-encoding {encoding!r}")


class MockHandler(BaseHTTPRequestHandler):
    """Request logging, JSON answers, chunked streaming and holding a stream open."""

    protocol_version = "HTTP/1.1"
    log: RequestLog
    hold_timeout: float = 30.0

    # BaseHTTPRequestHandler logs every request to stderr; keep stderr for real problems.
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def read_json_body(self, seq: int) -> Any | None:
        """The decoded JSON body, logged; None (after answering 400) when it cannot be read."""
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(decode_body(raw, self.headers.get("content-encoding")))
        except (ValueError, OSError) as error:
            self.log.write(self.record(seq, {"undecodable": str(error), "bytes": len(raw)}))
            self.send_json(400, {"error": {"message": f"mock could not read body: {error}"}})
            return None
        self.log.write(self.record(seq, body))
        return body

    def record(self, seq: int, body: Any) -> dict[str, Any]:
        secret = ("authorization", "x-api-key")
        headers = {
            name.lower(): ("<redacted>" if name.lower() in secret else value)
            for name, value in self.headers.items()
        }
        return {
            "kind": "request",
            "seq": seq,
            "time": time.time(),
            "method": self.command,
            "path": self.path,
            "headers": headers,
            "body": body,
        }

    def log_stream_end(self, seq: int, outcome: str) -> None:
        self.log.write({"kind": "stream-end", "seq": seq, "time": time.time(), "outcome": outcome})

    def start_stream(self, request_id: str) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", request_id)
        self.end_headers()

    def hold(self) -> str:
        """Waits until the client hangs up (EOF on our socket) or the hold timeout passes."""
        deadline = time.monotonic() + self.hold_timeout
        connection = self.connection
        while (remaining := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([connection], [], [], min(remaining, 0.1))
            if readable:
                try:
                    if connection.recv(1, socket.MSG_PEEK) == b"":
                        return "client-disconnected"
                except (ConnectionResetError, OSError):
                    return "client-disconnected"
                # Bytes from the client mid-response are unexpected; do not spin on them.
                time.sleep(0.1)
        return "hold-timeout"

    def write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def send_json(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def write_atomically(path: str, text: str) -> None:
    temporary = f"{path}.tmp{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every mock takes: where to listen and log, and how long to live."""
    parser.add_argument("--port", type=int, default=0,
                        help="port on 127.0.0.1 (default: ephemeral)")
    parser.add_argument("--port-file", help="write the listening port to this file")
    parser.add_argument("--log", help="append every request (JSON Lines) to this file")
    parser.add_argument("--hold-timeout", type=float, default=30.0,
                        help="seconds [[hold]] keeps a stream open")
    parser.add_argument("--lifetime", type=float, default=900.0, help="exit after this many seconds")


def serve(handler: type[MockHandler], options: argparse.Namespace) -> int:
    """Serves on 127.0.0.1 until SIGTERM, SIGINT or --lifetime; prints the port once listening."""
    handler.log = RequestLog(options.log)
    handler.hold_timeout = options.hold_timeout
    server = ThreadingHTTPServer((LOOPBACK, options.port), handler)
    server.daemon_threads = True
    port = server.server_address[1]

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # Never outlive a forgotten test run.
    lifetime = threading.Timer(options.lifetime, stop)
    lifetime.daemon = True
    lifetime.start()
    if options.port_file:
        write_atomically(options.port_file, f"{port}\n")
    print(port, flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0

#!/usr/bin/env python3
"""Loopback stand-in for the Anthropic Messages API, for driving the real Claude Code offline.

Listens on 127.0.0.1 only (ephemeral port unless --port is given) and never opens an outbound
connection. Routes:

    POST /v1/messages               a model reply: SSE when the body says "stream": true
                                    (message_start, content_block_start/delta/stop,
                                    message_delta, message_stop), else one JSON message
    POST /v1/messages/count_tokens  {"input_tokens": N}
    GET  anything                   {"data": [], "has_more": false}

The reply text is `mock#<N>: <last user text>`, where N is the number of messages the user typed
in the request's `messages` (user messages with text that is not Claude Code's injected context —
text starting with "<", such as <system-reminder>, or Claude's "[Request interrupted by user]"
marker — and not only tool results); a resumed
conversation therefore answers with a higher N, and the full request bodies in the log show the
history that was sent. A request whose newest message carries a tool result is answered with
`mock#<N>: tool output: <the result's text>`.

Directives inside the last user text change the reply (they stay in the echoed text):
    [[hold]]          send the first text delta, then keep the stream open until the client
                      disconnects (the turn was interrupted) or --hold-timeout passes
    [[slow:MS]]       wait MS milliseconds before each text delta
    [[bash:COMMAND]]  answer with a `tool_use` block calling Claude Code's Bash tool with COMMAND
                      (stop_reason tool_use); the follow-up request carrying the tool result is
                      answered with that result echoed
    [[write:PATH]]    the same with the Write tool, writing "mock\\n" to PATH
    [[status:CODE]]   answer with HTTP status CODE and an Anthropic error body

Log (--log FILE, JSON Lines): one {"kind": "request", ...} line per request with method, path,
headers (authorization and x-api-key redacted) and the parsed body, and one
{"kind": "stream-end", ...} line when a streamed reply ends, with "outcome" one of completed,
client-disconnected, hold-timeout.

Usage: mock_messages.py [--port-file FILE] [--log FILE] [--hold-timeout S] [--delta-chunks N]
                        [--lifetime S] [--port N]
The port is printed on stdout as a single line once the socket is listening; --port-file gets
the same number, written atomically (rename) so readers never see a partial file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import Any

from loopback_http import ClientGone, MockHandler, add_server_arguments, serve, split_chunks

DIRECTIVE = re.compile(r"\[\[(hold|slow|bash|write|status)(?::([^\]]*))?\]\]")


def text_parts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [
        part.get("text", "")
        for part in content
        if isinstance(part, dict) and part.get("type") == "text"
    ]


def is_injected(text: str) -> bool:
    """Claude Code's own additions to user messages: tagged context (<system-reminder>, …) and the
    marker it leaves after an interrupted turn."""
    stripped = text.lstrip()
    return stripped.startswith("<") or stripped.startswith("[Request interrupted")


def typed_text(message: dict[str, Any]) -> str:
    """What the user typed in a user message: its text parts minus injected context."""
    return "".join(text for text in text_parts(message) if not is_injected(text))


def user_messages(body: dict[str, Any]) -> list[str]:
    texts = []
    for message in body.get("messages") or []:
        if isinstance(message, dict) and message.get("role") == "user":
            text = typed_text(message)
            if text:
                texts.append(text)
    return texts


def pending_tool_result(body: dict[str, Any]) -> str | None:
    """The text of the tool result in the newest message, if it carries one."""
    messages = body.get("messages") or []
    if not messages or not isinstance(messages[-1], dict):
        return None
    content = messages[-1].get("content")
    if not isinstance(content, list):
        return None
    for part in content:
        if isinstance(part, dict) and part.get("type") == "tool_result":
            result = part.get("content")
            if isinstance(result, list):
                return "".join(p.get("text", "") for p in result if isinstance(p, dict))
            return result if isinstance(result, str) else json.dumps(result)
    return None


class Handler(MockHandler):
    server_version = "mock-messages/1"
    delta_chunks = 4

    def do_GET(self) -> None:  # noqa: N802
        seq = self.log.next_seq()
        self.log.write(self.record(seq, None))
        self.send_json(200, {"data": [], "has_more": False, "first_id": None, "last_id": None})

    def do_POST(self) -> None:  # noqa: N802
        seq = self.log.next_seq()
        body = self.read_json_body(seq)
        if body is None:
            return
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.endswith("/messages/count_tokens"):
            self.send_json(200, {"input_tokens": max(1, len(json.dumps(body)) // 4)})
        elif path.endswith("/messages"):
            self._respond(seq, body)
        else:
            self._error(404, "not_found_error", f"mock has no {self.path}")

    def _error(self, code: int, kind: str, message: str) -> None:
        self.send_json(code, {"type": "error", "error": {"type": kind, "message": message}})

    def _respond(self, seq: int, body: dict[str, Any]) -> None:
        users = user_messages(body)
        last = users[-1] if users else ""
        directive = DIRECTIVE.search(last)
        kind, argument = (directive.group(1), directive.group(2) or "") if directive else ("", "")
        tool_result = pending_tool_result(body)
        prefix = f"mock#{len(users)}: "

        if kind == "status" and tool_result is None:
            code = int(argument) if argument.isdigit() else 500
            self._error(code, "api_error", f"mock status {code}")
            return
        block: dict[str, Any]
        if kind in ("bash", "write") and tool_result is None:
            if kind == "bash":
                name, tool_input = "Bash", {"command": argument, "description": "mock command"}
            else:
                name, tool_input = "Write", {"file_path": argument, "content": "mock\n"}
            block = {"type": "tool_use", "id": f"toolu_mock_{seq}", "name": name, "input": tool_input}
            stop_reason = "tool_use"
        else:
            text = f"{prefix}tool output: {tool_result}" if tool_result is not None else f"{prefix}{last}"
            block = {"type": "text", "text": text}
            stop_reason = "end_turn"
        delay = int(argument) / 1000 if kind == "slow" and argument.isdigit() else 0.0
        if body.get("stream"):
            self._stream(seq, body, block, stop_reason, hold=(kind == "hold"), delay=delay)
        else:
            self.send_json(200, self._message(seq, body, [block], stop_reason))

    @staticmethod
    def _usage(body: dict[str, Any], output: int) -> dict[str, Any]:
        return {
            "input_tokens": max(1, len(json.dumps(body.get("messages") or [])) // 4),
            "output_tokens": output,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }

    def _message(self, seq: int, body: dict[str, Any], content: list[dict[str, Any]],
                 stop_reason: str | None) -> dict[str, Any]:
        output = max(1, len(json.dumps(content)) // 4) if content else 1
        return {
            "id": f"msg_mock_{seq}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model") or "mock-model",
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": self._usage(body, output),
        }

    def _stream(self, seq: int, body: dict[str, Any], block: dict[str, Any], stop_reason: str,
                *, hold: bool, delay: float) -> None:
        def event(payload: dict[str, Any]) -> None:
            self.write_chunk(f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n".encode())

        outcome = "completed"
        self.start_stream(f"req_mock_{seq}")
        try:
            event({"type": "message_start", "message": self._message(seq, body, [], None)})
            if block["type"] == "text":
                event({"type": "content_block_start", "index": 0,
                       "content_block": {"type": "text", "text": ""}})
                for index, chunk in enumerate(split_chunks(block["text"], self.delta_chunks)):
                    if delay:
                        time.sleep(delay)
                    event({"type": "content_block_delta", "index": 0,
                           "delta": {"type": "text_delta", "text": chunk}})
                    if hold and index == 0:
                        outcome = self.hold()
                        if outcome == "client-disconnected":
                            raise ClientGone
            else:
                event({"type": "content_block_start", "index": 0,
                       "content_block": {**block, "input": {}}})
                event({"type": "content_block_delta", "index": 0,
                       "delta": {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}})
            event({"type": "content_block_stop", "index": 0})
            output = max(1, len(json.dumps(block)) // 4)
            event({"type": "message_delta",
                   "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                   "usage": {"output_tokens": output}})
            event({"type": "message_stop"})
            self.write_chunk(b"")
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            outcome = "client-disconnected"
            self.close_connection = True
        self.log_stream_end(seq, outcome)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--delta-chunks", type=int, default=4, help="text deltas per reply")
    options = parser.parse_args(argv)
    Handler.delta_chunks = max(1, options.delta_chunks)
    return serve(Handler, options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

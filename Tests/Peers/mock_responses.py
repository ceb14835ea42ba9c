#!/usr/bin/env python3
"""Loopback stand-in for the OpenAI Responses API, for driving real coding agents offline.

Listens on 127.0.0.1 only (ephemeral port unless --port is given) and never opens an outbound
connection. Every `POST .../responses` is answered with a streamed (SSE) model reply built from
the request itself, so a test can see what the agent sent:

    response.created -> response.output_item.added -> response.output_text.delta (several)
    -> response.output_item.done -> response.completed

The reply text is `<prefix><last user text>`, with the default prefix `mock#<N>: ` where N is the
number of user messages (excluding agent-injected context such as <environment_context>) in the
request's `input`; a resumed conversation therefore answers with a higher N, and the full request
bodies in the JSONL log show the history that was sent.

Directives inside the last user message change the reply (they stay in the echoed text):
    [[hold]]          send the first delta, then keep the stream open until the client
                      disconnects (e.g. the turn was interrupted) or --hold-timeout passes
    [[run:COMMAND]]   answer with a shell tool call running COMMAND (the tool name and
                      argument shape are taken from the request's `tools`); the follow-up
                      request carrying the tool output is answered with that output echoed
    [[status:CODE]]   answer with HTTP status CODE and a JSON error body instead of a stream

Log (--log FILE, JSON Lines): one {"kind": "request", ...} line per request with method, path,
headers (authorization redacted) and the parsed body, and one {"kind": "stream-end", ...} line
when a streamed reply ends, with "outcome" one of completed, client-disconnected, hold-timeout.

Usage: mock_responses.py [--port-file FILE] [--log FILE] [--prefix TEXT] [--hold-timeout S]
                         [--delta-chunks N] [--lifetime S] [--port N]
The port is printed on stdout as a single line once the socket is listening; --port-file gets
the same number, written atomically (rename) so readers never see a partial file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from dataclasses import dataclass
from typing import Any

from loopback_http import ClientGone, MockHandler, add_server_arguments, serve, split_chunks

DIRECTIVE = re.compile(r"\[\[(hold|run|status)(?::([^\]]*))?\]\]")
# Shell tools in the order we prefer them when a request offers several; the value is how the
# command is passed in that tool's JSON arguments.
SHELL_TOOLS = {
    "shell_command": lambda cmd: {"command": cmd},
    "exec_command": lambda cmd: {"cmd": cmd},
    "shell": lambda cmd: {"command": ["bash", "-lc", cmd]},
}


@dataclass(frozen=True)
class Settings:
    prefix: str | None
    delta_chunks: int


def message_texts(item: dict[str, Any]) -> list[str]:
    content = item.get("content")
    if isinstance(content, str):
        return [content]
    if not isinstance(content, list):
        return []
    return [part.get("text", "") for part in content if isinstance(part, dict) and "text" in part]


def is_injected_context(text: str) -> bool:
    """Codex sends its environment/instructions as user-role messages wrapped in a tag or a
    markdown header; those are not things the user typed."""
    stripped = text.lstrip()
    return stripped.startswith("<") or stripped.startswith("# AGENTS.md")


def user_messages(body: dict[str, Any]) -> list[str]:
    texts = []
    for item in body.get("input") or []:
        if not isinstance(item, dict) or item.get("role") != "user":
            continue
        if item.get("type", "message") != "message":
            continue
        text = "".join(message_texts(item))
        if text and not is_injected_context(text):
            texts.append(text)
    return texts


def pending_tool_output(body: dict[str, Any]) -> str | None:
    """The output of the tool call we asked for, when it is the newest input item."""
    items = body.get("input") or []
    if not items or not isinstance(items[-1], dict):
        return None
    last = items[-1]
    if last.get("type") not in ("function_call_output", "custom_tool_call_output"):
        return None
    output = last.get("output")
    if isinstance(output, str):
        return output
    return json.dumps(output, ensure_ascii=False)


def shell_call(body: dict[str, Any], command: str) -> tuple[str, str]:
    offered = {tool.get("name") for tool in body.get("tools") or [] if isinstance(tool, dict)}
    for name, arguments in SHELL_TOOLS.items():
        if name in offered:
            return name, json.dumps(arguments(command))
    raise LookupError(f"request offers no shell tool (offered: {sorted(n for n in offered if n)})")


class Handler(MockHandler):
    server_version = "mock-responses/1"
    settings: Settings

    def do_GET(self) -> None:  # noqa: N802
        seq = self.log.next_seq()
        self.log.write(self.record(seq, None))
        error = {"message": f"mock has no {self.path}", "type": "not_found"}
        self.send_json(404, {"error": error})

    def do_POST(self) -> None:  # noqa: N802
        seq = self.log.next_seq()
        body = self.read_json_body(seq)
        if body is None:
            return
        if not self.path.rstrip("/").endswith("/responses"):
            self.send_json(404, {"error": {"message": f"mock has no {self.path}"}})
            return
        self._respond(seq, body)

    def _respond(self, seq: int, body: dict[str, Any]) -> None:
        users = user_messages(body)
        last = users[-1] if users else ""
        directive = DIRECTIVE.search(last)
        kind, argument = (directive.group(1), directive.group(2) or "") if directive else ("", "")
        prefix = self.settings.prefix if self.settings.prefix is not None else f"mock#{len(users)}: "
        tool_output = pending_tool_output(body)

        if kind == "status":
            code = int(argument) if argument.isdigit() else 500
            error = {"message": f"mock status {code}", "type": "mock_error"}
            self.send_json(code, {"error": error})
            return
        if kind == "run" and tool_output is None:
            try:
                name, arguments = shell_call(body, argument)
            except LookupError as error:
                self.send_json(400, {"error": {"message": str(error)}})
                return
            self._stream(seq, body, text=None, tool_call=(name, arguments), hold=False)
            return
        if tool_output is not None:
            text = f"{prefix}tool output: {tool_output}"
        else:
            text = f"{prefix}{last}"
        self._stream(seq, body, text=text, tool_call=None, hold=(kind == "hold"))

    def _stream(
        self,
        seq: int,
        body: dict[str, Any],
        *,
        text: str | None,
        tool_call: tuple[str, str] | None,
        hold: bool,
    ) -> None:
        response_id = f"resp_mock_{seq}"
        model = body.get("model") or "mock-model"
        created = int(time.time())
        sequence = itertools.count(0)
        outcome = "completed"

        def response(status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
            result: dict[str, Any] = {
                "id": response_id,
                "object": "response",
                "created_at": created,
                "status": status,
                "model": model,
                "output": output,
            }
            if status == "completed":
                input_tokens = len(json.dumps(body.get("input") or [])) // 4
                output_tokens = max(1, len(text or "") // 4)
                result["usage"] = {
                    "input_tokens": input_tokens,
                    "input_tokens_details": {"cached_tokens": 0},
                    "output_tokens": output_tokens,
                    "output_tokens_details": {"reasoning_tokens": 0},
                    "total_tokens": input_tokens + output_tokens,
                }
            return result

        def event(payload: dict[str, Any]) -> None:
            payload = {"type": payload.pop("type"), "sequence_number": next(sequence), **payload}
            self.write_chunk(f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n".encode())

        self.start_stream(f"req_mock_{seq}")
        try:
            event({"type": "response.created", "response": response("in_progress", [])})
            if tool_call is not None:
                name, arguments = tool_call
                item = {
                    "type": "function_call",
                    "id": f"fc_mock_{seq}",
                    "call_id": f"call_mock_{seq}",
                    "name": name,
                    "arguments": arguments,
                    "status": "completed",
                }
                pending = {**item, "arguments": "", "status": "in_progress"}
                event({"type": "response.output_item.added", "output_index": 0, "item": pending})
                event({"type": "response.output_item.done", "output_index": 0, "item": item})
                event({"type": "response.completed", "response": response("completed", [item])})
            else:
                item_id = f"msg_mock_{seq}"
                message = {"type": "message", "id": item_id, "role": "assistant",
                           "status": "in_progress", "content": []}
                event({"type": "response.output_item.added", "output_index": 0, "item": message})
                for index, chunk in enumerate(split_chunks(text or "", self.settings.delta_chunks)):
                    event({"type": "response.output_text.delta", "item_id": item_id,
                           "output_index": 0, "content_index": 0, "delta": chunk})
                    if hold and index == 0:
                        outcome = self.hold()
                        if outcome == "client-disconnected":
                            raise ClientGone
                part = {"type": "output_text", "text": text, "annotations": []}
                done = {**message, "status": "completed", "content": [part]}
                event({"type": "response.output_item.done", "output_index": 0, "item": done})
                event({"type": "response.completed", "response": response("completed", [done])})
            self.write_chunk(b"")
        except (ClientGone, BrokenPipeError, ConnectionResetError):
            outcome = "client-disconnected"
            self.close_connection = True
        self.log_stream_end(seq, outcome)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser)
    parser.add_argument("--prefix", help="reply prefix (default: 'mock#<user message count>: ')")
    parser.add_argument("--delta-chunks", type=int, default=4, help="output_text.delta events per reply")
    options = parser.parse_args(argv)

    Handler.settings = Settings(options.prefix, max(1, options.delta_chunks))
    return serve(Handler, options)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

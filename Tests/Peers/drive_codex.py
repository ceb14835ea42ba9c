#!/usr/bin/env python3
"""Drives the real `codex app-server` over stdio against the loopback Responses mock.

Runs a fixed series of scenarios and checks what codex does, recording every JSON line in both
directions so the protocol can be read afterwards:

  first-turn      a request before initialize; initialize -> initialized -> thread/start ->
                  turn/start -> turn/completed
  resume          close codex (stdin EOF), start a new process, thread/resume, second turn;
                  the mock must receive the first turn's text and reply in the second request
  resume-unknown  thread/resume of a made-up (well-formed) thread id and of a malformed one
  interrupt       turn/interrupt while the mock holds the model stream open; then a turn after it
  crash-resume    SIGKILL codex between turns, start a new process, thread/resume, one more turn
  approval        approvalPolicy "untrusted": the model runs a command (answered accept, decline,
                  cancel) and writes a file by apply_patch (accept, decline); "never" asks nothing
  model-switch    turn/start with a `model` override, then a turn without one
  busy            turn/start while a turn is running (codex steers it into the running turn)
  model-error     the mock answers HTTP 400; the turn must fail with a readable error
  stop-mid-turn   stdin EOF while a turn streams; a new process resumes and continues

Nothing leaves the machine: codex is pointed at the mock on 127.0.0.1 with a throwaway HOME and
CODEX_HOME. With --isolate the whole run happens in a fresh network namespace that has only a
loopback interface (needs unshare(1) and user or root privileges for namespaces).

Usage: drive_codex.py [--codex PATH] [--workdir DIR] [--isolate] [--verbose]
Writes into the work directory: transcript.jsonl (every message, both directions), mock.jsonl
(every request codex made to the mock), codex-<n>.stderr, report.json (observations + checks).
Exit status 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import fcntl
import itertools
import json
import os
import queue
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MOCK = HERE / "mock_responses.py"
WAIT = 30.0  # seconds any single expected message may take; codex answers in well under 1 s


class DriverError(Exception):
    """A scenario could not proceed (codex died, a message never came)."""


class Transcript:
    """Every message in both directions, as JSON lines, with the time since the run started."""

    def __init__(self, path: Path, verbose: bool) -> None:
        self._file = path.open("w", encoding="utf-8")
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._verbose = verbose

    def elapsed(self) -> float:
        return round(time.monotonic() - self._start, 3)

    def write(self, peer: str, direction: str, payload: Any) -> None:
        record = {"t": self.elapsed(), "peer": peer, "dir": direction, "msg": payload}
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
        if self._verbose:
            print(line[:300], file=sys.stderr)


ServerRequestHandler = Callable[[dict[str, Any]], dict[str, Any]]


class AppServer:
    """One `codex app-server` process spoken to over stdin/stdout, one JSON object per line."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path,
                 stderr_path: Path, transcript: Transcript) -> None:
        self.name = name
        self.transcript = transcript
        self.stderr_path = stderr_path
        self.on_server_request: ServerRequestHandler | None = None
        self.server_requests: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr = stderr_path.open("w", encoding="utf-8")
        transcript.write(name, "spawn", {"argv": argv})
        self.spawned_at = time.monotonic()
        self.process = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env=env, cwd=cwd, text=True, encoding="utf-8", bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                message = {"unparsed": line}
            self.transcript.write(self.name, "recv", message)
            self._inbox.put(message)
        self._inbox.put(None)

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.transcript.write(self.name, "send", message)
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError as error:
            raise DriverError(f"{self.name}: stdin closed ({error}); see {self.stderr_path}") from error

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def send_request(self, method: str, params: dict[str, Any]) -> int:
        """Sends a request without waiting; the response arrives like any other message."""
        request_id = next(self._ids)
        self.send({"id": request_id, "method": method, "params": params})
        return request_id

    def request(self, method: str, params: dict[str, Any], seen: list[dict[str, Any]] | None = None,
                timeout: float = WAIT) -> dict[str, Any]:
        """Sends a request and returns its response message (with "result" or "error");
        notifications that arrive meanwhile are appended to `seen`."""
        request_id = self.send_request(method, params)
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, seen, timeout,
                             f"response to {method}")

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], seen: list[dict[str, Any]] | None,
                 timeout: float, what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = self._inbox.get(timeout=remaining)
            except queue.Empty:
                break
            if message is None:
                self._inbox.put(None)
                raise DriverError(f"{self.name} exited (status {self.process.poll()}) while waiting "
                                  f"for {what}; see {self.stderr_path}")
            if "method" in message and "id" in message:
                self._answer(message)
            if seen is not None:
                seen.append(message)
            if predicate(message):
                return message
        raise DriverError(f"{self.name}: no {what} within {timeout:.0f}s")

    def _answer(self, request: dict[str, Any]) -> None:
        self.server_requests.append(request)
        if self.on_server_request is None:
            self.send({"id": request["id"], "error": {"code": -32601,
                                                       "message": "driver does not handle this"}})
            return
        self.send({"id": request["id"], "result": self.on_server_request(request)})

    def close_stdin(self, timeout: float = 10.0) -> dict[str, Any]:
        """Graceful stop: EOF on stdin. Returns exit status and how long exiting took."""
        assert self.process.stdin is not None
        started = time.monotonic()
        self.process.stdin.close()
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
            self.transcript.write(self.name, "exit", {"status": status, "note": "killed after EOF timeout"})
            return {"status": status, "exited_on_eof": False}
        seconds = round(time.monotonic() - started, 3)
        self.transcript.write(self.name, "exit", {"status": status, "seconds_after_eof": seconds})
        return {"status": status, "exited_on_eof": True, "seconds_after_eof": seconds}

    def kill(self) -> int:
        self.process.kill()
        status = self.process.wait()
        self.transcript.write(self.name, "exit", {"status": status, "note": "SIGKILL"})
        return status

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


class Mock:
    """The loopback Responses mock as a child process."""

    def __init__(self, workdir: Path, hold_timeout: float) -> None:
        self.log = workdir / "mock.jsonl"
        port_file = workdir / "mock.port"
        self.process = subprocess.Popen(
            [sys.executable, str(MOCK), "--port-file", str(port_file), "--log", str(self.log),
             "--hold-timeout", str(hold_timeout), "--lifetime", "600"],
            stdout=subprocess.DEVNULL, stderr=(workdir / "mock.stderr").open("w"),
        )
        deadline = time.monotonic() + 10
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise DriverError(f"mock did not start; see {workdir / 'mock.stderr'}")
            time.sleep(0.02)
        self.port = int(port_file.read_text().strip())

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line]

    def requests(self) -> list[dict[str, Any]]:
        return [r for r in self.records() if r["kind"] == "request"]

    def wait_stream_end(self, seq: int, timeout: float = 10.0) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.records():
                if record["kind"] == "stream-end" and record["seq"] == seq:
                    return record["outcome"]
            time.sleep(0.05)
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Run:
    """State shared by the scenarios: the mock, the codex processes, the checks."""

    def __init__(self, codex: Path, workdir: Path, verbose: bool) -> None:
        self.codex = codex
        self.workdir = workdir
        self.project = workdir / "project"
        self.project.mkdir(parents=True, exist_ok=True)
        (workdir / "home").mkdir(exist_ok=True)
        (workdir / "codex-home").mkdir(exist_ok=True)
        self.transcript = Transcript(workdir / "transcript.jsonl", verbose)
        self.mock = Mock(workdir, hold_timeout=20.0)
        self.servers: list[AppServer] = []
        self.checks: list[dict[str, Any]] = []
        self.observations: dict[str, Any] = {}
        self.thread_id = ""

    # -- processes -------------------------------------------------------------------------

    def argv(self) -> list[str]:
        provider = (f'{{name="mock", base_url="http://127.0.0.1:{self.mock.port}/v1", '
                    'wire_api="responses", requires_openai_auth=false, '
                    'request_max_retries=0, stream_max_retries=0}')
        # `plugins` is the only feature that reaches out on its own (it resolves chatgpt.com and
        # api.github.com at startup to sync plugin marketplaces); nothing else contacts the net.
        return [str(self.codex), "app-server", "--disable", "plugins",
                "-c", "model_provider=mock",
                "-c", f"model_providers.mock={provider}"]

    def env(self) -> dict[str, str]:
        # A minimal environment: nothing from the caller's shell (API keys, proxies, RUST_LOG)
        # may change what codex does.
        # The wheel's codex-path (rg) and codex-resources (bwrap) go first on PATH, as the
        # packaged SDKs do; without bwrap on PATH codex warns on every start.
        package = self.codex.resolve().parent.parent
        bundled = [str(package / d) for d in ("codex-path", "codex-resources") if (package / d).is_dir()]
        return {
            "PATH": os.pathsep.join(bundled + [os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(self.workdir / "home"),
            "CODEX_HOME": str(self.workdir / "codex-home"),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
        }

    def spawn(self) -> AppServer:
        name = f"codex-{len(self.servers) + 1}"
        server = AppServer(name, self.argv(), self.env(), self.project,
                           self.workdir / f"{name}.stderr", self.transcript)
        self.servers.append(server)
        return server

    def handshake(self, server: AppServer) -> dict[str, Any]:
        seen: list[dict[str, Any]] = []
        response = server.request("initialize", {
            "clientInfo": {"name": "agentws", "title": "agentws", "version": "0.0.0"},
            "capabilities": None,
        }, seen)
        server.notify("initialized")
        ready = round(time.monotonic() - server.spawned_at, 3)
        return {"response": response, "notifications": seen, "seconds_to_initialize": ready}

    # -- helpers ---------------------------------------------------------------------------

    def check(self, name: str, ok: bool, detail: Any = None) -> bool:
        self.checks.append({"check": name, "ok": bool(ok), "detail": detail})
        print(f"{'ok  ' if ok else 'FAIL'} {name}" + ("" if ok else f": {detail}"), file=sys.stderr)
        return bool(ok)

    def thread_params(self, **overrides: Any) -> dict[str, Any]:
        params = {"cwd": str(self.project), "model": "mock-model",
                  "approvalPolicy": "never", "sandbox": "read-only"}
        params.update(overrides)
        return params

    def run_turn(self, server: AppServer, thread_id: str, text: str,
                 on_message: Callable[[dict[str, Any], str], None] | None = None,
                 **overrides: Any) -> dict[str, Any]:
        """turn/start (with optional per-turn overrides such as model), then everything up to
        this turn's turn/completed."""
        seen: list[dict[str, Any]] = []
        response = server.request("turn/start", {
            "threadId": thread_id,
            "input": [{"type": "text", "text": text, "text_elements": []}],
            **overrides,
        }, seen)
        if "error" in response:
            return {"response": response, "notifications": seen, "completed": None}
        turn_id = response["result"]["turn"]["id"]

        def done(message: dict[str, Any]) -> bool:
            if on_message is not None:
                on_message(message, turn_id)
            return (message.get("method") == "turn/completed"
                    and message["params"]["turn"]["id"] == turn_id)

        # Messages that arrived before the turn/start response still count.
        completed = next((m for m in seen if done(m)), None)
        if completed is None:
            completed = server.wait_for(done, seen, WAIT, f"turn/completed for {turn_id}")
        return {"response": response, "notifications": seen, "completed": completed, "turn_id": turn_id}

    @staticmethod
    def reply_text(turn: dict[str, Any]) -> tuple[str, str]:
        """(concatenated agentMessage deltas, final agentMessage item text) of a turn."""
        deltas = "".join(m["params"]["delta"] for m in turn["notifications"]
                         if m.get("method") == "item/agentMessage/delta")
        finals = [m["params"]["item"]["text"] for m in turn["notifications"]
                  if m.get("method") == "item/completed" and m["params"]["item"]["type"] == "agentMessage"]
        return deltas, "".join(finals)

    @staticmethod
    def methods(messages: list[dict[str, Any]]) -> list[str]:
        return [m.get("method", f"<response {m.get('id')}>") for m in messages]

    @staticmethod
    def input_texts(request: dict[str, Any]) -> list[str]:
        texts = []
        for item in request["body"].get("input") or []:
            for part in item.get("content") or []:
                if isinstance(part, dict) and "text" in part:
                    texts.append(part["text"])
        return texts

    @staticmethod
    def tool_outputs(request: dict[str, Any]) -> list[Any]:
        return [item.get("output") for item in request["body"].get("input") or []
                if item.get("type") in ("function_call_output", "custom_tool_call_output")]

    # -- scenarios -------------------------------------------------------------------------

    def first_turn(self) -> AppServer:
        server = self.spawn()
        early = server.request("thread/start", self.thread_params())
        self.observations["request before initialize"] = early
        self.check("a request before initialize is refused", "error" in early, early)
        hello = self.handshake(server)
        self.observations["initialize"] = hello
        self.check("initialize answers with a result", "result" in hello["response"], hello["response"])

        seen: list[dict[str, Any]] = []
        started = server.request("thread/start", self.thread_params(), seen)
        self.observations["thread/start"] = {"response": started, "notifications": seen}
        if not self.check("thread/start answers with a thread", "result" in started, started):
            raise DriverError("thread/start failed")
        self.thread_id = started["result"]["thread"]["id"]

        turn = self.run_turn(server, self.thread_id, "first turn: remember the word PELICAN")
        self.observations["first-turn"] = turn | {"methods": self.methods(turn["notifications"])}
        deltas, final = self.reply_text(turn)
        expected = "mock#1: first turn: remember the word PELICAN"
        self.check("first turn streams the mock's reply as deltas", deltas == expected, deltas)
        self.check("first turn's agentMessage item carries the whole reply", final == expected, final)
        self.check("first turn completes", turn["completed"]["params"]["turn"]["status"] == "completed",
                   turn["completed"])
        return server

    def resume(self, first: AppServer) -> AppServer:
        self.observations["graceful-exit"] = first.close_stdin()
        self.check("codex exits on stdin EOF", self.observations["graceful-exit"]["exited_on_eof"],
                   self.observations["graceful-exit"])

        server = self.spawn()
        self.handshake(server)
        seen: list[dict[str, Any]] = []
        resumed = server.request("thread/resume", {"threadId": self.thread_id, "cwd": str(self.project)}, seen)
        self.observations["thread/resume"] = {"response": resumed, "notifications": seen}
        if not self.check("thread/resume of the first thread succeeds", "result" in resumed, resumed):
            raise DriverError("thread/resume failed")
        self.check("resumed thread keeps its id", resumed["result"]["thread"]["id"] == self.thread_id)

        before = len(self.mock.requests())
        turn = self.run_turn(server, self.thread_id, "second turn: which word?")
        self.observations["second-turn"] = turn | {"methods": self.methods(turn["notifications"])}
        _, final = self.reply_text(turn)
        self.check("second turn's reply counts two user messages", final == "mock#2: second turn: which word?", final)
        new = self.mock.requests()[before:]
        texts = self.input_texts(new[-1]) if new else []
        self.check("second request to the model carries the first turn's text",
                   "first turn: remember the word PELICAN" in texts, texts[-6:])
        self.check("second request to the model carries the first reply",
                   "mock#1: first turn: remember the word PELICAN" in texts, texts[-6:])
        return server

    def resume_unknown(self, server: AppServer) -> None:
        made_up = str(uuid.uuid4())
        response = server.request("thread/resume", {"threadId": made_up})
        self.observations["thread/resume unknown"] = {"threadId": made_up, "response": response}
        self.check("thread/resume of an unknown thread fails", "error" in response, response)
        response = server.request("thread/resume", {"threadId": "not-a-thread-id"})
        self.observations["thread/resume malformed"] = {"threadId": "not-a-thread-id", "response": response}
        self.check("thread/resume of a malformed id fails", "error" in response, response)

    def interrupt(self, server: AppServer) -> None:
        requests_before = len(self.mock.requests())
        interrupt_id: list[int] = []

        # Interrupt as soon as the first delta shows the model stream is open (and held).
        def on_message(message: dict[str, Any], turn_id: str) -> None:
            if message.get("method") == "item/agentMessage/delta" and not interrupt_id:
                interrupt_id.append(server.send_request(
                    "turn/interrupt", {"threadId": self.thread_id, "turnId": turn_id}))

        turn = self.run_turn(server, self.thread_id, "third turn [[hold]] keep streaming", on_message)
        answered = lambda m: bool(interrupt_id) and m.get("id") == interrupt_id[0] and "method" not in m
        interrupt_response = next((m for m in turn["notifications"] if answered(m)), None)
        if interrupt_response is None and interrupt_id:
            interrupt_response = server.wait_for(answered, turn["notifications"], WAIT, "turn/interrupt response")
        interrupt_response = interrupt_response or {}
        self.observations["interrupt"] = turn | {
            "interrupt_response": interrupt_response,
            "methods": self.methods(turn["notifications"]),
        }
        self.check("turn/interrupt answers {}", interrupt_response.get("result") == {}, interrupt_response)
        completed = turn["completed"]["params"]["turn"]
        self.check("interrupted turn completes with status interrupted", completed["status"] == "interrupted",
                   completed)
        held_request = self.mock.requests()[requests_before:]
        outcome = self.mock.wait_stream_end(held_request[0]["seq"]) if held_request else None
        self.observations["interrupt"]["mock_stream_outcome"] = outcome
        self.check("codex hangs up the model stream on interrupt", outcome == "client-disconnected", outcome)

        before = len(self.mock.requests())
        after = self.run_turn(server, self.thread_id, "fourth turn after the interrupt")
        self.observations["after-interrupt"] = after | {"methods": self.methods(after["notifications"])}
        _, final = self.reply_text(after)
        self.check("a turn after an interrupt works", after["completed"]["params"]["turn"]["status"] == "completed",
                   final)
        new = self.mock.requests()[before:]
        self.observations["after-interrupt"]["model_input_tail"] = self.input_texts(new[-1])[-4:] if new else []

    def crash_resume(self, server: AppServer) -> AppServer:
        self.observations["sigkill-status"] = server.kill()
        fresh = self.spawn()
        self.handshake(fresh)
        seen: list[dict[str, Any]] = []
        resumed = fresh.request("thread/resume", {"threadId": self.thread_id, "excludeTurns": True}, seen)
        turns = resumed.get("result", {}).get("thread", {}).get("turns", [])
        self.observations["crash-resume"] = {
            "response_turn_statuses": [t.get("status") for t in turns],
            "error": resumed.get("error"),
            "notification_methods": self.methods(seen),
        }
        self.check("thread/resume after SIGKILL succeeds", "result" in resumed, resumed.get("error"))
        turn = self.run_turn(fresh, self.thread_id, "fifth turn after a crash")
        _, final = self.reply_text(turn)
        self.check("a turn after a crash-resume sees all five user messages",
                   final == "mock#5: fifth turn after a crash", final)
        return fresh

    def approval(self, server: AppServer) -> None:
        decision = {"value": "decline"}

        def decide(request: dict[str, Any]) -> dict[str, Any]:
            if request["method"] in ("item/commandExecution/requestApproval",
                                     "item/fileChange/requestApproval"):
                return {"decision": decision["value"]}
            return {}

        server.on_server_request = decide
        threads = {}
        for policy in ("untrusted", "never"):
            started = server.request("thread/start", self.thread_params(approvalPolicy=policy,
                                                                         sandbox="workspace-write"))
            if not self.check(f"thread with approvalPolicy {policy} starts", "result" in started, started):
                return
            threads[policy] = started["result"]["thread"]["id"]

        def add_file(name: str) -> str:
            # A shell apply_patch heredoc: codex intercepts it and runs it as a fileChange item.
            return (f"apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: {name}\n+written by codex\n"
                    "*** End Patch\nEOF")

        command = "item/commandExecution/requestApproval"
        file_change = "item/fileChange/requestApproval"
        # label: (policy, command, decision, expected server requests, turn status, file)
        cases = {
            "command accept": ("untrusted", "touch accepted.txt", "accept", [command], "completed", "accepted.txt"),
            "command decline": ("untrusted", "touch declined.txt", "decline", [command], "completed", "declined.txt"),
            "command cancel": ("untrusted", "touch cancelled.txt", "cancel", [command], "interrupted", "cancelled.txt"),
            "patch accept": ("untrusted", add_file("patched.txt"), "accept", [file_change], "completed", "patched.txt"),
            "patch decline": ("untrusted", add_file("unpatched.txt"), "decline", [file_change], "completed",
                              "unpatched.txt"),
            "never asks": ("never", "touch unasked.txt", "decline", [], "completed", "unasked.txt"),
        }
        results = {}
        for label, (policy, shell, value, expected_requests, expected_status, file_name) in cases.items():
            decision["value"] = value
            count = len(server.server_requests)
            before = len(self.mock.requests())
            turn = self.run_turn(server, threads[policy], f"[[run:{shell}]]")
            asked = server.server_requests[count:]
            new = self.mock.requests()[before:]
            status = turn["completed"]["params"]["turn"]["status"]
            should_exist = value == "accept" or not expected_requests
            results[label] = turn | {
                "server_requests": asked,
                "methods": self.methods(turn["notifications"]),
                "model_requests": len(new),
                # The newest tool output in the last request is the one this turn produced.
                "tool_output_sent_to_model": self.tool_outputs(new[-1])[-1] if len(new) > 1 else None,
                "file_exists": (self.project / file_name).exists(),
            }
            self.check(f"{label}: server requests {expected_requests}",
                       [r["method"] for r in asked] == expected_requests, [r["method"] for r in asked])
            self.check(f"{label}: turn ends {expected_status}", status == expected_status, status)
            self.check(f"{label}: {file_name} {'written' if should_exist else 'not written'}",
                       results[label]["file_exists"] == should_exist)
        self.observations["approval"] = results
        server.on_server_request = None

    def model_switch(self, server: AppServer) -> None:
        before = len(self.mock.requests())
        switched = self.run_turn(server, self.thread_id, "sixth turn on another model", model="mock-model-b")
        following = self.run_turn(server, self.thread_id, "seventh turn, no model given")
        models = [r["body"].get("model") for r in self.mock.requests()[before:]]
        self.observations["model-switch"] = {"models_sent": models,
                                             "methods": self.methods(switched["notifications"])}
        self.check("turn/start model override reaches the model and sticks", models == ["mock-model-b"] * 2, models)
        self.check("turns on the switched model complete",
                   [t["completed"]["params"]["turn"]["status"] for t in (switched, following)] == ["completed"] * 2)

    def busy(self, server: AppServer) -> None:
        """turn/start while a turn is running: observe whether codex refuses, queues or steers."""
        second: dict[str, Any] = {}

        def on_message(message: dict[str, Any], turn_id: str) -> None:
            if message.get("method") == "item/agentMessage/delta" and "id" not in second:
                second["id"] = server.send_request("turn/start", {
                    "threadId": self.thread_id,
                    "input": [{"type": "text", "text": "eighth turn sent while busy", "text_elements": []}]})
            elif "id" in second and message.get("id") == second["id"] and "method" not in message:
                second["response"] = message
                server.send_request("turn/interrupt", {"threadId": self.thread_id, "turnId": turn_id})

        before = len(self.mock.requests())
        turn = self.run_turn(server, self.thread_id, "busy turn [[hold]]", on_message)
        # Whatever the concurrent turn/start started must finish before the next scenario.
        extra: list[dict[str, Any]] = []
        response = second.get("response", {})
        other_turn = response.get("result", {}).get("turn", {}).get("id")
        if other_turn and other_turn != turn["turn_id"]:
            server.wait_for(lambda m: m.get("method") == "turn/completed"
                            and m["params"]["turn"]["id"] == other_turn, extra, WAIT, "second turn/completed")
        self.observations["busy"] = {
            "concurrent_turn_start_response": response,
            "first_turn_id": turn["turn_id"],
            "first_turn_status": turn["completed"]["params"]["turn"]["status"],
            "methods": self.methods(turn["notifications"] + extra),
            "model_inputs": [self.input_texts(r)[-3:] for r in self.mock.requests()[before:]],
        }
        self.check("concurrent turn/start is answered", bool(response), second)

    def stop_mid_turn(self, server: AppServer) -> AppServer:
        """Closing stdin while a turn streams: how codex exits, and what a resume then sees."""
        seen: list[dict[str, Any]] = []
        started = server.request("turn/start", {
            "threadId": self.thread_id,
            "input": [{"type": "text", "text": "ninth turn [[hold]] cut by a stop", "text_elements": []}],
        }, seen)
        server.wait_for(lambda m: m.get("method") == "item/agentMessage/delta", seen, WAIT, "first delta")
        exit_info = server.close_stdin()
        fresh = self.spawn()
        self.handshake(fresh)
        resumed = fresh.request("thread/resume", {"threadId": self.thread_id})
        turns = resumed.get("result", {}).get("thread", {}).get("turns", [])
        last = turns[-1] if turns else {}
        before = len(self.mock.requests())
        after = self.run_turn(fresh, self.thread_id, "tenth turn after the stop")
        new = self.mock.requests()[before:]
        self.observations["stop-mid-turn"] = {
            "turn_start_response": started,
            "exit": exit_info,
            "resumed_last_turn": last,
            "model_input_tail": self.input_texts(new[-1])[-4:] if new else [],
        }
        self.check("codex exits promptly on stdin EOF mid-turn", exit_info["exited_on_eof"], exit_info)
        self.check("a turn after a mid-turn stop completes",
                   after["completed"]["params"]["turn"]["status"] == "completed")
        return fresh

    def model_error(self, server: AppServer) -> None:
        started = server.request("thread/start", self.thread_params())
        thread_id = started["result"]["thread"]["id"]
        turn = self.run_turn(server, thread_id, "this one fails [[status:400]]")
        self.observations["model-error"] = turn | {"methods": self.methods(turn["notifications"])}
        status = turn["completed"]["params"]["turn"]["status"]
        self.check("a 400 from the model fails the turn", status == "failed", turn["completed"])
        # The thread reports status systemError after the failure; it must still take turns.
        again = self.run_turn(server, thread_id, "after the failure")
        self.observations["model-error"]["next_turn_methods"] = self.methods(again["notifications"])
        self.check("a thread takes turns again after a failed turn",
                   again["completed"]["params"]["turn"]["status"] == "completed", again["completed"])

    # -- whole run -------------------------------------------------------------------------

    def execute(self) -> None:
        try:
            first = self.first_turn()
            second = self.resume(first)
            self.resume_unknown(second)
            self.interrupt(second)
            third = self.crash_resume(second)
            self.approval(third)
            self.model_switch(third)
            self.busy(third)
            self.model_error(third)
            fourth = self.stop_mid_turn(third)
            self.observations["final-exit"] = fourth.close_stdin()
        except DriverError as error:
            self.check("scenarios ran to the end", False, str(error))
        finally:
            for server in self.servers:
                server.stop()
            self.mock.stop()
        self.observations["stderr"] = {s.name: s.stderr_path.read_text(errors="replace").splitlines()
                                       for s in self.servers}
        self.observations["mock_requests"] = [
            {"seq": r["seq"], "method": r["method"], "path": r["path"]} for r in self.mock.requests()]
        report = {"codex": str(self.codex), "checks": self.checks, "observations": self.observations}
        (self.workdir / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))


def default_codex() -> Path:
    if env := os.environ.get("CODEX_BIN"):
        return Path(env)
    script = REPO / "scripts" / "setup-test-agents"
    result = subprocess.run([str(script), "--print-codex"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"drive_codex: could not locate codex via {script}:\n{result.stderr}")
    return Path(result.stdout.strip())


def loopback_up() -> None:
    """A new network namespace starts with `lo` down; raise it with SIOCGIFFLAGS/SIOCSIFFLAGS."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, 0x8913, request))[1]
        fcntl.ioctl(sock, 0x8914, struct.pack("16sH14x", b"lo", flags | 0x1))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codex", type=Path, help="codex binary (default: $CODEX_BIN or scripts/setup-test-agents)")
    parser.add_argument("--workdir", type=Path, help="where to keep logs and codex state (default: a new temp dir)")
    parser.add_argument("--isolate", action="store_true", help="run inside a new loopback-only network namespace")
    parser.add_argument("--verbose", action="store_true", help="echo every message to stderr")
    options = parser.parse_args(argv)

    if options.isolate and os.environ.get("DRIVE_CODEX_ISOLATED") != "1":
        unshare = shutil.which("unshare")
        if unshare is None:
            raise SystemExit("drive_codex: --isolate needs unshare(1) (util-linux)")
        command = [unshare, "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
        command += [sys.executable, str(Path(__file__).resolve())] + argv
        return subprocess.run(command, env=os.environ | {"DRIVE_CODEX_ISOLATED": "1"}).returncode
    if os.environ.get("DRIVE_CODEX_ISOLATED") == "1":
        loopback_up()

    codex = options.codex or default_codex()
    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="drive-codex-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"drive_codex: codex {codex}; work directory {workdir}", file=sys.stderr)
    run = Run(codex, workdir.resolve(), options.verbose)
    run.execute()
    failed = [c for c in run.checks if not c["ok"]]
    print(f"{len(run.checks) - len(failed)} passed, {len(failed)} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main(sys.argv[1:]))

"""A broken ACP agent, to test that the acp plugin fails cleanly instead of hanging or crashing.

Usage: hostile_acp_agent.py BEHAVIOUR

It writes to stderr first (the plugin's error must quote its last stderr lines), then:
  exit-at-start        exits with status 3 before reading anything
  not-json             answers initialize with a line that is not JSON
  silent               reads everything and never answers (initialize times out)
  huge-line            answers initialize with one 2 MiB line
  exit-in-turn         behaves until session/prompt, then exits with status 4
  not-json-in-turn     behaves until session/prompt, then writes a line that is not JSON
  ask-client           in session/prompt, sends fs/read_text_file (not advertised by agentws) and
                       ends the turn with the error it got as the reply text
  usage                behaves, and answers session/prompt with ACP's `usage` (input 120 with 20
                       cached, output 7, thought 3, total 130) — not hostile, just scripted

Only the standard library: it is a stand-in for a broken program, not for an agent.
"""

import json
import sys
import time

behaviour = sys.argv[1]
sys.stderr.write(f"hostile agent starting ({behaviour})\n")
sys.stderr.write("hostile agent: last words before trouble\n")
sys.stderr.flush()

if behaviour == "exit-at-start":
    sys.exit(3)


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def answer(request, result):
    send({"jsonrpc": "2.0", "id": request["id"], "result": result})


pending = {}
for line in sys.stdin:
    message = json.loads(line)
    method = message.get("method")
    if method is None:
        pending[message.get("id")] = message
        continue
    if behaviour == "silent":
        continue
    if method == "initialize":
        if behaviour == "not-json":
            sys.stdout.write("Welcome to the hostile agent! (this is not JSON)\n")
            sys.stdout.flush()
            continue
        if behaviour == "huge-line":
            answer(message, {"protocolVersion": 1, "padding": "x" * (2 << 20)})
            continue
        answer(message, {"protocolVersion": 1, "agentCapabilities": {}})
    elif method == "session/new":
        answer(message, {"sessionId": "hostile-1"})
    elif method == "session/prompt":
        if behaviour == "exit-in-turn":
            sys.stderr.write("hostile agent: giving up in the middle of a turn\n")
            sys.stderr.flush()
            sys.exit(4)
        if behaviour == "not-json-in-turn":
            sys.stdout.write("Traceback (most recent call last): oops\n")
            sys.stdout.flush()
            time.sleep(60)
        if behaviour == "ask-client":
            send({"jsonrpc": "2.0", "id": "ask-1", "method": "fs/read_text_file",
                  "params": {"sessionId": "hostile-1", "path": "/etc/hostname"}})
            reply = None
            for reply_line in sys.stdin:
                reply = json.loads(reply_line)
                if reply.get("id") == "ask-1":
                    break
            text = json.dumps(reply.get("error") if reply else None)
            send({"jsonrpc": "2.0", "method": "session/update", "params": {
                "sessionId": "hostile-1",
                "update": {"sessionUpdate": "agent_message_chunk", "content": {"type": "text", "text": text}}}})
        if behaviour == "usage":
            answer(message, {"stopReason": "end_turn", "usage": {
                "inputTokens": 120, "outputTokens": 7, "thoughtTokens": 3, "totalTokens": 130,
                "cachedReadTokens": 20}})
            continue
        answer(message, {"stopReason": "end_turn"})
    elif "id" in message:
        send({"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": "Method not found"}})

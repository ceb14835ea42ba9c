"""Drives `agentws acp` with a real third-party ACP client: the `agent-client-protocol` Python SDK.

Usage: acp_client.py AGENTWS WORKSPACE THREAD in-process|daemon

Runs two client processes in a row against the workspace. The second one launches a new
`agentws acp` process: in-process, its session is resumed from the binding's cursor (the provider
conversation is started a second time); through a daemon, the daemon's session is still warm.

  1. initialize, session/new (thread id through _meta.agentws), a prompt whose reply streams in
     chunks, a model change through session/set_config_option, a prompt with a tool call, a slow
     prompt cancelled with session/cancel, session/list;
  2. initialize, session/resume, a prompt that continues the same conversation, session/fork into
     THREAD-fork and prompts on both (each goes on from the same turn on its own), session/close.

Every check raises on failure; the script prints one JSON line of what it saw and exits 0 only when
all of them held. Installed by scripts/setup-acp-client into .venv-acp.
"""

import asyncio
import json
import os
import sys

from acp import PROTOCOL_VERSION, spawn_agent_process, text_block
from acp.schema import ClientCapabilities, Implementation


class Recorder:
    """The client side: records every session/update; refuses anything it is asked to do."""

    def __init__(self):
        self.updates = []

    async def session_update(self, session_id, update, **kwargs):
        self.updates.append((session_id, update))

    async def request_permission(self, session_id, tool_call, options, **kwargs):
        raise RuntimeError("agentws asked for a permission; this test grants none")

    def take(self, session_id):
        mine = [update for sid, update in self.updates if sid == session_id]
        self.updates = [(sid, update) for sid, update in self.updates if sid != session_id]
        return mine


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def chunks(updates):
    return [u.content.text for u in updates if u.session_update == "agent_message_chunk"]


def agentws_meta(response):
    meta = response.field_meta or {}
    return meta.get("agentws", {})


async def connect(agentws, workspace, recorder):
    # stderr is inherited: agentws's own diagnostics end up in the test's output.
    return spawn_agent_process(
        recorder,
        agentws,
        "acp",
        cwd=workspace,
        env=dict(os.environ),
        transport_kwargs={"stderr": None},
    )


async def initialize(connection):
    init = await connection.initialize(
        protocol_version=PROTOCOL_VERSION,
        client_capabilities=ClientCapabilities(),
        client_info=Implementation(name="agentws-acp-test", version="1"),
    )
    check(init.protocol_version == 1, f"protocol version {init.protocol_version}")
    sessions = init.agent_capabilities.session_capabilities
    check(sessions.list is not None, "session/list is not advertised")
    check(sessions.resume is not None, "session/resume is not advertised")
    check(sessions.close is not None, "session/close is not advertised")
    check(sessions.fork is not None, "session/fork is not advertised")
    check(init.agent_info.name == "agentws", f"agent {init.agent_info}")
    return init


async def first_process(agentws, workspace, thread, seen):
    recorder = Recorder()
    async with await connect(agentws, workspace, recorder) as (connection, _process):
        await initialize(connection)

        new = await connection.new_session(cwd=workspace, mcp_servers=[], agentws={"thread": thread})
        check(new.session_id == thread, f"session id {new.session_id} is not the thread id {thread}")
        model = next(option for option in new.config_options if option.id == "model")
        check(model.current_value == "echo/echo-1", f"model option {model}")
        values = [option.value for option in model.options]
        check("echo/echo-2" in values, f"model choices {values}")

        first = await connection.prompt(session_id=thread, prompt=[text_block("hello there")])
        updates = recorder.take(thread)
        text = chunks(updates)
        check(first.stop_reason == "end_turn", f"stop reason {first.stop_reason}")
        check("".join(text) == "echo-1 turn 1 (start 1): hello there", f"reply {text}")
        check(len(text) > 1, f"the reply was not streamed: {text}")
        check(agentws_meta(first).get("start") == "fresh", f"prompt _meta {first.field_meta}")
        seen["streamedChunks"] = len(text)

        changed = await connection.set_config_option(config_id="model", session_id=thread, value="echo/echo-2")
        current = [option.current_value for option in changed.config_options if option.id == "model"]
        check(current == ["echo/echo-2"], f"model after set_config_option: {current}")

        tool = await connection.prompt(session_id=thread, prompt=[text_block("[echo:tool] with a tool")])
        updates = recorder.take(thread)
        calls = [u for u in updates if u.session_update == "tool_call"]
        check(len(calls) == 1 and calls[0].status == "completed", f"tool calls {updates}")
        check("".join(chunks(updates)) == "echo-2 turn 2 (start 1): with a tool", f"reply {chunks(updates)}")
        check(tool.stop_reason == "end_turn", f"stop reason {tool.stop_reason}")
        check(agentws_meta(tool).get("start") == "warm", f"prompt _meta {tool.field_meta}")

        slow = asyncio.create_task(
            connection.prompt(session_id=thread, prompt=[text_block("[echo:sleep 60000] too slow")])
        )
        # The cancel may overtake the turn's start; agentws interrupts the turn as soon as it starts.
        await asyncio.sleep(0.2)
        await connection.cancel(session_id=thread)
        cancelled = await asyncio.wait_for(slow, timeout=30)
        check(cancelled.stop_reason == "cancelled", f"stop reason after cancel {cancelled.stop_reason}")
        check(chunks(recorder.take(thread)) == [], "a cancelled turn replied")

        listed = await connection.list_sessions()
        mine = [session for session in listed.sessions if session.session_id == thread]
        check(len(mine) == 1, f"session/list: {listed.sessions}")
        check(mine[0].cwd == workspace, f"listed cwd {mine[0].cwd}")
        check((mine[0].field_meta or {}).get("agentws", {}).get("model") == "echo-2", f"listed {mine[0]}")


async def second_process(agentws, workspace, thread, mode, seen):
    recorder = Recorder()
    async with await connect(agentws, workspace, recorder) as (connection, _process):
        await initialize(connection)
        resumed = await connection.resume_session(session_id=thread, cwd=workspace)
        model = [option.current_value for option in resumed.config_options if option.id == "model"]
        check(model == ["echo/echo-2"], f"model after resume: {model}")

        again = await connection.prompt(session_id=thread, prompt=[text_block("back again")])
        text = "".join(chunks(recorder.take(thread)))
        # Turn 3 was the cancelled one: a message counts once the provider has accepted it.
        starts, how = (2, "resumed") if mode == "in-process" else (1, "warm")
        check(text == f"echo-2 turn 4 (start {starts}): back again", f"reply after resume {text!r}")
        check(again.stop_reason == "end_turn", f"stop reason {again.stop_reason}")
        check(agentws_meta(again).get("start") == how, f"prompt _meta after resume {again.field_meta}")
        seen["resumedWith"] = how

        # session/fork: a new session on a fork of the thread; both go on from turn 4 on their own.
        fork = thread + "-fork"
        forked = await connection.fork_session(session_id=thread, cwd=workspace, mcp_servers=[], agentws={"thread": fork})
        check(forked.session_id == fork, f"fork session id {forked.session_id}")
        check(agentws_meta(forked).get("parent") == thread, f"fork _meta {forked.field_meta}")
        model = [option.current_value for option in forked.config_options if option.id == "model"]
        check(model == ["echo/echo-2"], f"model of the fork: {model}")
        await connection.prompt(session_id=fork, prompt=[text_block("on the fork")])
        text = "".join(chunks(recorder.take(fork)))
        check(text.startswith("echo-2 turn 5 ") and text.endswith(": on the fork"), f"reply on the fork {text!r}")
        await connection.prompt(session_id=thread, prompt=[text_block("on the source")])
        text = "".join(chunks(recorder.take(thread)))
        check(text.startswith("echo-2 turn 5 ") and text.endswith(": on the source"), f"reply on the source {text!r}")
        await connection.prompt(session_id=fork, prompt=[text_block("fork again")])
        text = "".join(chunks(recorder.take(fork)))
        check(text.startswith("echo-2 turn 6 "), f"second reply on the fork {text!r}")
        seen["forked"] = fork

        await connection.close_session(session_id=fork)
        await connection.close_session(session_id=thread)


async def main():
    agentws, workspace, thread, mode = sys.argv[1:5]
    check(mode in ("in-process", "daemon"), f"mode {mode}")
    seen = {}
    await first_process(agentws, workspace, thread, seen)
    await second_process(agentws, workspace, thread, mode, seen)
    print(json.dumps({"ok": True, **seen}))


if __name__ == "__main__":
    asyncio.run(main())

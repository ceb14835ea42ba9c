"""Asks an ACP agent which sessions it keeps, with the ACP Python SDK as the client.

Usage: acp_list_sessions.py CWD PROGRAM [ARGUMENT...]

Starts PROGRAM (an ACP agent) in CWD, initializes it, calls session/list for CWD and prints one JSON
line: {"sessions": [{"sessionId": ..., "cwd": ..., "title": ...}, ...]}. Used by
Tests/AgentwsACPProviderTests to check what an agent itself says against what agentws bound. Runs
with the python of .venv-acp-agents (scripts/setup-test-agents), which has the SDK.
"""

import asyncio
import json
import os
import sys

from acp import PROTOCOL_VERSION, spawn_agent_process
from acp.schema import ClientCapabilities, Implementation


class Client:
    async def session_update(self, session_id, update, **kwargs):
        pass

    async def request_permission(self, session_id, tool_call, options, **kwargs):
        raise RuntimeError("session/list asks for no permission")


async def main():
    cwd, program, arguments = sys.argv[1], sys.argv[2], sys.argv[3:]
    async with spawn_agent_process(
        Client(), program, *arguments, cwd=cwd, env=dict(os.environ), transport_kwargs={"stderr": None}
    ) as (connection, _process):
        init = await connection.initialize(
            protocol_version=PROTOCOL_VERSION,
            client_capabilities=ClientCapabilities(),
            client_info=Implementation(name="agentws-acp-test", version="1"),
        )
        if init.agent_capabilities.session_capabilities.list is None:
            raise SystemExit(f"{program} does not advertise session/list")
        listed = await connection.list_sessions(cwd=cwd)
        sessions = [
            {"sessionId": item.session_id, "cwd": item.cwd, "title": item.title} for item in listed.sessions
        ]
        print(json.dumps({"sessions": sessions}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())

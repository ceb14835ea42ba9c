"""A one-tool MCP server (stdio) that the ACP agents under test are given through the acp plugin's
`mcp_servers` option, so that a real agent has a tool whose use needs the user's permission.

Tool `write_note(path, text)` writes TEXT to PATH. Runs with the python of .venv-acp-agents, whose
`mcp` package (2.x, a fast-agent dependency) provides the server.
"""

import pathlib

from mcp.server.mcpserver import MCPServer

server = MCPServer("notes")


@server.tool()
def write_note(path: str, text: str) -> str:
    """Writes text to a file."""
    pathlib.Path(path).write_text(text)
    return f"wrote {path}"


if __name__ == "__main__":
    server.run()

"""A pydantic-ai agent served over ACP by the third-party `pydantic-acp` adapter, offline.

Usage: pydantic_acp_agent.py SESSION_DIRECTORY

pydantic-acp is a library: every ACP message (initialize, session/new, resume, load, fork, list,
set_config_option, prompt, cancel, session/update) is handled by its code; this file only picks the
pieces, as any pydantic-acp agent must (the unstable protocol on, so that the session/fork it
advertises is served). The model is pydantic-ai's own FunctionModel, so nothing
leaves the machine: it answers `<model>#<n>: <prompt>`, where <model> is the model selected for the
session (two are offered, `echo-a` and `echo-b`, as a `model` config option) and <n> counts the user
messages in the conversation it was given — so a resumed or forked conversation shows its history.
Sessions are kept as files in SESSION_DIRECTORY (pydantic-acp's FileSessionStore).
"""

import sys
from pathlib import Path

import asyncio

from acp import run_agent
from pydantic_acp import AdapterConfig, AdapterModel, FileSessionStore, create_acp_agent
from pydantic_ai import Agent
from pydantic_ai.messages import ModelResponse, TextPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel


def echo_model(name):
    def answer(messages, info: AgentInfo):
        prompts = [
            part.content
            for message in messages
            for part in getattr(message, "parts", [])
            if isinstance(part, UserPromptPart)
        ]
        last = prompts[-1] if prompts else ""
        if not isinstance(last, str):
            last = " ".join(str(item) for item in last)
        return ModelResponse(parts=[TextPart(f"{name}#{len(prompts)}: {last}")])

    return FunctionModel(answer, model_name=name)


def main():
    store = Path(sys.argv[1])
    models = [
        AdapterModel(model_id=name, name=name, override=echo_model(name)) for name in ("echo-a", "echo-b")
    ]
    agent = Agent(echo_model("echo-a"), name="pydantic-echo")
    adapter = create_acp_agent(
        agent,
        config=AdapterConfig(
            agent_name="pydantic-echo",
            available_models=models,
            allow_model_selection=True,
            session_store=FileSessionStore(root=store),
        ),
    )
    # pydantic-acp advertises session/fork; the SDK routes it only with the unstable protocol on.
    asyncio.run(run_agent(adapter, use_unstable_protocol=True))


if __name__ == "__main__":
    main()

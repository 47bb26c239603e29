"""One task's run: route the model, build the provider chain and the run spec, run the loop.

Also what follows a run: facts learned from a completed task, the task's final status, the
``done`` event, and releasing its own MCP sessions.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from aura_core.agent.loop import RunOutcome, RunSpec, run_agent
from aura_core.agent.prepare import compose_system_prompt, context_window, learn_from_task
from aura_core.messages import Message
from aura_core.providers.base import Sampling
from aura_core.tasks import TaskRecord
from aura_core.tools.registry import ToolContext, ToolRegistry

if TYPE_CHECKING:
    from aura_core.engine import Engine

__all__ = ["run_task"]


def _first_user_message(messages: list[Message]) -> str:
    """The text of the task's first user message (what routing and memory look at)."""
    return next((m.content for m in messages if m.role == "user"), "")


async def run_task(engine: Engine, record: TaskRecord) -> RunOutcome:
    """Run ``record`` on ``engine`` to its end; every failure ends as events, not a traceback.

    Raises:
        asyncio.CancelledError: the run was cancelled (the task is marked ``interrupted``).
    """
    tasks = engine.store.tasks

    async def emit(type_, data):  # type: ignore[no-untyped-def]
        return await engine.bus.emit(record.id, type_, data, parent_id=record.parent_id,
                                     agent=record.agent)

    tasks.set_status(record.id, "executing")
    try:
        from aura_core.providers.chain import build_task_provider
        from aura_core.routing.router import route_new_task
        from aura_core.store.providers import provider_rows

        prompt = _first_user_message(tasks.messages(record.id))
        model_id, route = await route_new_task(
            record.id, record.model, prompt,
            config=engine.config, rows=provider_rows(engine.store), resolve=engine.resolve,
            default_model=engine.default_model(), subtask=record.parent_id is not None)
        provider, cost = build_task_provider(
            model_id, config=engine.config, store=engine.store, resolve=engine.resolve, emit=emit,
            health=getattr(engine, "health", None),
            sleep=getattr(engine, "retry_sleep", asyncio.sleep))
        model_name = provider.serving.model
        await emit("status", {"status": "executing", "model": model_id, **route})
        tools = engine.tools if record.mode != "chat" else ToolRegistry()
        if record.tool_names() is not None and record.mode != "chat":
            tools = tools.subset(record.tool_names() or [])
        root = Path(record.project_path)
        allowed = tuple(Path(p).expanduser() for p in (engine.config.get("tools.allowed_roots") or []))  # type: ignore[union-attr]
        spec = RunSpec(
            task_id=record.id, provider=provider, model=model_name,
            system_prompt=compose_system_prompt(
                root, record.mode, tools.names(), engine.config, engine.store.memory,  # type: ignore[arg-type]
                prompt),
            tools=tools,
            tool_ctx=ToolContext(
                root=root, allowed_roots=allowed, task_id=record.id,
                allow_network=bool(engine.config.get("tools.allow_network")),
                sandbox=bool(engine.config.get("tools.sandbox")),
            ),
            mode=record.mode,  # type: ignore[arg-type]
            max_steps=record.max_steps,
            max_concurrent_tools=int(engine.config.get("max_concurrent_tools") or 4),
            budget=record.budget,
            cost=cost,
            memory=engine.store.memory,
            approvals=engine.approvals,
            require_approval=engine.approval_tools(),
            context_window=context_window(provider.name, engine.config),
            project=record.project_path,
            sampling=Sampling(),
            thinking=str(engine.config.get("thinking") or "off"),  # type: ignore[arg-type]
        )
        provider.on_serve = lambda _id, _provider, name: setattr(spec, "model", name)
        outcome = await run_agent(spec, tasks, engine.store.usage, emit)
        if outcome.status == "completed":
            learned = await learn_from_task(
                task_id=record.id, project=record.project_path,
                messages=tasks.messages(record.id), memory=engine.store.memory,
                provider=provider, provider_name=provider.name, model=model_name,
                config=engine.config)
            if learned:
                await emit("status", {"status": "executing",
                                      "message": f"remembered {len(learned)} fact(s)"})
    except asyncio.CancelledError:
        tasks.set_status(record.id, "interrupted", reason="cancelled")
        await emit("done", {"status": "interrupted", "reason": "cancelled"})
        await engine.release_mcp(record.id)
        raise
    except Exception as exc:  # noqa: BLE001 - any failure must end as an event, not a traceback
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        outcome = RunOutcome("failed", reason=getattr(exc, "code", "internal").lower(),
                             error=message)
    if outcome.error:
        await emit("error", {"message": outcome.error, "code": (outcome.reason or "error").upper()})
    tasks.set_status(record.id, outcome.status, reason=outcome.reason, error=outcome.error)
    done: dict[str, object] = {"status": outcome.status}
    if outcome.reason:
        done["reason"] = outcome.reason
    if outcome.result:
        done["result"] = outcome.result
    await emit("done", done)  # type: ignore[arg-type]
    await engine.release_mcp(record.id)
    return outcome


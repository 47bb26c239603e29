"""Aura's task API over HTTP: the CLI's client of a remote ``aura serve``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from aura_core.errors import AuraError, NotFoundError, UsageError
from aura_core.events import Event

__all__ = ["RemoteClient", "RemoteSettings"]


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """Where the server is and how to authenticate."""

    url: str
    token: str | None = None


class RemoteClient:
    """Start, follow, resume and cancel tasks on a remote ``aura serve``.

    Event streams reconnect with ``Last-Event-ID`` when the connection drops, so a flaky
    network neither loses nor repeats events.
    """

    def __init__(
        self, settings: RemoteSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        headers = {"Authorization": f"Bearer {settings.token}"} if settings.token else {}
        self.url = settings.url.rstrip("/")
        self._client = httpx.AsyncClient(
            base_url=self.url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(30.0, read=None),
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def _request(self, method: str, path: str, **kwargs: object) -> dict[str, object]:
        try:
            response = await self._client.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise AuraError(
                f"cannot reach the server at {self.url}: {type(exc).__name__}", code="UNREACHABLE"
            ) from exc
        if response.status_code >= 400:
            raise _error(response)
        return response.json()

    async def create_task(
        self,
        message: str,
        *,
        model: str | None,
        project: str | None,
        mode: str,
        max_steps: int | None,
        budget: float | None,
        tools: list[str] | None = None,
    ) -> str:
        """Create a task on the server; returns its id."""
        body = {
            "message": message,
            "model": model,
            "project_path": project,
            "mode": mode,
            "max_steps": max_steps,
            "budget": budget,
            "tools": tools,
        }
        data = await self._request(
            "POST", "/api/tasks/", json={k: v for k, v in body.items() if v is not None}
        )
        task = data.get("task", data)
        return str(task["id"])  # type: ignore[index]

    async def resume_events(self, task_id: str) -> AsyncIterator[Event]:
        """Resume a task and stream its new events (reconnecting if the stream drops)."""
        task = await self.get_task(task_id)
        full_id = str(task["id"])
        last = -1
        try:
            async with self._client.stream("POST", f"/api/tasks/{full_id}/resume") as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise _error(response)
                async for event in _parse(response):
                    last = event.seq
                    yield event
                    if event.type == "done":
                        return
        except httpx.HTTPError:
            pass
        async for event in self.events(full_id, last):
            yield event

    async def cancel(self, task_id: str) -> bool:
        """Stop a running task (it becomes ``interrupted``)."""
        data = await self._request("POST", "/api/inference/stop", json={"task_id": task_id})
        return bool(data.get("stopped"))

    async def get_task(self, task_id: str) -> dict[str, object]:
        """One task."""
        data = await self._request("GET", f"/api/tasks/{task_id}")
        return data.get("task", data)  # type: ignore[return-value]

    async def list_tasks(
        self, *, status: str | None, limit: int, offset: int
    ) -> list[dict[str, object]]:
        """Tasks, newest first."""
        params: dict[str, object] = {"limit": limit, "offset": offset}
        if status:
            params["status"] = status
        data = await self._request("GET", "/api/tasks/", params=params)
        return list(data.get("tasks", []))  # type: ignore[arg-type]

    async def messages(self, task_id: str) -> list[dict[str, object]]:
        """A task's transcript."""
        data = await self._request("GET", f"/api/tasks/{task_id}/messages")
        return list(data.get("messages", []))  # type: ignore[arg-type]

    async def delete_task(self, task_id: str) -> None:
        """Delete a task."""
        await self._request("DELETE", f"/api/tasks/{task_id}")

    async def _stream_after(self, task_id: str, last: int) -> AsyncIterator[Event]:
        """One connection to the task's event stream: the events with ``seq > last``."""
        headers = {"Last-Event-ID": str(last)} if last >= 0 else {}
        async with self._client.stream(
            "GET", f"/api/tasks/{task_id}/events", headers=headers
        ) as response:
            if response.status_code >= 400:
                await response.aread()
                raise _error(response)
            async for event in _parse(response):
                if event.seq > last:
                    last = event.seq
                    yield event

    async def events(self, task_id: str, after_seq: int = -1) -> AsyncIterator[Event]:
        """The task's events after ``after_seq`` until ``done``, reconnecting as needed.

        A stream that closes cleanly without ``done`` is reopened only while the task is
        still running; for a finished task the stored events are all there is.
        """
        last = after_seq
        failures = 0
        while True:
            got_new = False
            try:
                async with contextlib.aclosing(self._stream_after(task_id, last)) as stream:
                    async for event in stream:
                        last = event.seq
                        failures = 0
                        got_new = True
                        yield event
                        if event.type == "done":
                            return
            except httpx.HTTPError as exc:
                failures += 1
                if failures > 5:
                    raise AuraError(
                        f"lost the event stream from {self.url}: {type(exc).__name__}",
                        code="UNREACHABLE",
                    ) from exc
                await asyncio.sleep(min(0.2 * 2**failures, 5.0))
                continue
            if not got_new:
                task = await self.get_task(task_id)
                if task.get("status") in ("completed", "failed", "interrupted"):
                    return
                await asyncio.sleep(0.2)

    # -- added for the TUI's remote backend -------------------------------------------
    async def send_message(self, task_id: str, message: str) -> dict[str, object]:
        """Send a follow-up message to a finished task (it runs again); returns the task."""
        data = await self._request(
            "POST", f"/api/tasks/{task_id}/messages", json={"message": message}
        )
        return data.get("task", data)  # type: ignore[return-value]

    async def models(self) -> dict[str, object]:
        """The server's default model (``default``) and the model ids it offers (``models``)."""
        return await self._request("GET", "/api/models")

    async def providers(self) -> list[dict[str, object]]:
        """The server's provider catalog (whether each is configured, never the keys)."""
        data = await self._request("GET", "/api/providers")
        return list(data.get("providers", []))  # type: ignore[arg-type]

    async def settings(self) -> dict[str, object]:
        """The server's settings (``settings``, secrets masked) and their ``sources``."""
        return await self._request("GET", "/api/settings/")

    async def update_settings(self, values: dict[str, object]) -> dict[str, object]:
        """Change settings on the server; returns them as `settings` does."""
        return await self._request("PUT", "/api/settings/", json=values)

    async def usage_summary(self, days: int = 14) -> dict[str, object]:
        """Usage totals and the daily series (``aura usage --json``)."""
        return await self._request("GET", "/api/usage/summary", params={"days": days})

    async def compact(self, task_id: str) -> dict[str, object] | None:
        """Compact a stopped task's history now; None when there was nothing to compact."""
        data = await self._request("POST", f"/api/tasks/{task_id}/compact")
        return data.get("compacted")  # type: ignore[return-value]

    async def approve(self, approval_id: str, decision: str) -> dict[str, object]:
        """Answer a tool call waiting for approval: ``once``, ``always`` or ``deny``."""
        return await self._request(
            "POST", f"/api/approvals/{approval_id}", json={"decision": decision}
        )

    async def replay(self, task_id: str, after_seq: int = -1) -> AsyncIterator[Event]:
        """Every stored event of a task (all its runs), then live ones while it runs.

        The server ends a stream after each ``done``; this reconnects after it and stops
        when a stream closes with nothing new (the task has no more runs going).
        """
        last = after_seq
        while True:
            got = False
            try:
                async with contextlib.aclosing(self._stream_after(task_id, last)) as stream:
                    async for event in stream:
                        last = event.seq
                        got = True
                        yield event
            except httpx.HTTPError as exc:
                raise AuraError(
                    f"lost the event stream from {self.url}: {type(exc).__name__}",
                    code="UNREACHABLE",
                ) from exc
            if not got:
                return


async def _parse(response: httpx.Response) -> AsyncIterator[Event]:
    """The events of an SSE response body."""
    async for line in response.aiter_lines():
        if line.startswith("data:"):
            yield Event.from_json(line[5:].strip())


def _error(response: httpx.Response) -> AuraError:
    try:
        body = response.json()
        message, code = str(body.get("error")), str(body.get("code") or "ERROR")
    except (json.JSONDecodeError, AttributeError):
        message, code = f"HTTP {response.status_code}", "ERROR"
    if response.status_code == 404:
        return NotFoundError(message)
    if response.status_code == 401:
        return AuraError(f"the server refused the token: {message}", code="UNAUTHORIZED")
    if response.status_code in (400, 422):
        return UsageError(message)
    return AuraError(message, code=code)

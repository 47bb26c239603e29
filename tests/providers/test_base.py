"""The provider protocol's request checks: tool_choice and force_tool against the tools."""

from __future__ import annotations

import pytest

from aura_core.errors import ProviderError
from aura_core.messages import Message, ToolSpec
from aura_core.providers.base import ModelRequest, ToolChoice, forced_tool

READ = ToolSpec("read", "Read a file.", {"type": "object", "properties": {}})
LS = ToolSpec("ls", "List a directory.", {"type": "object", "properties": {}})


def request(
    tools: list[ToolSpec], choice: ToolChoice = "auto", force: str | None = None
) -> ModelRequest:
    return ModelRequest("m", [Message("user", "hi")], tools, tool_choice=choice, force_tool=force)


def test_requests_default_to_auto_with_nothing_forced() -> None:
    plain = ModelRequest("m", [])
    assert (plain.tool_choice, plain.force_tool) == ("auto", None)
    assert forced_tool(request([READ])) is None
    assert forced_tool(request([READ], "required")) is None
    assert forced_tool(request([], "none")) is None


def test_the_forced_tool_is_found_among_the_tools() -> None:
    assert forced_tool(request([LS, READ], force="read")) is READ
    assert forced_tool(request([LS, READ], "required", force="ls")) is LS


@pytest.mark.parametrize(
    ("tools", "choice", "force", "message"),
    [
        ([LS], "auto", "rm", "force_tool='rm' is not one of the request's tools (ls)"),
        ([], "auto", "rm", "force_tool='rm' is not one of the request's tools (none)"),
        ([LS], "none", "ls", "force_tool='ls' contradicts tool_choice=\"none\""),
        ([], "required", None, 'tool_choice="required" needs at least one tool in the request'),
    ],
)
def test_contradictory_requests_are_refused_in_one_line(
    tools: list[ToolSpec], choice: ToolChoice, force: str | None, message: str
) -> None:
    with pytest.raises(ProviderError) as info:
        forced_tool(request(tools, choice, force), "openai")
    assert info.value.message == message
    assert info.value.kind == "bad_request" and info.value.provider == "openai"

"""Grammar-constrained tool calls: every call the local model emits is valid."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from aura_core.inference.constrained import tool_call_grammar, tool_call_schema
from aura_core.messages import Message, ToolSpec
from aura_core.providers.base import ModelRequest, Sampling, Stop, TextDelta, ToolCallPart, Usage
from aura_core.providers.local import LocalProvider, LocalSettings


def _obj(props: dict[str, dict[str, object]], required: list[str]) -> dict[str, object]:
    return {"type": "object", "properties": props, "required": required}


STR = {"type": "string"}
INT = {"type": "integer"}
TOOLS = [
    ToolSpec(
        "read_file", "Read a text file.", _obj({"path": STR, "offset": INT, "limit": INT}, ["path"])
    ),
    ToolSpec(
        "write_file",
        "Create or overwrite a file.",
        _obj({"path": STR, "content": STR}, ["path", "content"]),
    ),
    ToolSpec(
        "edit_file",
        "Replace text in a file.",
        _obj({"path": STR, "old": STR, "new": STR}, ["path", "old", "new"]),
    ),
    ToolSpec("list_dir", "List a directory.", _obj({"path": STR}, ["path"])),
    ToolSpec("glob", "Find files by pattern.", _obj({"pattern": STR}, ["pattern"])),
    ToolSpec("grep", "Search file contents.", _obj({"pattern": STR, "path": STR}, ["pattern"])),
    ToolSpec("bash", "Run a shell command.", _obj({"command": STR, "timeout": INT}, ["command"])),
]
PROMPTS = [
    "List the files in this folder",
    "Read README.md",
    "Find TODO in the code",
    "Create hello.txt with hi",
    "What is 2+2?",
    "Show me the contents of setup.py",
    "Which Python files are in src?",
    "Run the test suite",
    "Replace foo with bar in app.py",
    "Search for the word 'deprecated'",
    "What is the capital of Italy?",
    "Delete the build directory",
    "How many lines does main.py have?",
    "Write a file notes.md with a shopping list",
    "Open the config file",
    "Show git status",
    "Say hello",
    "Find every .json file",
    "Where is the function parse_args defined?",
    "Print the first 10 lines of data.csv",
    "Install the requests package",
    "Summarise CHANGELOG.md",
]


def test_call_schema_pins_the_name_and_closes_the_arguments() -> None:
    schema = tool_call_schema(TOOLS[:2])

    first = schema["anyOf"][0]  # type: ignore[index]
    assert first["properties"]["name"] == {"const": "read_file"}
    assert first["properties"]["arguments"]["additionalProperties"] is False
    assert first["required"] == ["name", "arguments"]
    assert TOOLS[0].parameters.get("additionalProperties") is None  # the spec is not modified
    jsonschema.validate({"name": "read_file", "arguments": {"path": "a"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "read_file", "arguments": {"file": "a"}}, schema)


def test_grammar_is_an_action_or_an_answer() -> None:
    grammar = tool_call_grammar(TOOLS)
    assert grammar.startswith('start: "Action: " action | "Answer:" ANSWER')
    assert "%json {" in grammar


def test_a_required_grammar_has_only_the_action_branch() -> None:
    grammar = tool_call_grammar(TOOLS, required=True)
    assert grammar.startswith('start: "Action: " action\n')
    assert "Answer" not in grammar and "ANSWER" not in grammar


@pytest.fixture(scope="module")
def provider(embedded_gguf: Path) -> Iterator[LocalProvider]:
    """A provider on the embedded model; the model loads once for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AURA_EMBEDDED_MODEL", str(embedded_gguf))
        yield LocalProvider(LocalSettings(model=str(embedded_gguf), temperature=0.0, max_tokens=96))


async def _collect(provider: LocalProvider, request: ModelRequest) -> list[object]:
    return [part async for part in provider.stream(request)]


@pytest.mark.local_model
async def test_every_tool_call_is_valid_for_twenty_prompts(provider: LocalProvider) -> None:
    specs = {t.name: t for t in TOOLS}
    calls = answers = 0
    for prompt in PROMPTS:
        request = ModelRequest("", [Message("user", prompt)], TOOLS)
        parts = await _collect(provider, request)

        assert isinstance(parts[-1], Stop), prompt
        assert isinstance(parts[-2], Usage) and parts[-2].output_tokens > 0, prompt
        tool_parts = [p for p in parts if isinstance(p, ToolCallPart)]
        if tool_parts:
            (part,) = tool_parts
            assert parts[-1].reason == "tool_calls", prompt
            assert part.call.name in specs, prompt
            assert part.call.id.startswith("call_")
            closed = dict(specs[part.call.name].parameters, additionalProperties=False)
            jsonschema.validate(part.call.arguments, closed)
            json.dumps(part.call.arguments)
            assert not any(isinstance(p, TextDelta) for p in parts), prompt
            calls += 1
        else:
            assert parts[-1].reason in ("end", "max_tokens"), prompt
            answers += 1
    assert calls >= len(PROMPTS) // 2
    assert calls + answers == len(PROMPTS)


@pytest.mark.local_model
async def test_obvious_tasks_pick_the_obvious_tool(provider: LocalProvider) -> None:
    expected = {
        "Read README.md": ("read_file", {"path": "README.md"}),
        "List the files in this folder": ("list_dir", {"path": "."}),
    }
    for prompt, (name, arguments) in expected.items():
        parts = await _collect(provider, ModelRequest("", [Message("user", prompt)], TOOLS))
        (call,) = [p.call for p in parts if isinstance(p, ToolCallPart)]
        assert (call.name, call.arguments) == (name, arguments)


@pytest.mark.local_model
async def test_forced_json_is_fast_forwarded_not_sampled(provider: LocalProvider) -> None:
    await _collect(provider, ModelRequest("", [Message("user", "Read README.md")], TOOLS))

    result = provider.last_result
    assert result is not None and result.kind == "action"
    assert result.forced_tokens >= result.output_tokens // 2


@pytest.mark.local_model
async def test_sampled_calls_stay_valid_at_high_temperature(provider: LocalProvider) -> None:
    specs = {t.name: t for t in TOOLS}
    for seed in range(6):
        request = ModelRequest(
            "",
            [Message("user", "Tidy up this project")],
            TOOLS,
            Sampling(temperature=1.5, top_k=0, top_p=1.0, min_p=0.0, seed=seed, max_tokens=64),
        )
        for part in await _collect(provider, request):
            if isinstance(part, ToolCallPart):
                closed = dict(specs[part.call.name].parameters, additionalProperties=False)
                jsonschema.validate(part.call.arguments, closed)


@pytest.mark.local_model
def test_matcher_accepts_only_calls_that_match_a_schema(provider: LocalProvider) -> None:
    model = provider.model_for()
    cache = model.grammars()
    tokenizer = cache._tokenizer

    def accepts(text: str) -> bool:
        matcher = cache.matcher(TOOLS)
        tokens = tokenizer.tokenize_str(text)
        return matcher.consume_tokens(tokens) and matcher.is_accepting()

    assert accepts('Action: {"name": "read_file", "arguments": {"path": "a.txt"}}')
    assert accepts('Action: {"name": "bash", "arguments": {"command": "ls", "timeout": 5}}')
    assert accepts("Answer: It is 4.")
    assert not accepts('Action: {"name": "rm_rf", "arguments": {}}')
    assert not accepts('Action: {"name": "read_file", "arguments": {"file": "a.txt"}}')
    assert not accepts('Action: {"name": "read_file", "arguments": {"path": 3}}')
    assert not accepts('Action: {"name": "write_file", "arguments": {"path": "a"}}')
    assert not accepts("Sure! Here you go.")


@pytest.mark.local_model
def test_required_and_forced_matchers_refuse_answers_and_other_tools(
    provider: LocalProvider,
) -> None:
    cache = provider.model_for().grammars()
    tokenizer = cache._tokenizer

    def accepts(text: str, tools: list[ToolSpec], required: bool) -> bool:
        matcher = cache.matcher(tools, required=required)
        return matcher.consume_tokens(tokenizer.tokenize_str(text)) and matcher.is_accepting()

    read = 'Action: {"name": "read_file", "arguments": {"path": "a.txt"}}'
    bash = 'Action: {"name": "bash", "arguments": {"command": "ls"}}'
    assert accepts(read, TOOLS, required=True) and accepts(bash, TOOLS, required=True)
    assert not accepts("Answer: It is 4.", TOOLS, required=True)
    assert accepts(read, TOOLS[:1], required=True)  # a forced tool is the only one offered
    assert not accepts(bash, TOOLS[:1], required=True)
    assert accepts("Answer: It is 4.", TOOLS, required=False)  # cached apart from required


REQUIRED_PROMPTS = [
    "What is 2+2?",
    "What is the capital of Italy?",
    "Say hello",
    "Summarise CHANGELOG.md",
    "Install the requests package",
    "Delete the build directory",
    "How many lines does main.py have?",
    "Show git status",
    "Tell me a joke",
    "Read README.md",
]


@pytest.mark.local_model
async def test_required_tool_choice_always_yields_a_valid_call(provider: LocalProvider) -> None:
    specs = {t.name: t for t in TOOLS}
    for prompt in REQUIRED_PROMPTS:
        request = ModelRequest("", [Message("user", prompt)], TOOLS, tool_choice="required")
        parts = await _collect(provider, request)

        (part,) = [p for p in parts if isinstance(p, ToolCallPart)]
        assert parts[-1] == Stop("tool_calls"), prompt
        assert not any(isinstance(p, TextDelta) for p in parts), prompt
        closed = dict(specs[part.call.name].parameters, additionalProperties=False)
        jsonschema.validate(part.call.arguments, closed)


@pytest.mark.local_model
async def test_force_tool_calls_that_tool_even_when_another_fits(provider: LocalProvider) -> None:
    request = ModelRequest("", [Message("user", "Read README.md")], TOOLS, force_tool="bash")
    parts = await _collect(provider, request)

    (part,) = [p for p in parts if isinstance(p, ToolCallPart)]
    assert part.call.name == "bash" and isinstance(part.call.arguments["command"], str)
    assert parts[-1] == Stop("tool_calls")
    result = provider.last_result
    assert result is not None and result.forced_tokens >= 8  # the name itself was forced


@pytest.mark.local_model
async def test_tool_choice_none_answers_in_plain_text(provider: LocalProvider) -> None:
    request = ModelRequest("", [Message("user", "Read README.md")], TOOLS, tool_choice="none")
    parts = await _collect(provider, request)

    assert not any(isinstance(p, ToolCallPart) for p in parts)
    assert "".join(p.text for p in parts if isinstance(p, TextDelta)).strip()
    assert isinstance(parts[-1], Stop) and parts[-1].reason in ("end", "max_tokens")
    assert provider.last_result is not None and provider.last_result.kind == "text"

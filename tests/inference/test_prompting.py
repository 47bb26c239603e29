"""Prompt styles for local models: few-shot completion and the GGUF chat template."""

from __future__ import annotations

import pytest

from aura_core.errors import ProviderError
from aura_core.inference.prompting import action_text, choose_style, render_prompt
from aura_core.messages import Message, ToolCall, ToolSpec

READ = ToolSpec(
    "read_file",
    "Read a text file.",
    {"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)
SEARCH = ToolSpec(
    "search_web",
    "Search the web.",
    {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
)

CHATML = (
    "{{ bos_token }}{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
NO_SYSTEM = (
    "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('no system role') }}"
    "{% endif %}[{{ m.role }}] {{ m.content }}\n{% endfor %}[assistant]"
)


def _episode() -> list[Message]:
    call = ToolCall("call_1", "read_file", {"path": "README.md"})
    return [
        Message("system", "The project is a demo."),
        Message("user", "What does the README say?"),
        Message("assistant", "", tool_calls=[call]),
        Message("tool", "# Demo", tool_call_id="call_1", name="read_file"),
    ]


def test_style_follows_the_template_unless_forced() -> None:
    assert choose_style("auto", None) == "completion"
    assert choose_style("auto", CHATML) == "chat_template"
    assert choose_style("completion", CHATML) == "completion"
    with pytest.raises(ProviderError, match="no chat template"):
        choose_style("chat_template", None)


def test_completion_prompt_has_tools_examples_and_the_episode() -> None:
    prompt = render_prompt(_episode(), [READ], style="completion")

    text = prompt.text
    assert "- read_file: Read a text file." in text
    assert '"path": string' in text
    assert 'Action: {"name": "read_file", "arguments": {"path": "setup.py"}}' in text
    assert "Answer: Paris." in text
    assert "The project is a demo." in text
    assert text.endswith(
        "Task: What does the README say?\n"
        'Action: {"name": "read_file", "arguments": {"path": "README.md"}}\n'
        "Observation: # Demo\n"
    )
    assert "\nTask:" in prompt.stop and prompt.add_bos and not prompt.parse_special


def test_completion_examples_only_show_tools_that_exist() -> None:
    text = render_prompt([Message("user", "hi")], [SEARCH], style="completion").text

    assert "read_file" not in text and "grep" not in text
    assert "search_web" in text


def test_failed_tool_results_and_answers_render_as_lines() -> None:
    messages = [
        Message("user", "Open a.txt"),
        Message("assistant", "", tool_calls=[ToolCall("c1", "read_file", {"path": "a.txt"})]),
        Message("tool", "no such file", tool_call_id="c1", is_error=True),
        Message("assistant", "The file does not exist."),
        Message("user", "ok, thanks"),
    ]
    text = render_prompt(messages, [READ], style="completion").text

    assert (
        "Observation (error): no such file\nAnswer: The file does not exist.\nTask: ok, thanks\n"
        in text
    )


def test_completion_chat_without_tools_is_a_plain_dialogue() -> None:
    messages = [
        Message("user", "Hello"),
        Message("assistant", "Hi!"),
        Message("user", "How are you?"),
    ]
    prompt = render_prompt(messages, [], style="completion")

    assert prompt.text == "User: Hello\nAssistant: Hi!\nUser: How are you?\nAssistant:"
    assert "Action" not in prompt.text and "\nUser:" in prompt.stop


def test_chat_template_renders_tools_calls_and_results() -> None:
    prompt = render_prompt(
        _episode(), [READ], style="chat_template", chat_template=CHATML, bos_token="<s>"
    )

    text = prompt.text
    assert text.startswith("<s><|im_start|>system\n")
    assert "- read_file: Read a text file." in text and "The project is a demo." in text
    assert (
        '<|im_start|>assistant\nAction: {"name": "read_file", "arguments": {"path": "README.md"}}'
        "<|im_end|>\n<|im_start|>user\nObservation: # Demo<|im_end|>\n<|im_start|>assistant\n"
    ) in text
    assert prompt.parse_special and not prompt.add_bos


def test_chat_template_without_tools_passes_messages_through() -> None:
    messages = [Message("user", "Hello")]
    prompt = render_prompt(messages, [], style="chat_template", chat_template=CHATML)

    assert prompt.text == "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"
    assert prompt.add_bos


def test_template_that_refuses_system_gets_it_folded_into_the_user_turn() -> None:
    messages = [Message("system", "Be brief."), Message("user", "Hello")]
    text = render_prompt(messages, [], style="chat_template", chat_template=NO_SYSTEM).text

    assert text == "[user] Be brief.\n\nHello\n[assistant]"


def test_broken_template_is_a_one_line_provider_error() -> None:
    broken = "{{ raise_exception('roles must alternate') }}"
    with pytest.raises(ProviderError, match="prompt_style to completion"):
        render_prompt([Message("user", "hi")], [], style="chat_template", chat_template=broken)


def test_action_text_is_the_json_line_models_write() -> None:
    call = ToolCall("c", "read_file", {"path": "é.txt"})
    assert action_text(call) == 'Action: {"name": "read_file", "arguments": {"path": "é.txt"}}'

"""Regenerate the generated tables in docs/ (CLI reference, settings); ``--check`` fails if stale.

A generated block sits between ``<!-- BEGIN GENERATED: name -->`` and
``<!-- END GENERATED: name -->`` markers; everything else in the file is hand-written.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

from aura_cli.main import app
from aura_core.config import KNOWN, env_name

DOCS = Path(__file__).resolve().parent.parent / "docs"

SETTING_HELP: dict[str, str] = {
    "model": "Default model id for new tasks (`provider:model`); empty = the embedded local model.",
    "server": "URL of a remote `aura serve` the CLI talks to by default.",
    "token": "Bearer token for the remote server (never printed).",
    "max_steps": "Model calls a task may make before it stops as failed (`max_steps`).",
    "max_concurrent_tools": "Tool calls run at the same time within one step.",
    "thinking": "Reasoning effort asked of models that support it: off, low, medium, high.",
    "tools.sandbox": "Run `bash` tool commands inside bubblewrap when it is available.",
    "tools.allow_network": "Let sandboxed shell commands reach the network.",
    "tools.require_approval": "Tools whose calls wait for your approval (e.g. `[\"bash\", \"write_file\"]`); the TUI asks for bash, write_file and edit_file.",
    "tools.allowed_roots": "Extra directories tools may read and write besides the project root.",
    "local.n_ctx": "Context window of the local model, in tokens.",
    "local.n_threads": "CPU threads for local inference (empty = all cores).",
    "local.n_batch": "Prompt-processing batch size.",
    "local.n_gpu_layers": "Layers offloaded to a GPU (0 = CPU only).",
    "local.prompt_style": "auto, chat_template or completion (few-shot, for base models).",
    "local.extra_buffers": "Let llama.cpp repack weights into extra CPU buffers (AMX); off because some VMs crash on AMX.",
    "local.temperature": "Sampling temperature.",
    "local.top_p": "Nucleus sampling cut-off.",
    "local.top_k": "Top-k sampling cut-off.",
    "local.min_p": "Min-p sampling cut-off.",
    "local.repeat_penalty": "Penalty for repeated tokens.",
    "local.max_tokens": "Most tokens generated per model call.",
    "local.seed": "Random seed (empty = random).",
    "context.git": "Give the model the branch, a status summary and recent commits of a git project.",
    "context.window": "Context window (tokens) used for compaction; 0 = the model's own.",
    "memory.enabled": "Inject memory into tasks and learn facts after each task.",
    "memory.extract": "auto (LLM extraction except on the local engine), on, or off (patterns only).",
    "memory.semantic": "Also find facts by meaning with the local MiniLM embedding model (when installed).",
    "auto_resume": "`aura serve` and the daemon resume interrupted tasks when they start.",
    "web.enabled": "Start the HTTP server with the daemon.",
    "web.host": "Address `aura serve` binds (empty = 127.0.0.1); anything but loopback needs a token.",
    "web.port": "Port of `aura serve` (empty = 18800).",
    "web.token": "Bearer token `aura serve` requires (never printed).",
    "web.sse_keepalive": "Seconds an idle SSE stream of `aura serve` waits before sending a `: ping` comment, so proxies keep it open; 0 = never.",
    "storage.synchronous": "SQLite `synchronous` pragma: NORMAL survives crashes, FULL also power loss.",
    "fallback": "Model ids tried in order when the task's model is unavailable (open circuit, spend limit, 429, 503), e.g. `[\"groq:llama-3.3-70b-versatile\", \"local:gemma3-270m\"]`.",
    "routing.enabled": "Classify each new task and run it on the model configured for its complexity tier.",
    "routing.classifier": "Model id that classifies tasks (empty = the default model; `heuristic` = no model call).",
    "routing.free_only": "Route only to free models (local engines and servers, `:free` ids, zero-priced models).",
    "routing.tiers.simple": "Model for simple tasks (lookups, one-line answers).",
    "routing.tiers.standard": "Model for standard tasks (ordinary edits and questions).",
    "routing.tiers.complex": "Model for complex tasks (multi-file changes, design, long analysis).",
    "routing.tiers.reasoning": "Model for reasoning tasks (proofs, hard algorithms, deep planning); the top tier.",
}


def _fmt(value: object) -> str:
    import json

    return "`" + json.dumps(value) + "`"


def settings_table() -> str:
    missing = set(KNOWN) - set(SETTING_HELP)
    if missing:
        raise SystemExit(f"document these settings in scripts/gen_docs.py: {sorted(missing)}")
    rows = ["| key | default | environment | meaning |", "| --- | --- | --- | --- |"]
    for key, default in KNOWN.items():
        rows.append(f"| `{key}` | {_fmt(default)} | `{env_name(key)}` | {SETTING_HELP[key]} |")
    return "\n".join(rows)


def cli_reference() -> str:
    root = typer.main.get_command(app)
    out: list[str] = []

    def visit(cmd, path: list[str]) -> None:  # type: ignore[no-untyped-def]
        subs = getattr(cmd, "commands", None) or {}
        if path and not subs:
            usage = " ".join(p.name.upper() if p.param_type_name == "argument" else "" for p in cmd.params).split()
            out.append(f"### `aura {' '.join(path)}{' ' + ' '.join(usage) if usage else ''}`\n")
            out.append((cmd.help or "").strip() + "\n")
            rows = []
            for p in cmd.params:
                if p.param_type_name == "argument":
                    rows.append(f"| `{p.name.upper()}` | argument | {getattr(p, 'help', '') or ''} |")
                elif p.param_type_name == "option" and "--help" not in p.opts:
                    flags = ", ".join(f"`{o}`" for o in p.opts)
                    rows.append(f"| {flags} | option | {p.help or ''} |")
            if rows:
                out.append("| name | kind | meaning |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n")
        for name in sorted(subs):
            visit(subs[name], [*path, name])

    visit(root, [])
    return "\n".join(out).strip()


def route_table() -> str:
    from aura_cli.server import create_app
    from aura_core.config import load_config
    from aura_core.engine import Engine
    from aura_core.store import open_store

    engine = Engine(store=open_store(Path(":memory:")), config=load_config())
    schema = create_app(engine).openapi_schema.to_schema()
    rows = ["| method | path | what it does |", "| --- | --- | --- |"]
    for path, item in sorted(schema["paths"].items()):
        for method in ("get", "post", "put", "patch", "delete"):
            op = item.get(method)
            if op:
                rows.append(f"| {method.upper()} | `{path}` | {op.get('summary', '')} |")
    return "\n".join(rows)


BLOCKS = {"settings": ("config.md", settings_table), "cli": ("cli.md", cli_reference),
          "routes": ("api.md", route_table)}


def main() -> int:
    check = "--check" in sys.argv
    stale: list[str] = []
    for name, (file, make) in BLOCKS.items():
        path = DOCS / file
        text = path.read_text()
        pattern = re.compile(
            rf"(<!-- BEGIN GENERATED: {name} -->)\n.*?(<!-- END GENERATED: {name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{file} has no generated block named {name}")
        body = make()
        new = pattern.sub(lambda m, body=body: m.group(1) + "\n" + body + "\n" + m.group(2), text)
        if new != text:
            stale.append(file)
            if not check:
                path.write_text(new)
    if check and stale:
        print(f"generated docs are stale: {', '.join(stale)}; run python scripts/gen_docs.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

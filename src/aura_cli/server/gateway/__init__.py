"""The OpenAI-, Anthropic- and Ollama-compatible gateway in front of Aura's providers."""

from __future__ import annotations

from litestar import Controller

from aura_cli.server.gateway.anthropic import AnthropicController
from aura_cli.server.gateway.embeddings import EmbeddingsController
from aura_cli.server.gateway.ollama import OllamaController
from aura_cli.server.gateway.openai import OpenAIController
from aura_cli.server.gateway.upstream import Gateway

__all__ = ["GATEWAY_CONTROLLERS", "Gateway"]

GATEWAY_CONTROLLERS: tuple[type[Controller], ...] = (
    OpenAIController,
    EmbeddingsController,
    AnthropicController,
    OllamaController,
)

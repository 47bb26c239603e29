"""``aura serve``: the Litestar REST + SSE server and the OpenAI / Anthropic / Ollama gateway."""

from aura_cli.server.app import create_app

__all__ = ["create_app"]

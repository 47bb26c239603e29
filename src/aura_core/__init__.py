"""Aura's core library: the agent loop, tools, providers, store and local inference."""

__version__ = "0.1.0"

"""The tokens the lexer makes: words, control operators and redirections."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Op", "Redirect", "Token", "Word"]


@dataclass(slots=True)
class Word:
    """A word after quote removal; ``quoted`` when any part of it was quoted or escaped."""

    text: str
    quoted: bool = False


@dataclass(slots=True)
class Op:
    """A control operator: ``;``, ``&``, ``&&``, ``||``, ``|``, ``(``, ``)`` or a newline."""

    text: str


@dataclass(slots=True)
class Redirect:
    """A redirection: its operator, its target word and, for here-docs/strings, its body."""

    op: str
    target: str = ""
    body: str | None = None


Token = Word | Op | Redirect

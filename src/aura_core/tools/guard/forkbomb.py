"""Spot fork bombs: functions that call themselves in a pipe or in the background."""

from __future__ import annotations

from .tokens import Op, Token, Word

__all__ = ["fork_bomb"]


def _body(tokens: list[Token], k: int) -> list[Token]:
    """The tokens of the function body that starts at ``tokens[k]``."""
    if k + 1 < len(tokens) and [getattr(t, "text", "") for t in tokens[k : k + 2]] == ["(", ")"]:
        k += 2
    if k >= len(tokens) or getattr(tokens[k], "text", "") not in ("{", "("):
        return []
    opener = tokens[k]
    closer = "}" if opener.text == "{" else ")"  # type: ignore[union-attr]
    depth = 0
    for j in range(k, len(tokens)):
        t = tokens[j]
        if type(t) is type(opener) and t.text == opener.text:  # type: ignore[union-attr]
            depth += 1
        elif type(t) is type(opener) and t.text == closer:  # type: ignore[union-attr]
            depth -= 1
            if depth == 0:
                return tokens[k + 1 : j]
    return tokens[k + 1 :]


def fork_bomb(tokens: list[Token]) -> str | None:
    """Name of a function that calls itself in a pipe or in the background, if any.

    Args:
        tokens: the tokens of a whole script.

    Returns:
        The function's name (``:`` for the classic ``:(){ :|:& };:``), or None.
    """
    for k, tok in enumerate(tokens):
        if not isinstance(tok, Word):
            continue
        nxt = [getattr(t, "text", None) for t in tokens[k + 1 : k + 3]]
        if nxt == ["(", ")"] and isinstance(tokens[k + 1], Op):
            name, body = tok.text, _body(tokens, k + 1)
        elif tok.text == "function" and k + 1 < len(tokens) and isinstance(tokens[k + 1], Word):
            name, body = tokens[k + 1].text, _body(tokens, k + 2)  # type: ignore[union-attr]
        else:
            continue
        calls = any(
            isinstance(t, Word)
            and t.text == name
            and (j == 0 or isinstance(body[j - 1], Op) or getattr(body[j - 1], "text", "") == "{")
            for j, t in enumerate(body)
        )
        if calls and any(isinstance(t, Op) and t.text in ("|", "&") for t in body):
            return name
    return None

"""Group tokens into lists of pipelines of simple commands, subshells and ``{ ...; }`` groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from .tokens import Op, Redirect, Token

__all__ = ["Cmd", "parse"]

_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!"})


@dataclass(slots=True)
class Cmd:
    """One simple command (``argv``) or a subshell/group (``group``), with its redirections."""

    argv: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    group: list[list[Cmd]] | None = None


def parse(toks: list[Token], k: int = 0, closer: str = "") -> tuple[list[list[Cmd]], int]:
    """Parse tokens into pipelines, up to the ``closer`` operator (or the end).

    Lists (``;``, ``&&``, ``||``, ``&``, newlines) become separate pipelines; ``( ... )`` and
    ``{ ...; }`` become a :class:`Cmd` with a ``group``; function definitions are skipped and
    their bodies parsed as groups; shell keywords such as ``if``/``do`` are dropped.

    Args:
        toks: the tokens from :func:`~aura_core.tools.guard.lexer.lex`.
        k: the index to start at.
        closer: ``")"`` or ``"}"`` inside a group, else empty.

    Returns:
        The pipelines and the index just after the closer.
    """
    pipelines: list[list[Cmd]] = []
    pipe: list[Cmd] = []
    cmd = Cmd()

    def end_cmd() -> None:
        nonlocal cmd
        if cmd.argv or cmd.redirects or cmd.group is not None:
            pipe.append(cmd)
        cmd = Cmd()

    def end_pipe() -> None:
        nonlocal pipe
        end_cmd()
        if pipe:
            pipelines.append(pipe)
        pipe = []

    while k < len(toks):
        t = toks[k]
        if isinstance(t, Op) and t.text == "(":
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if len(cmd.argv) == 1 and isinstance(nxt, Op) and nxt.text == ")":
                cmd = Cmd()  # a function definition: f() { ...; }
                k += 2
                continue
            end_cmd()
            cmd.group, k = parse(toks, k + 1, ")")
            continue
        if isinstance(t, Op):
            if t.text == closer:
                break
            end_cmd() if t.text == "|" else end_pipe()
        elif isinstance(t, Redirect):
            cmd.redirects.append(t)
        elif not cmd.argv and cmd.group is None and not t.quoted and t.text in ("{", "}"):
            if t.text == "}" and closer == "}":
                break
            if t.text == "{":
                cmd.group, k = parse(toks, k + 1, "}")
                continue
        elif not cmd.argv and not t.quoted and t.text in _KEYWORDS:
            pass
        else:
            cmd.argv.append(t.text)
        k += 1
    end_pipe()
    return pipelines, k + 1

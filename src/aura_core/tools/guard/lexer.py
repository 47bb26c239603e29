"""Tokenise a command line like a shell: quotes, escapes, ``${IFS}``, heredocs, substitutions."""

from __future__ import annotations

import re
from typing import Protocol

from .decision import Refused
from .paths import home
from .tokens import Op, Redirect, Token, Word
from .words import unescape

__all__ = ["Expander", "lex", "paren_end"]

_BRACE = re.compile(r"\{[^{}\s]*,[^{}\s]*\}")
_REDIR_OPS = ("&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">|", ">&", ">")


class Expander(Protocol):
    """What the lexer needs to expand ``$VAR`` and command substitutions."""

    def substitute(self, inner: str, *, static_ok: bool = True) -> str:
        """Check a command substitution; its static output, or a placeholder naming it."""
        ...

    def var(self, name: str) -> str | None:
        """The known value of a shell variable, or None."""
        ...


def paren_end(s: str, i: int) -> int:
    """Index of the ``)`` closing a ``(`` that sits just before ``s[i]``.

    Args:
        s: the text.
        i: the index just after the opening parenthesis.

    Returns:
        The index of the matching closing parenthesis.

    Raises:
        Refused: when the parenthesis is never closed.
    """
    depth = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 1
        elif c == "'":
            i = s.find("'", i + 1)
            if i < 0:
                break
        elif c == '"':
            i += 1
            while i < len(s) and s[i] != '"':
                i += 2 if s[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise Refused("unparseable", "cannot parse the command: unbalanced parenthesis")


def _backtick_end(s: str, i: int) -> int:
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "`":
            return i
        i += 1
    raise Refused("unparseable", "cannot parse the command: unbalanced backtick")


def lex(s: str, host: Expander) -> list[Token]:
    """Split a command line into words, operators and redirections.

    Args:
        s: the command line (or a nested script).
        host: expands variables and judges command substitutions as they are met.

    Returns:
        The tokens, with quotes removed and known expansions applied.

    Raises:
        Refused: on unbalanced quotes, parentheses or backticks, or a refused substitution.
    """
    out: list[Token] = []
    buf: list[str] = []
    word = quoted = False
    pending: Redirect | None = None
    heredocs: list[tuple[Redirect, str, bool, bool]] = []
    i, n = 0, len(s)

    def finish() -> None:
        nonlocal word, quoted, pending
        if not word:
            return
        text = "".join(buf)
        buf.clear()
        if pending is not None:
            if pending.op in ("<<", "<<-"):
                heredocs.append((pending, text, pending.op == "<<-", not quoted))
            elif pending.op == "<<<":
                pending.body = text
            else:
                pending.target = text
            out.append(pending)
            pending = None
        elif not quoted and _BRACE.fullmatch(text):
            out.extend(Word(part) for part in text[1:-1].split(","))
        else:
            out.append(Word(text, quoted))
        word = quoted = False

    def operator(text: str) -> None:
        nonlocal pending
        finish()
        if pending is not None:
            out.append(pending)
            pending = None
        out.append(Op(text))

    while i < n:
        c = s[i]
        if c in " \t\r":
            finish()
            i += 1
        elif c == "\n":
            operator("\n")
            i = _heredoc_bodies(s, i + 1, heredocs, host)
            heredocs.clear()
        elif c == "#" and not word:
            j = s.find("\n", i)
            i = n if j < 0 else j
        elif c == "\\":
            if s.startswith("\n", i + 1):
                i += 2
                continue
            buf.append(s[i + 1 : i + 2])
            word = quoted = True
            i += 2
        elif c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise Refused("unparseable", "cannot parse the command: unbalanced quote")
            buf.append(s[i + 1 : j])
            word = quoted = True
            i = j + 1
        elif c == '"' or s.startswith('$"', i):
            text, i = _double_quoted(s, i + (1 if c == '"' else 2), host)
            buf.append(text)
            word = quoted = True
        elif s.startswith("$'", i):
            j = i + 2
            while j < n and s[j] != "'":
                j += 2 if s[j] == "\\" else 1
            buf.append(unescape(s[i + 2 : j]))
            word = quoted = True
            i = j + 1
        elif c in "$`":
            text, i, split = _expand(s, i, host)
            pieces = re.split(r"[ \t\n]+", text) if split else [text]
            buf.append(pieces[0])
            word = word or bool(pieces[0]) or not split
            for piece in pieces[1:]:
                finish()
                if piece:
                    buf.append(piece)
                    word = True
        elif c in "<>" and s.startswith("(", i + 1):
            end = paren_end(s, i + 2)
            buf.append(host.substitute(s[i + 2 : end], static_ok=False))
            word = True
            i = end + 1
        elif c in "<>" or s.startswith("&>", i):
            if word and not quoted and "".join(buf).isdigit():
                buf.clear()
                word = False
            else:
                finish()
            if pending is not None:
                out.append(pending)
            op = next(o for o in _REDIR_OPS if s.startswith(o, i))
            pending = Redirect(op)
            i += len(op)
        elif c in ";&|()":
            two = s[i : i + 2]
            if two in ("&&", "||", ";;", "|&"):
                operator({"|&": "|", ";;": ";"}.get(two, two))
                i += 2
            else:
                operator(c)
                i += 1
        elif c == "~" and not word and (i + 1 == n or s[i + 1] in "/ \t\n;&|)"):
            buf.append(home())
            word = True
            i += 1
        else:
            buf.append(c)
            word = True
            i += 1
    finish()
    if pending is not None:
        out.append(pending)
    _heredoc_bodies(s, n, heredocs, host)
    return out


def _heredoc_bodies(
    s: str, i: int, docs: list[tuple[Redirect, str, bool, bool]], host: Expander
) -> int:
    for redirect, delimiter, strip_tabs, expand in docs:
        lines: list[str] = []
        while i < len(s):
            j = s.find("\n", i)
            line, i = (s[i:], len(s)) if j < 0 else (s[i:j], j + 1)
            line = line.lstrip("\t") if strip_tabs else line
            if line == delimiter:
                break
            lines.append(line)
        body = "\n".join(lines)
        redirect.body = _double_quoted(body, 0, host, end=None)[0] if expand else body
    return i


def _double_quoted(s: str, i: int, host: Expander, end: str | None = '"') -> tuple[str, int]:
    out: list[str] = []
    while i < len(s):
        c = s[i]
        if end is not None and c == end:
            return "".join(out), i + 1
        if c == "\\" and s[i + 1 : i + 2] in ("$", "`", '"', "\\", "\n"):
            out.append(s[i + 1].strip("\n"))
            i += 2
        elif c in "$`":
            text, i, _ = _expand(s, i, host)
            out.append(text)
        else:
            out.append(c)
            i += 1
    if end is not None:
        raise Refused("unparseable", "cannot parse the command: unbalanced double quote")
    return "".join(out), i


def _expand(s: str, i: int, host: Expander) -> tuple[str, int, bool]:
    """Expand ``$...`` or a backtick at ``s[i]``: (text, next index, word-splits)."""
    if s[i] == "`":
        end = _backtick_end(s, i + 1)
        text = host.substitute(s[i + 1 : end])
        return text, end + 1, "\x00" not in text
    if s.startswith("$((", i):
        end = paren_end(s, i + 2)
        return s[i : end + 1], end + 1, False
    if s.startswith("$(", i):
        end = paren_end(s, i + 2)
        text = host.substitute(s[i + 2 : end])
        return text, end + 1, "\x00" not in text
    if s.startswith("${", i):
        end = s.find("}", i + 2)
        if end < 0:
            raise Refused("unparseable", "cannot parse the command: unbalanced ${")
        inner = s[i + 2 : end]
        if inner.startswith("IFS"):
            return " ", end + 1, True
        default = re.fullmatch(r"([A-Za-z_]\w*):?[-=](.*)", inner)
        if default:
            known = host.var(default[1])
            return (default[2] if known is None else known), end + 1, True
        known = host.var(inner) if re.fullmatch(r"[A-Za-z_]\w*", inner) else None
        return (s[i : end + 1] if known is None else known), end + 1, known is not None
    m = re.match(r"[A-Za-z_]\w*", s[i + 1 :])
    if m:
        if m[0] == "IFS":
            return " ", i + 4, True
        known = host.var(m[0])
        return ("$" + m[0] if known is None else known), i + 1 + len(m[0]), known is not None
    if s[i + 1 : i + 2] and s[i + 1] in "@*#?$!-0123456789":
        return s[i : i + 2], i + 2, False
    return "$", i + 1, False

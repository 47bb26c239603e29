"""Word-level helpers: command names, backslash escapes, GNU flags and echo/printf output."""

from __future__ import annotations

import posixpath
import re

__all__ = [
    "ASSIGN",
    "PLACEHOLDER",
    "command_name",
    "flags",
    "static_of",
    "strip_assignments",
    "unescape",
]

# A command substitution whose output is unknown is replaced by ``\x00<index>\x00``.
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
ASSIGN = re.compile(r"[A-Za-z_]\w*(\[[^\]]*\])?\+?=")
_ESCAPE = re.compile(
    r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|0?[0-7]{1,3}|.)", re.S
)
_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "v": "\v",
}


def command_name(word: str) -> str:
    """The command name a word runs: its basename (``/usr/bin/rm`` -> ``rm``).

    Args:
        word: the first word of a simple command.

    Returns:
        The basename, or the word itself when it has none.
    """
    return posixpath.basename(word.rstrip("/")) or word


def unescape(text: str) -> str:
    """Decode backslash escapes the way ``$'...'``, ``echo -e`` and ``printf`` do.

    Args:
        text: text with ``\\n``, ``\\x41``, ``\\101``... escapes.

    Returns:
        The decoded text.
    """

    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "xuU" and len(code) > 1:
            return chr(min(int(code[1:], 16), 0x10FFFF))
        if code[0].isdigit():
            return chr(int(code, 8) % 0x110000)
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text)


def strip_assignments(argv: list[str]) -> list[str]:
    """Drop leading ``NAME=value`` words from a command.

    Args:
        argv: the words of a simple command.

    Returns:
        The words from the first one that is not an assignment.
    """
    k = 0
    while k < len(argv) and ASSIGN.match(argv[k]):
        k += 1
    return argv[k:]


def flags(args: list[str]) -> tuple[set[str], set[str], list[str]]:
    """Split GNU-style arguments (flags may come anywhere) into letters, long options, operands.

    Args:
        args: a command's arguments, without its name.

    Returns:
        The short option letters, the long option names (without ``=value``) and the operands.
    """
    letters: set[str] = set()
    longs: set[str] = set()
    operands: list[str] = []
    done = False
    for a in args:
        if not done and a == "--":
            done = True
        elif not done and a.startswith("--"):
            longs.add(a.split("=", 1)[0])
        elif not done and a.startswith("-") and len(a) > 1:
            letters.update(a[1:])
        else:
            operands.append(a)
    return letters, longs, operands


def static_of(argv: list[str]) -> str | None:
    """The text ``echo``/``printf`` with literal arguments prints, else None.

    Args:
        argv: the words of a simple command.

    Returns:
        What the command prints, or None when it is not a literal echo/printf.
    """
    argv = strip_assignments(argv)
    if not argv or any(PLACEHOLDER.search(a) for a in argv):
        return None
    name, args = command_name(argv[0]), argv[1:]
    if name == "echo":
        while args and re.fullmatch(r"-[neE]+", args[0]):
            args = args[1:]
        return unescape(" ".join(args))
    if name == "printf" and args:
        rest = iter(args[1:])
        out = re.sub(r"%[-0-9.]*[sbdiqc]", lambda m: unescape(next(rest, "")), unescape(args[0]))
        return " ".join([out, *rest])
    return None

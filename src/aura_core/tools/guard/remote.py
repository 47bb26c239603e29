"""Remote and hidden code: shells, interpreters, downloaders and decoders."""

from __future__ import annotations

import posixpath
import re

from .decision import Kind, Refused
from .words import command_name, flags

__all__ = ["CODE_FLAGS", "INTERP", "SHELLS", "downloads", "shell_args", "source_kind"]

SHELLS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "fish", "csh", "tcsh"}
)
INTERP = re.compile(r"(python|pypy|perl|ruby|php|lua|node|nodejs|deno|bun)[\d.]*")
# The options that take a program text, per interpreter family.
CODE_FLAGS = {
    "python": ("-c",),
    "pypy": ("-c",),
    "perl": ("-e", "-E"),
    "ruby": ("-e",),
    "php": ("-r",),
    "lua": ("-e",),
    "node": ("-e", "--eval", "-p", "--print"),
    "nodejs": ("-e", "--eval"),
    "deno": ("eval",),
    "bun": ("-e", "--eval"),
}
_FETCHERS = frozenset(
    {
        "curl",
        "wget",
        "fetch",
        "aria2c",
        "http",
        "https",
        "httpie",
        "lwp-request",
        "lwp-download",
        "GET",
        "nc",
        "ncat",
        "netcat",
        "socat",
        "telnet",
        "tftp",
        "ftp",
    }
)
_DECODERS = frozenset(
    {
        "rev",
        "uudecode",
        "tr",
        "gunzip",
        "zcat",
        "bzcat",
        "xzcat",
        "zstdcat",
        "lzcat",
        "unxz",
        "bunzip2",
    }
)


def source_kind(argv: list[str]) -> Kind:
    """Whether a command produces network content (fetch) or decoded, hidden content (decode).

    Args:
        argv: an unwrapped simple command.

    Returns:
        ``"fetch"``, ``"decode"`` or None.

    Raises:
        Refused: for ``nc -e``/``-c``, which hands a shell to the network.
    """
    name, args = command_name(argv[0]), argv[1:]
    letters, longs, _ = flags(args)
    if name in _FETCHERS:
        if name in ("nc", "ncat", "netcat") and letters & {"e", "c"}:
            raise Refused("remote-code", f"{name} -e/-c hands a shell to the network")
        return "fetch"
    if name in ("base64", "base32", "basenc") and (letters & {"d", "D"} or "--decode" in longs):
        return "decode"
    if name == "xxd" and ("r" in letters or "-revert" in args):
        return "decode"
    if name in ("gzip", "bzip2", "xz", "zstd") and "d" in letters:
        return "decode"
    if name == "openssl" and ({"-d", "-base64", "base64", "enc"} & set(args)):
        return "decode"
    return "decode" if name in _DECODERS else None


def shell_args(args: list[str]) -> tuple[str | None, list[str]]:
    """A shell's ``-c`` script (or None) and its operands.

    Args:
        args: the shell's arguments, without its name.

    Returns:
        The ``-c`` script (None without ``-c``) and the operands (empty with ``-s``).
    """
    has_c = reads_stdin = False
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            k += 1
            break
        if a in ("-o", "+o", "-O", "+O", "--rcfile", "--init-file"):
            k += 2
            continue
        if len(a) > 1 and a[0] in "-+":
            short = a[1:] if a[0] == "-" and not a.startswith("--") else ""
            has_c = has_c or "c" in short
            reads_stdin = reads_stdin or "s" in short
            k += 1
            continue
        break
    operands = args[k:]
    if has_c:
        return (operands[0] if operands else ""), operands
    return None, [] if reads_stdin else operands


def downloads(argv: list[str]) -> list[str]:
    """The files a ``curl``/``wget`` command writes what it downloads to.

    Args:
        argv: an unwrapped ``curl`` or ``wget`` command.

    Returns:
        The normalised output paths (``-o``/``-O``, or the URL's basename).
    """
    name, args = command_name(argv[0]), argv[1:]
    letter, long = ("O", "--output-document") if name == "wget" else ("o", "--output")
    outs: list[str] = []
    remote = False
    for k, a in enumerate(args):
        if a == long or re.fullmatch(rf"-[A-Za-z]*{letter}", a):
            outs.append(args[k + 1] if k + 1 < len(args) else "")
        elif a.startswith(long + "="):
            outs.append(a.split("=", 1)[1])
        elif m := re.fullmatch(rf"-[A-Za-z]*{letter}(.+)", a):
            outs.append(m[1])
        if name == "curl" and (a == "--remote-name" or re.fullmatch(r"-[A-Za-z]*O[A-Za-z]*", a)):
            remote = True
    if remote or (name == "wget" and not outs):
        urls = [a for a in args if re.match(r"(?i)(https?|ftp)://", a)]
        outs += [posixpath.basename(u.split("?", 1)[0].split("#", 1)[0]) for u in urls]
    return [posixpath.normpath(o) for o in outs if o and o != "-"]

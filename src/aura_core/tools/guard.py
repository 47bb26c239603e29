"""The command policy: parse a shell command line and refuse destructive or remote-code ones."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal

__all__ = ["PolicyDecision", "RuleName", "check_command"]

RuleName = Literal[
    "",
    "unparseable",
    "fork-bomb",
    "recursive-delete",
    "system-file",
    "disk-format",
    "raw-device",
    "remote-code",
    "decoded-code",
    "permissions",
    "move-system",
    "power",
    "kill-all",
    "crontab",
]


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    """The verdict on one command line.

    Attributes:
        allowed: whether the command may run.
        reason: one line saying why it was refused (``"allowed"`` when it was not).
        rule: the :data:`RuleName` that refused it; empty when allowed.
    """

    allowed: bool
    reason: str
    rule: str


class _Refused(Exception):
    def __init__(self, rule: RuleName, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason


Kind = Literal["fetch", "decode"] | None

_MAX_DEPTH = 12
_PH = re.compile(r"\x00(\d+)\x00")
_BRACE = re.compile(r"\{[^{}\s]*,[^{}\s]*\}")
_ASSIGN = re.compile(r"[A-Za-z_]\w*(\[[^\]]*\])?\+?=")
_VAR_REF = re.compile(r"\$\{[A-Za-z_]\w*\}|\$[A-Za-z_]\w*")
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
_REDIR_OPS = ("&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", "<", ">>", ">|", ">&", ">")
_WRITE_OPS = frozenset({"&>>", "&>", "<>", ">>", ">|", ">&", ">"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!"})

_SHELLS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "yash", "fish", "csh", "tcsh"}
)
_INTERP = re.compile(r"(python|pypy|perl|ruby|php|lua|node|nodejs|deno|bun)[\d.]*")
_CODE_FLAGS = {
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
# Wrappers that run another command: (options taking a value, positionals before the command).
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    "sudo": (
        frozenset(
            [
                "-u",
                "-g",
                "-h",
                "-p",
                "-C",
                "-D",
                "-r",
                "-t",
                "-T",
                "-U",
                "--user",
                "--group",
                "--host",
                "--prompt",
            ]
        ),
        0,
    ),
    "doas": (frozenset({"-u", "-C"}), 0),
    "env": (frozenset({"-u", "--unset", "-C", "--chdir"}), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "-n", "--class", "--classdata"}), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
    "time": (frozenset({"-f", "-o", "--format", "--output"}), 0),
    "exec": (frozenset({"-a"}), 0),
    "strace": (frozenset({"-o", "-e", "-p", "-s", "-u"}), 0),
    "chroot": (frozenset(), 1),
    "taskset": (frozenset(), 1),
    **{
        n: (frozenset(), 0)
        for n in (
            "nohup",
            "command",
            "builtin",
            "setsid",
            "unbuffer",
            "coproc",
            "busybox",
            "catchsegv",
            "fakeroot",
        )
    },
}
_XARGS_VALUED = frozenset(
    ["-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a", "--arg-file", "--delimiter", "--max-args"]
)
_DISK_TOOLS = frozenset(
    {
        "fdisk",
        "sfdisk",
        "cfdisk",
        "gdisk",
        "sgdisk",
        "parted",
        "wipefs",
        "mkswap",
        "mke2fs",
        "blkdiscard",
        "mkdosfs",
    }
)
_POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})
_SYSTEM_TREES = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/sbin",
    "/sys",
    "/usr",
)
_SYSTEM_DIRS = frozenset(
    {
        "/home",
        "/root",
        "/var",
        "/var/lib",
        "/var/log",
        "/var/cache",
        "/var/spool",
        "/var/mail",
        "/var/www",
        "/opt",
        "/srv",
        "/mnt",
        "/media",
        "/run",
        "/snap",
        "/tmp",
        "/var/tmp",
    }
)
_CRITICAL = (
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/gshadow",
    "/etc/sudoers",
    "/etc/fstab",
    "/proc/sysrq-trigger",
    "/boot",
)
_SAFE_DEV = re.compile(
    r"/dev/(null|zero|full|u?random|stdin|stdout|stderr|tty\w*|console|ptmx"
    r"|fd/\d+|pts/\d+|shm(/.*)?|mqueue(/.*)?|tcp/.*|udp/.*)"
)
_DESTRUCTIVE = frozenset(
    {"rm", "shred", "unlink", "rmdir", "mv", "chmod", "chown", "chgrp", "truncate", "dd"}
)


@dataclass(slots=True)
class _Word:
    text: str
    quoted: bool = False


@dataclass(slots=True)
class _Op:
    text: str


@dataclass(slots=True)
class _Redirect:
    op: str
    target: str = ""
    body: str | None = None


@dataclass(slots=True)
class _Cmd:
    argv: list[str] = field(default_factory=list)
    redirects: list[_Redirect] = field(default_factory=list)
    group: list[list[_Cmd]] | None = None


@dataclass(slots=True)
class _Sub:
    danger: Kind
    static: str | None


_Token = _Word | _Op | _Redirect


def _home() -> str:
    return posixpath.normpath(os.path.expanduser("~"))


def _name(word: str) -> str:
    return posixpath.basename(word.rstrip("/")) or word


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "xuU" and len(code) > 1:
            return chr(min(int(code[1:], 16), 0x10FFFF))
        if code[0].isdigit():
            return chr(int(code, 8) % 0x110000)
        return _ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text)


def _paren_end(s: str, i: int) -> int:
    """Index of the ``)`` closing a ``(`` that sits just before ``s[i]``."""
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
    raise _Refused("unparseable", "cannot parse the command: unbalanced parenthesis")


def _backtick_end(s: str, i: int) -> int:
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "`":
            return i
        i += 1
    raise _Refused("unparseable", "cannot parse the command: unbalanced backtick")


def _strip_assignments(argv: list[str]) -> list[str]:
    k = 0
    while k < len(argv) and _ASSIGN.match(argv[k]):
        k += 1
    return argv[k:]


def _flags(args: list[str]) -> tuple[set[str], set[str], list[str]]:
    """Split GNU-style arguments (flags may come anywhere) into letters, long options, operands."""
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


def _static_of(argv: list[str]) -> str | None:
    """The text ``echo``/``printf`` with literal arguments prints, else None."""
    argv = _strip_assignments(argv)
    if not argv or any(_PH.search(a) for a in argv):
        return None
    name, args = _name(argv[0]), argv[1:]
    if name == "echo":
        while args and re.fullmatch(r"-[neE]+", args[0]):
            args = args[1:]
        return _unescape(" ".join(args))
    if name == "printf" and args:
        rest = iter(args[1:])
        out = re.sub(r"%[-0-9.]*[sbdiqc]", lambda m: _unescape(next(rest, "")), _unescape(args[0]))
        return " ".join([out, *rest])
    return None


def _source_kind(argv: list[str]) -> Kind:
    """Whether a command produces network content (fetch) or decoded, hidden content (decode)."""
    name, args = _name(argv[0]), argv[1:]
    letters, longs, _ = _flags(args)
    if name in _FETCHERS:
        if name in ("nc", "ncat", "netcat") and letters & {"e", "c"}:
            raise _Refused("remote-code", f"{name} -e/-c hands a shell to the network")
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


def _describe(path: str) -> tuple[str, bool] | None:
    """Describe a protected absolute path: (description, inside a system tree)."""
    if any(ch in path for ch in "*?["):
        parts = path.split("/")
        glob_at = next(k for k, part in enumerate(parts) if any(ch in part for ch in "*?["))
        parent = "/".join(parts[:glob_at]) or "/"
        found = _describe(parent) if parent.startswith("/") else None
        if found:
            return f"everything in {found[0]}", found[1]
        for candidate in (*_SYSTEM_TREES, *_SYSTEM_DIRS, _home()):
            if fnmatchcase(candidate, path):
                return _describe(candidate)
        return None
    home = _home()
    if path == "/":
        return "/ (the root directory)", True
    if path in (home, "/root") or re.fullmatch(r"/home/[^/]+", path):
        return f"{path} (a home directory)", False
    if any(path == t or path.startswith(t + "/") for t in _SYSTEM_TREES):
        return f"{path} (a system path)", True
    if path in _SYSTEM_DIRS:
        return f"{path} (a system directory)", False
    return None


def _body(tokens: list[_Token], k: int) -> list[_Token]:
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


def _fork_bomb(tokens: list[_Token]) -> str | None:
    """Name of a function that calls itself in a pipe or in the background, if any."""
    for k, tok in enumerate(tokens):
        if not isinstance(tok, _Word):
            continue
        nxt = [getattr(t, "text", None) for t in tokens[k + 1 : k + 3]]
        if nxt == ["(", ")"] and isinstance(tokens[k + 1], _Op):
            name, body = tok.text, _body(tokens, k + 1)
        elif tok.text == "function" and k + 1 < len(tokens) and isinstance(tokens[k + 1], _Word):
            name, body = tokens[k + 1].text, _body(tokens, k + 2)  # type: ignore[union-attr]
        else:
            continue
        calls = any(
            isinstance(t, _Word)
            and t.text == name
            and (j == 0 or isinstance(body[j - 1], _Op) or getattr(body[j - 1], "text", "") == "{")
            for j, t in enumerate(body)
        )
        if calls and any(isinstance(t, _Op) and t.text in ("|", "&") for t in body):
            return name
    return None


class _Checker:
    """One check of one command line: lexes, parses and judges, raising :class:`_Refused`."""

    def __init__(self) -> None:
        self.subs: list[_Sub] = []
        self.vars: dict[str, str] = {}
        self.tainted: set[str] = set()
        self.cwd: str | None = None
        self.depth = 0

    # -- lexing -------------------------------------------------------------------------

    def lex(self, s: str) -> list[_Token]:
        out: list[_Token] = []
        buf: list[str] = []
        word = quoted = False
        pending: _Redirect | None = None
        heredocs: list[tuple[_Redirect, str, bool, bool]] = []
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
                out.extend(_Word(part) for part in text[1:-1].split(","))
            else:
                out.append(_Word(text, quoted))
            word = quoted = False

        def operator(text: str) -> None:
            nonlocal pending
            finish()
            if pending is not None:
                out.append(pending)
                pending = None
            out.append(_Op(text))

        while i < n:
            c = s[i]
            if c in " \t\r":
                finish()
                i += 1
            elif c == "\n":
                operator("\n")
                i = self._heredoc_bodies(s, i + 1, heredocs)
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
                    raise _Refused("unparseable", "cannot parse the command: unbalanced quote")
                buf.append(s[i + 1 : j])
                word = quoted = True
                i = j + 1
            elif c == '"' or s.startswith('$"', i):
                text, i = self._double_quoted(s, i + (1 if c == '"' else 2))
                buf.append(text)
                word = quoted = True
            elif s.startswith("$'", i):
                j = i + 2
                while j < n and s[j] != "'":
                    j += 2 if s[j] == "\\" else 1
                buf.append(_unescape(s[i + 2 : j]))
                word = quoted = True
                i = j + 1
            elif c in "$`":
                text, i, split = self._expand(s, i)
                pieces = re.split(r"[ \t\n]+", text) if split else [text]
                buf.append(pieces[0])
                word = word or bool(pieces[0]) or not split
                for piece in pieces[1:]:
                    finish()
                    if piece:
                        buf.append(piece)
                        word = True
            elif c in "<>" and s.startswith("(", i + 1):
                end = _paren_end(s, i + 2)
                buf.append(self._substitute(s[i + 2 : end], static_ok=False))
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
                pending = _Redirect(op)
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
                buf.append(_home())
                word = True
                i += 1
            else:
                buf.append(c)
                word = True
                i += 1
        finish()
        if pending is not None:
            out.append(pending)
        self._heredoc_bodies(s, n, heredocs)
        return out

    def _heredoc_bodies(self, s: str, i: int, docs: list[tuple[_Redirect, str, bool, bool]]) -> int:
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
            redirect.body = self._double_quoted(body, 0, end=None)[0] if expand else body
        return i

    def _double_quoted(self, s: str, i: int, end: str | None = '"') -> tuple[str, int]:
        out: list[str] = []
        while i < len(s):
            c = s[i]
            if end is not None and c == end:
                return "".join(out), i + 1
            if c == "\\" and s[i + 1 : i + 2] in ("$", "`", '"', "\\", "\n"):
                out.append(s[i + 1].strip("\n"))
                i += 2
            elif c in "$`":
                text, i, _ = self._expand(s, i)
                out.append(text)
            else:
                out.append(c)
                i += 1
        if end is not None:
            raise _Refused("unparseable", "cannot parse the command: unbalanced double quote")
        return "".join(out), i

    def _expand(self, s: str, i: int) -> tuple[str, int, bool]:
        """Expand ``$...`` or a backtick at ``s[i]``: (text, next index, word-splits)."""
        if s[i] == "`":
            end = _backtick_end(s, i + 1)
            text = self._substitute(s[i + 1 : end])
            return text, end + 1, "\x00" not in text
        if s.startswith("$((", i):
            end = _paren_end(s, i + 2)
            return s[i : end + 1], end + 1, False
        if s.startswith("$(", i):
            end = _paren_end(s, i + 2)
            text = self._substitute(s[i + 2 : end])
            return text, end + 1, "\x00" not in text
        if s.startswith("${", i):
            end = s.find("}", i + 2)
            if end < 0:
                raise _Refused("unparseable", "cannot parse the command: unbalanced ${")
            inner = s[i + 2 : end]
            if inner.startswith("IFS"):
                return " ", end + 1, True
            default = re.fullmatch(r"([A-Za-z_]\w*):?[-=](.*)", inner)
            if default:
                known = self._var(default[1])
                return (default[2] if known is None else known), end + 1, True
            known = self._var(inner) if re.fullmatch(r"[A-Za-z_]\w*", inner) else None
            return (s[i : end + 1] if known is None else known), end + 1, known is not None
        m = re.match(r"[A-Za-z_]\w*", s[i + 1 :])
        if m:
            if m[0] == "IFS":
                return " ", i + 4, True
            known = self._var(m[0])
            return ("$" + m[0] if known is None else known), i + 1 + len(m[0]), known is not None
        if s[i + 1 : i + 2] and s[i + 1] in "@*#?$!-0123456789":
            return s[i : i + 2], i + 2, False
        return "$", i + 1, False

    def _var(self, name: str) -> str | None:
        return _home() if name == "HOME" else self.vars.get(name)

    def _substitute(self, inner: str, *, static_ok: bool = True) -> str:
        """Check a command substitution; its static output, or a placeholder naming it."""
        sub = self.analyze(inner)
        if static_ok and sub.static is not None:
            return sub.static
        self.subs.append(sub)
        return f"\x00{len(self.subs) - 1}\x00"

    def _sub_danger(self, text: str) -> Kind:
        for m in _PH.finditer(text):
            if self.subs[int(m[1])].danger:
                return self.subs[int(m[1])].danger
        return None

    # -- parsing ------------------------------------------------------------------------

    def parse(
        self, toks: list[_Token], k: int = 0, closer: str = ""
    ) -> tuple[list[list[_Cmd]], int]:
        pipelines: list[list[_Cmd]] = []
        pipe: list[_Cmd] = []
        cmd = _Cmd()

        def end_cmd() -> None:
            nonlocal cmd
            if cmd.argv or cmd.redirects or cmd.group is not None:
                pipe.append(cmd)
            cmd = _Cmd()

        def end_pipe() -> None:
            nonlocal pipe
            end_cmd()
            if pipe:
                pipelines.append(pipe)
            pipe = []

        while k < len(toks):
            t = toks[k]
            if isinstance(t, _Op) and t.text == "(":
                nxt = toks[k + 1] if k + 1 < len(toks) else None
                if len(cmd.argv) == 1 and isinstance(nxt, _Op) and nxt.text == ")":
                    cmd = _Cmd()  # a function definition: f() { ...; }
                    k += 2
                    continue
                end_cmd()
                cmd.group, k = self.parse(toks, k + 1, ")")
                continue
            if isinstance(t, _Op):
                if t.text == closer:
                    break
                end_cmd() if t.text == "|" else end_pipe()
            elif isinstance(t, _Redirect):
                cmd.redirects.append(t)
            elif not cmd.argv and cmd.group is None and not t.quoted and t.text in ("{", "}"):
                if t.text == "}" and closer == "}":
                    break
                if t.text == "{":
                    cmd.group, k = self.parse(toks, k + 1, "}")
                    continue
            elif not cmd.argv and not t.quoted and t.text in _KEYWORDS:
                pass
            else:
                cmd.argv.append(t.text)
            k += 1
        end_pipe()
        return pipelines, k + 1

    # -- judging ------------------------------------------------------------------------

    def analyze(self, script: str) -> _Sub:
        """Check a whole script; its danger (fetched/decoded output) and static output."""
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                raise _Refused("unparseable", "the command nests shells too deeply to check")
            tokens = self.lex(script)
            pipelines, _ = self.parse(tokens)
            assigned = {
                w.split("=", 1)[0]: w.split("=", 1)[1]
                for pipe in pipelines
                for c in pipe
                if c.argv
                and not _strip_assignments(c.argv[1:] if c.argv[0] == "export" else c.argv)
                for w in c.argv
                if "=" in w and _ASSIGN.match(w)
            }
            if any(self.vars.get(key) != value for key, value in assigned.items()):
                self.vars.update(assigned)
                tokens = self.lex(script)
                pipelines, _ = self.parse(tokens)
            bomb = _fork_bomb(tokens)
            if bomb:
                raise _Refused(
                    "fork-bomb", f"fork bomb: function '{bomb}' keeps spawning copies of itself"
                )
            danger: Kind = None
            for pipe in pipelines:
                danger = self.pipeline(pipe) or danger
            static = None
            if len(pipelines) == 1 and len(pipelines[0]) == 1:
                static = _static_of(pipelines[0][0].argv)
            return _Sub(danger, static)
        finally:
            self.depth -= 1

    def pipeline(
        self,
        pipe: list[_Cmd],
        kinds: list[Kind] | None = None,
        statics: list[str | None] | None = None,
    ) -> Kind:
        """Judge one pipeline (fed by ``kinds``/``statics`` upstream); the content it makes."""
        kinds = list(kinds or [])
        statics = list(statics or [])
        for cmd in pipe:
            for r in cmd.redirects:
                if r.op in _WRITE_OPS and not re.fullmatch(r"\d*-?", r.target):
                    self.write(r.target)
            if cmd.group is not None:
                kind: Kind = None
                for inner in cmd.group:
                    kind = self.pipeline(inner, kinds, statics) or kind
                kinds.append(kind)
                statics.append(None)
                continue
            here = next((r.body for r in cmd.redirects if r.op == "<<<"), None)
            prev = statics[-1] if statics else here
            argv = self._unwrap(cmd.argv, prev)
            kind = _source_kind(argv) if argv else None
            kind = kind or next((self._sub_danger(a) for a in argv if self._sub_danger(a)), None)
            if argv:
                self._judge(argv, cmd, kinds, statics)
                if _name(argv[0]) in ("curl", "wget"):
                    self._taint_downloads(argv)
            kinds.append(kind)
            statics.append(_static_of(argv) if argv else None)
        danger = next((k for k in kinds if k), None)
        if danger:
            for cmd in pipe:
                self.tainted.update(
                    posixpath.normpath(r.target)
                    for r in cmd.redirects
                    if r.op in _WRITE_OPS and r.target
                )
                if cmd.argv and _name(cmd.argv[0]) == "tee":
                    self.tainted.update(posixpath.normpath(a) for a in _flags(cmd.argv[1:])[2])
        return danger

    def _unwrap(self, argv: list[str], prev_static: str | None) -> list[str]:
        """Strip ``sudo``/``env``/``timeout``/``xargs``... and assignments off a command."""
        for _ in range(16):
            argv = _strip_assignments(argv)
            if not argv:
                return argv
            name, args = _name(argv[0]), argv[1:]
            if name in ("su", "runuser", "watch"):
                script = None
                for k, a in enumerate(args):
                    if a in ("-c", "--command") and k + 1 < len(args):
                        script = args[k + 1]
                    elif a.startswith("--command="):
                        script = a.split("=", 1)[1]
                if name == "watch":
                    script = " ".join(a for a in args if not a.startswith("-") and not a.isdigit())
                if script:
                    self._code(script, is_script=True)
                return []
            if name == "env":
                for k, a in enumerate(args):
                    if a in ("-S", "--split-string") and k + 1 < len(args):
                        split = [t.text for t in self.lex(args[k + 1]) if isinstance(t, _Word)]
                        args = args[:k] + split + args[k + 2 :]
                        break
            if name == "xargs":
                rest = self._skip(args, _XARGS_VALUED, 0) or ["echo"]
                argv = rest + (prev_static.split() if prev_static else [])
                continue
            spec = _WRAPPERS.get(name)
            if spec is None:
                return argv
            argv = self._skip(args, *spec, lone_dash=name == "env")
        return argv

    @staticmethod
    def _skip(
        args: list[str], valued: frozenset[str], positional: int, lone_dash: bool = False
    ) -> list[str]:
        k = 0
        while k < len(args):
            a = args[k]
            if a == "--":
                k += 1
                break
            if a.startswith("-") and (len(a) > 1 or lone_dash):
                k += 2 if a in valued else 1
                continue
            break
        return args[k + positional :]

    def _judge(
        self, argv: list[str], cmd: _Cmd, kinds: list[Kind], statics: list[str | None]
    ) -> None:
        name, args = _name(argv[0]), argv[1:]
        self._code_file(argv[0])
        if name in _SHELLS:
            if any(r.target.startswith(("/dev/tcp/", "/dev/udp/")) for r in cmd.redirects):
                raise _Refused("remote-code", f"{name} wired to /dev/tcp is a reverse shell")
            script, operands = _shell_args(args)
            if script is not None:
                self._code(script, is_script=True)
            elif operands and operands[0] not in ("-", "/dev/stdin"):
                self._code_file(operands[0])
            else:
                self._stdin(cmd, kinds, statics, name, recurse=True)
        elif m := _INTERP.fullmatch(name):
            self._interpreter(m[1], args, cmd, kinds, statics)
        elif name == "eval":
            self._code(" ".join(args), is_script=True)
        elif name in ("source", "."):
            if args and args[0] not in ("-", "/dev/stdin"):
                self._code_file(args[0])
            else:
                self._stdin(cmd, kinds, statics, name, recurse=True)
        elif (name.startswith("mkfs") or name in _DISK_TOOLS) and not (
            {"-l", "--list", "-d", "--dump", "print"} & set(args)
        ):
            raise _Refused("disk-format", f"{name} formats or repartitions disks")
        rule = _RULES.get(name)
        if rule is not None:
            rule(self, name, args)

    def _interpreter(
        self, family: str, args: list[str], cmd: _Cmd, kinds: list[Kind], statics: list[str | None]
    ) -> None:
        for k, a in enumerate(args):
            if a in _CODE_FLAGS.get(family, ()):
                self._code(args[k + 1] if k + 1 < len(args) else "", is_script=False)
                return
            if a == "-":
                break
            if a.startswith("-m") and family in ("python", "pypy"):
                return
            if not a.startswith("-"):
                self._code_file(a)
                return
        self._stdin(cmd, kinds, statics, family, recurse=False)

    def _stdin(
        self, cmd: _Cmd, kinds: list[Kind], statics: list[str | None], what: str, *, recurse: bool
    ) -> None:
        """Judge what a shell or interpreter reads as its program from standard input."""
        kind = next((k for k in kinds if k), None)
        if kind:
            _refuse_kind(kind, f"piping into {what}")
        for r in cmd.redirects:
            if r.op in ("<", "<>"):
                if r.target.startswith(("/dev/tcp/", "/dev/udp/")):
                    raise _Refused("remote-code", f"{what} reads its program from the network")
                self._code_file(r.target)
            if r.body is not None:
                self._code(r.body, is_script=recurse)
        if recurse and statics and statics[-1] is not None:
            self._code(statics[-1], is_script=True)

    def _code(self, text: str, *, is_script: bool) -> None:
        """Judge program text: refuse substituted remote/decoded content, check shell scripts."""
        kind = self._sub_danger(text)
        if kind:
            _refuse_kind(kind, "the command")
        if is_script:
            self.analyze(text)

    def _code_file(self, path: str) -> None:
        kind = self._sub_danger(path)
        if kind:
            _refuse_kind(kind, "the command")
        if path and posixpath.normpath(path) in self.tainted:
            raise _Refused(
                "remote-code",
                f"runs {path}, which this same command downloaded or "
                "decoded; download it, read it, then run it separately",
            )

    def _taint_downloads(self, argv: list[str]) -> None:
        name, args = _name(argv[0]), argv[1:]
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
            if name == "curl" and (
                a == "--remote-name" or re.fullmatch(r"-[A-Za-z]*O[A-Za-z]*", a)
            ):
                remote = True
        if remote or (name == "wget" and not outs):
            urls = [a for a in args if re.match(r"(?i)(https?|ftp)://", a)]
            outs += [posixpath.basename(u.split("?", 1)[0].split("#", 1)[0]) for u in urls]
        self.tainted.update(posixpath.normpath(o) for o in outs if o and o != "-")

    # -- paths --------------------------------------------------------------------------

    def variants(self, raw: str) -> list[tuple[str, str]]:
        """Absolute normalised forms of ``raw``; also with unknown ``$VARS`` empty."""
        forms = [(raw, "")]
        if _VAR_REF.search(raw):
            names = ", ".join(_VAR_REF.findall(raw))
            forms.append((_VAR_REF.sub("", raw), f" if {names} is empty or unset"))
        out = []
        for text, note in forms:
            if not text.startswith("/"):
                if not self.cwd or not text:
                    continue
                text = posixpath.join(self.cwd, text)
            out.append((posixpath.normpath(re.sub("/+", "/", text)), note))
        return out

    def protect(self, raw: str, template: str, *, whole: bool, rule: RuleName) -> None:
        """Refuse when ``raw`` names a protected path (``whole``: any, else system trees)."""
        for path, note in self.variants(raw):
            found = _describe(path)
            if found and (whole or found[1]):
                raise _Refused(rule, template.format(found[0]) + note)

    def write(self, raw: str) -> None:
        """Refuse writes to raw block devices and to critical system files."""
        for path, _ in self.variants(raw):
            if path.startswith("/dev/") and not _SAFE_DEV.fullmatch(path):
                raise _Refused("raw-device", f"writes to the raw device {path}")
            if any(path == c or path.startswith(c + "/") for c in _CRITICAL):
                raise _Refused("system-file", f"overwrites the system file {path}")


def _refuse_kind(kind: Kind, what: str) -> None:
    if kind == "fetch":
        raise _Refused(
            "remote-code",
            f"{what} runs content downloaded from the network; "
            "download it to a file, read it, then run it separately",
        )
    raise _Refused(
        "decoded-code",
        f"{what} runs decoded or obfuscated content "
        "(base64/xxd/rev/...); run the plain command instead",
    )


def _shell_args(args: list[str]) -> tuple[str | None, list[str]]:
    """A shell's ``-c`` script (or None) and its operands."""
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


def _rule_rm(c: _Checker, name: str, args: list[str]) -> None:
    letters, longs, operands = _flags(args)
    if "--no-preserve-root" in longs:
        raise _Refused("recursive-delete", "rm --no-preserve-root would let rm delete /")
    recursive = bool(letters & {"r", "R"}) or "--recursive" in longs
    template = "recursive deletion of {}" if recursive else "deleting {}"
    for op in operands:
        c.protect(op, template, whole=recursive, rule="recursive-delete")


def _rule_perms(c: _Checker, name: str, args: list[str]) -> None:
    letters, longs, operands = _flags(args)
    recursive = "R" in letters or "--recursive" in longs
    for op in operands:
        if recursive:
            c.protect(op, f"recursive {name} on {{}}", whole=True, rule="permissions")
        elif any(path == "/" for path, _ in c.variants(op)):
            raise _Refused("permissions", f"{name} on / breaks the whole system")


def _rule_mv(c: _Checker, name: str, args: list[str]) -> None:
    letters, longs, operands = _flags(args)
    targeted = "t" in letters or "--target-directory" in longs
    for op in operands if targeted else operands[:-1]:
        c.protect(op, "moving {}", whole=True, rule="move-system")
    if len(operands) > 1 and not targeted:
        c.write(operands[-1])


def _rule_copy(c: _Checker, name: str, args: list[str]) -> None:
    operands = _flags(args)[2]
    if len(operands) > 1:
        c.write(operands[-1])


def _rule_writes(c: _Checker, name: str, args: list[str]) -> None:
    letters, longs, operands = _flags(args)
    if name == "dd":
        operands = [a[3:] for a in args if a.startswith("of=")]
    elif name == "sed":
        if not ("i" in letters or "--in-place" in longs):
            return
        operands = operands if letters & {"e", "f"} else operands[1:]
    for op in operands:
        c.write(op)


def _rule_find(c: _Checker, name: str, args: list[str]) -> None:
    k = 0
    while k < len(args) and (args[k] in ("-H", "-L", "-P") or args[k].startswith("-O")):
        k += 1
    starts: list[str] = []
    while k < len(args) and not args[k].startswith(("-", "(", "!", ")")):
        starts.append(args[k])
        k += 1
    rest = args[k:]
    execs: list[list[str]] = []
    for j, a in enumerate(rest):
        if a in ("-exec", "-execdir", "-ok", "-okdir"):
            end = next((e for e in range(j + 1, len(rest)) if rest[e] in (";", "+")), len(rest))
            execs.append(rest[j + 1 : end])
    destructive = "-delete" in rest or any(e and _name(e[0]) in _DESTRUCTIVE for e in execs)
    for start in starts or ["."]:
        if destructive:
            c.protect(start, "find -delete/-exec rm across {}", whole=True, rule="recursive-delete")
        for seg in execs:
            if seg:
                c._judge([a.replace("{}", start) for a in seg], _Cmd(), [], [])


def _rule_kill(c: _Checker, name: str, args: list[str]) -> None:
    if name == "killall5":
        raise _Refused("kill-all", "killall5 signals every process on the system")
    k = 0
    if args and args[0] in ("-s", "-n"):
        k = 2
    elif args and args[0].startswith("-") and args[0] != "--":
        k = 1
    if args[k : k + 1] == ["--"]:
        k += 1
    if {"-1", "1"} & set(args[k:]):
        raise _Refused("kill-all", "kill -1 (or pid 1) signals every process on the system")


def _rule_power(c: _Checker, name: str, args: list[str]) -> None:
    if name in _POWER:
        raise _Refused("power", f"{name} stops or restarts the machine")
    targets = (
        {"0", "6"}
        if name in ("init", "telinit")
        else {"poweroff", "reboot", "halt", "kexec", "rescue", "emergency"}
    )
    if targets & set(args):
        raise _Refused("power", f"{name} {' '.join(args)} stops or restarts the machine")


def _rule_crontab(c: _Checker, name: str, args: list[str]) -> None:
    if any(re.fullmatch(r"-[A-Za-z]*r[A-Za-z]*", a) for a in args):
        raise _Refused("crontab", "crontab -r deletes all your cron jobs without asking")


def _rule_cd(c: _Checker, name: str, args: list[str]) -> None:
    operands = _flags(args)[2]
    target = operands[0] if operands else _home()
    if target.startswith("/"):
        c.cwd = posixpath.normpath(target)
    elif c.cwd is not None:
        c.cwd = posixpath.normpath(posixpath.join(c.cwd, target))


_RULES = {
    "rm": _rule_rm,
    "chmod": _rule_perms,
    "chown": _rule_perms,
    "chgrp": _rule_perms,
    "mv": _rule_mv,
    "cp": _rule_copy,
    "install": _rule_copy,
    "ln": _rule_copy,
    "rsync": _rule_copy,
    "dd": _rule_writes,
    "tee": _rule_writes,
    "truncate": _rule_writes,
    "shred": _rule_writes,
    "sed": _rule_writes,
    "find": _rule_find,
    "kill": _rule_kill,
    "killall5": _rule_kill,
    "crontab": _rule_crontab,
    "cd": _rule_cd,
    "pushd": _rule_cd,
    **{n: _rule_power for n in (*_POWER, "init", "telinit", "systemctl", "loginctl")},
}


def check_command(command: str) -> PolicyDecision:
    """Judge a shell command line against the command policy.

    The line is parsed like a shell would (quotes, escapes, ``${IFS}``, ``$'..'``, pipes,
    lists, subshells, substitutions, ``sh -c``/``eval`` strings, wrappers such as ``sudo`` or
    ``xargs``) and every simple command in it is judged after normalisation.

    Args:
        command: the command line the ``bash`` tool was asked to run.

    Returns:
        The decision; ``reason`` explains a refusal in one line.
    """
    if "\x00" in command:
        return PolicyDecision(False, "the command contains a NUL byte", "unparseable")
    try:
        _Checker().analyze(command)
    except _Refused as exc:
        return PolicyDecision(False, exc.reason, exc.rule)
    except RecursionError:
        return PolicyDecision(False, "the command nests too deeply to check", "unparseable")
    except (IndexError, KeyError, ValueError) as exc:
        return PolicyDecision(False, f"cannot parse the command ({exc})", "unparseable")
    return PolicyDecision(True, "allowed", "")

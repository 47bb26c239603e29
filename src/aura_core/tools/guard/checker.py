"""One check of one command line: lex, parse, unwrap and judge every command, with its state."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from .decision import Kind, Refused, RuleName, refuse_kind
from .forkbomb import fork_bomb
from .lexer import lex
from .parser import Cmd, parse
from .paths import CRITICAL, SAFE_DEV, describe, home
from .paths import variants as path_variants
from .remote import CODE_FLAGS, INTERP, SHELLS, downloads, shell_args, source_kind
from .rules import RULES, formats_disks
from .words import ASSIGN, PLACEHOLDER, command_name, flags, static_of, strip_assignments
from .wrappers import unwrap

__all__ = ["Checker"]

_MAX_DEPTH = 12
_WRITE_OPS = frozenset({"&>>", "&>", "<>", ">>", ">|", ">&", ">"})


@dataclass(slots=True)
class _Sub:
    danger: Kind
    static: str | None


class Checker:
    """One check of one command line: lexes, parses and judges, raising :class:`Refused`.

    Attributes:
        subs: the command substitutions met so far (placeholders index into it).
        vars: shell variables assigned by the command itself.
        tainted: files this command downloads or decodes into (running them is refused).
        cwd: the directory a ``cd`` moved to, when known.
        depth: how deeply scripts are nested (``sh -c``, ``eval``, substitutions).
    """

    def __init__(self) -> None:
        self.subs: list[_Sub] = []
        self.vars: dict[str, str] = {}
        self.tainted: set[str] = set()
        self.cwd: str | None = None
        self.depth = 0

    # -- expansion (the lexer's Expander) -------------------------------------------------

    def var(self, name: str) -> str | None:
        """The known value of a shell variable, or None."""
        return home() if name == "HOME" else self.vars.get(name)

    def substitute(self, inner: str, *, static_ok: bool = True) -> str:
        """Check a command substitution; its static output, or a placeholder naming it."""
        sub = self.analyze(inner)
        if static_ok and sub.static is not None:
            return sub.static
        self.subs.append(sub)
        return f"\x00{len(self.subs) - 1}\x00"

    def _sub_danger(self, text: str) -> Kind:
        for m in PLACEHOLDER.finditer(text):
            if self.subs[int(m[1])].danger:
                return self.subs[int(m[1])].danger
        return None

    # -- judging --------------------------------------------------------------------------

    def analyze(self, script: str) -> _Sub:
        """Check a whole script; its danger (fetched/decoded output) and static output."""
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                raise Refused("unparseable", "the command nests shells too deeply to check")
            tokens = lex(script, self)
            pipelines, _ = parse(tokens)
            assigned = {
                w.split("=", 1)[0]: w.split("=", 1)[1]
                for pipe in pipelines
                for c in pipe
                if c.argv and not strip_assignments(c.argv[1:] if c.argv[0] == "export" else c.argv)
                for w in c.argv
                if "=" in w and ASSIGN.match(w)
            }
            if any(self.vars.get(key) != value for key, value in assigned.items()):
                self.vars.update(assigned)
                tokens = lex(script, self)
                pipelines, _ = parse(tokens)
            bomb = fork_bomb(tokens)
            if bomb:
                raise Refused(
                    "fork-bomb", f"fork bomb: function '{bomb}' keeps spawning copies of itself"
                )
            danger: Kind = None
            for pipe in pipelines:
                danger = self.pipeline(pipe) or danger
            static = None
            if len(pipelines) == 1 and len(pipelines[0]) == 1:
                static = static_of(pipelines[0][0].argv)
            return _Sub(danger, static)
        finally:
            self.depth -= 1

    def pipeline(
        self,
        pipe: list[Cmd],
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
            argv = unwrap(self, cmd.argv, prev)
            kind = source_kind(argv) if argv else None
            kind = kind or next((self._sub_danger(a) for a in argv if self._sub_danger(a)), None)
            if argv:
                self.judge(argv, cmd, kinds, statics)
                if command_name(argv[0]) in ("curl", "wget"):
                    self.tainted.update(downloads(argv))
            kinds.append(kind)
            statics.append(static_of(argv) if argv else None)
        danger = next((k for k in kinds if k), None)
        if danger:
            for cmd in pipe:
                self.tainted.update(
                    posixpath.normpath(r.target)
                    for r in cmd.redirects
                    if r.op in _WRITE_OPS and r.target
                )
                if cmd.argv and command_name(cmd.argv[0]) == "tee":
                    self.tainted.update(posixpath.normpath(a) for a in flags(cmd.argv[1:])[2])
        return danger

    def judge(
        self, argv: list[str], cmd: Cmd, kinds: list[Kind], statics: list[str | None]
    ) -> None:
        """Judge one unwrapped simple command, given what the pipeline feeds it."""
        name, args = command_name(argv[0]), argv[1:]
        self.code_file(argv[0])
        if name in SHELLS:
            if any(r.target.startswith(("/dev/tcp/", "/dev/udp/")) for r in cmd.redirects):
                raise Refused("remote-code", f"{name} wired to /dev/tcp is a reverse shell")
            script, operands = shell_args(args)
            if script is not None:
                self.code(script, is_script=True)
            elif operands and operands[0] not in ("-", "/dev/stdin"):
                self.code_file(operands[0])
            else:
                self._stdin(cmd, kinds, statics, name, recurse=True)
        elif m := INTERP.fullmatch(name):
            self._interpreter(m[1], args, cmd, kinds, statics)
        elif name == "eval":
            self.code(" ".join(args), is_script=True)
        elif name in ("source", "."):
            if args and args[0] not in ("-", "/dev/stdin"):
                self.code_file(args[0])
            else:
                self._stdin(cmd, kinds, statics, name, recurse=True)
        elif formats_disks(name, args):
            raise Refused("disk-format", f"{name} formats or repartitions disks")
        rule = RULES.get(name)
        if rule is not None:
            rule(self, name, args)

    def _interpreter(
        self, family: str, args: list[str], cmd: Cmd, kinds: list[Kind], statics: list[str | None]
    ) -> None:
        for k, a in enumerate(args):
            if a in CODE_FLAGS.get(family, ()):
                self.code(args[k + 1] if k + 1 < len(args) else "", is_script=False)
                return
            if a == "-":
                break
            if a.startswith("-m") and family in ("python", "pypy"):
                return
            if not a.startswith("-"):
                self.code_file(a)
                return
        self._stdin(cmd, kinds, statics, family, recurse=False)

    def _stdin(
        self, cmd: Cmd, kinds: list[Kind], statics: list[str | None], what: str, *, recurse: bool
    ) -> None:
        """Judge what a shell or interpreter reads as its program from standard input."""
        kind = next((k for k in kinds if k), None)
        if kind:
            refuse_kind(kind, f"piping into {what}")
        for r in cmd.redirects:
            if r.op in ("<", "<>"):
                if r.target.startswith(("/dev/tcp/", "/dev/udp/")):
                    raise Refused("remote-code", f"{what} reads its program from the network")
                self.code_file(r.target)
            if r.body is not None:
                self.code(r.body, is_script=recurse)
        if recurse and statics and statics[-1] is not None:
            self.code(statics[-1], is_script=True)

    def code(self, text: str, *, is_script: bool) -> None:
        """Judge program text: refuse substituted remote/decoded content, check shell scripts."""
        kind = self._sub_danger(text)
        if kind:
            refuse_kind(kind, "the command")
        if is_script:
            self.analyze(text)

    def code_file(self, path: str) -> None:
        """Refuse running a file that is substituted remote content or was downloaded here."""
        kind = self._sub_danger(path)
        if kind:
            refuse_kind(kind, "the command")
        if path and posixpath.normpath(path) in self.tainted:
            raise Refused(
                "remote-code",
                f"runs {path}, which this same command downloaded or "
                "decoded; download it, read it, then run it separately",
            )

    # -- paths ----------------------------------------------------------------------------

    def variants(self, raw: str) -> list[tuple[str, str]]:
        """Absolute normalised forms of ``raw``; also with unknown ``$VARS`` empty."""
        return path_variants(raw, self.cwd)

    def protect(self, raw: str, template: str, *, whole: bool, rule: RuleName) -> None:
        """Refuse when ``raw`` names a protected path (``whole``: any, else system trees)."""
        for path, note in self.variants(raw):
            found = describe(path)
            if found and (whole or found[1]):
                raise Refused(rule, template.format(found[0]) + note)

    def write(self, raw: str) -> None:
        """Refuse writes to raw block devices and to critical system files."""
        for path, _ in self.variants(raw):
            if path.startswith("/dev/") and not SAFE_DEV.fullmatch(path):
                raise Refused("raw-device", f"writes to the raw device {path}")
            if any(path == c or path.startswith(c + "/") for c in CRITICAL):
                raise Refused("system-file", f"overwrites the system file {path}")

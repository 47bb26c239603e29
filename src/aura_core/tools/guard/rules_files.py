"""Rules for commands that delete, move, overwrite or re-permission files."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from .decision import Refused
from .parser import Cmd
from .paths import home
from .words import command_name, flags

if TYPE_CHECKING:
    from .checker import Checker

__all__ = [
    "rule_cd",
    "rule_copy",
    "rule_find",
    "rule_mv",
    "rule_perms",
    "rule_rm",
    "rule_writes",
]

_DESTRUCTIVE = frozenset(
    {"rm", "shred", "unlink", "rmdir", "mv", "chmod", "chown", "chgrp", "truncate", "dd"}
)


def rule_rm(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``rm`` of protected paths (recursively: homes and system directories too)."""
    letters, longs, operands = flags(args)
    if "--no-preserve-root" in longs:
        raise Refused("recursive-delete", "rm --no-preserve-root would let rm delete /")
    recursive = bool(letters & {"r", "R"}) or "--recursive" in longs
    template = "recursive deletion of {}" if recursive else "deleting {}"
    for op in operands:
        c.protect(op, template, whole=recursive, rule="recursive-delete")


def rule_perms(c: Checker, name: str, args: list[str]) -> None:
    """Refuse recursive ``chmod``/``chown``/``chgrp`` of protected paths, or any on ``/``."""
    letters, longs, operands = flags(args)
    recursive = "R" in letters or "--recursive" in longs
    for op in operands:
        if recursive:
            c.protect(op, f"recursive {name} on {{}}", whole=True, rule="permissions")
        elif any(path == "/" for path, _ in c.variants(op)):
            raise Refused("permissions", f"{name} on / breaks the whole system")


def rule_mv(c: Checker, name: str, args: list[str]) -> None:
    """Refuse moving protected paths, or moving onto a device or critical file."""
    letters, longs, operands = flags(args)
    targeted = "t" in letters or "--target-directory" in longs
    for op in operands if targeted else operands[:-1]:
        c.protect(op, "moving {}", whole=True, rule="move-system")
    if len(operands) > 1 and not targeted:
        c.write(operands[-1])


def rule_copy(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``cp``/``install``/``ln``/``rsync`` onto a device or critical file."""
    operands = flags(args)[2]
    if len(operands) > 1:
        c.write(operands[-1])


def rule_writes(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``dd of=``/``tee``/``truncate``/``shred``/``sed -i`` on devices or critical files."""
    letters, longs, operands = flags(args)
    if name == "dd":
        operands = [a[3:] for a in args if a.startswith("of=")]
    elif name == "sed":
        if not ("i" in letters or "--in-place" in longs):
            return
        operands = operands if letters & {"e", "f"} else operands[1:]
    for op in operands:
        c.write(op)


def rule_find(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``find -delete``/``-exec rm`` across protected paths; judge ``-exec`` commands."""
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
    destructive = "-delete" in rest or any(e and command_name(e[0]) in _DESTRUCTIVE for e in execs)
    for start in starts or ["."]:
        if destructive:
            c.protect(start, "find -delete/-exec rm across {}", whole=True, rule="recursive-delete")
        for seg in execs:
            if seg:
                c.judge([a.replace("{}", start) for a in seg], Cmd(), [], [])


def rule_cd(c: Checker, name: str, args: list[str]) -> None:
    """Follow ``cd``/``pushd`` so later relative paths resolve against the new directory."""
    operands = flags(args)[2]
    target = operands[0] if operands else home()
    if target.startswith("/"):
        c.cwd = posixpath.normpath(target)
    elif c.cwd is not None:
        c.cwd = posixpath.normpath(posixpath.join(c.cwd, target))

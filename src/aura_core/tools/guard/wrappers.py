"""Commands that run other commands: ``sudo``, ``env``, ``timeout``, ``xargs``, ``su -c``..."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lexer import lex
from .tokens import Word
from .words import command_name, strip_assignments

if TYPE_CHECKING:
    from .checker import Checker

__all__ = ["unwrap"]

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


def unwrap(checker: Checker, argv: list[str], prev_static: str | None) -> list[str]:
    """Strip ``sudo``/``env``/``timeout``/``xargs``... and assignments off a command.

    ``su -c``, ``runuser -c`` and ``watch`` scripts are judged as nested scripts here.

    Args:
        checker: the check in progress, which judges nested scripts.
        argv: the words of a simple command.
        prev_static: what the previous pipeline stage prints, when known (fed to ``xargs``).

    Returns:
        The command that actually runs; empty when nothing is left to judge.

    Raises:
        Refused: when a nested script is refused.
    """
    for _ in range(16):
        argv = strip_assignments(argv)
        if not argv:
            return argv
        name, args = command_name(argv[0]), argv[1:]
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
                checker.code(script, is_script=True)
            return []
        if name == "env":
            for k, a in enumerate(args):
                if a in ("-S", "--split-string") and k + 1 < len(args):
                    split = [t.text for t in lex(args[k + 1], checker) if isinstance(t, Word)]
                    args = args[:k] + split + args[k + 2 :]
                    break
        if name == "xargs":
            rest = _skip_options(args, _XARGS_VALUED, 0) or ["echo"]
            argv = rest + (prev_static.split() if prev_static else [])
            continue
        spec = _WRAPPERS.get(name)
        if spec is None:
            return argv
        argv = _skip_options(args, *spec, lone_dash=name == "env")
    return argv


def _skip_options(
    args: list[str], valued: frozenset[str], positional: int, lone_dash: bool = False
) -> list[str]:
    """Skip a wrapper's options (and ``positional`` operands) to reach the wrapped command.

    Args:
        args: the wrapper's arguments.
        valued: options that take a separate value.
        positional: operands before the command (``timeout 5 cmd``).
        lone_dash: whether a lone ``-`` is an option (``env -``).

    Returns:
        The wrapped command's words.
    """
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

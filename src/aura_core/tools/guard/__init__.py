"""The command policy: parse a shell command line and refuse destructive or remote-code ones."""

from __future__ import annotations

from .checker import Checker
from .decision import PolicyDecision, Refused, RuleName

__all__ = ["PolicyDecision", "RuleName", "check_command"]


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
        Checker().analyze(command)
    except Refused as exc:
        return PolicyDecision(False, exc.reason, exc.rule)
    except RecursionError:
        return PolicyDecision(False, "the command nests too deeply to check", "unparseable")
    except (IndexError, KeyError, ValueError) as exc:
        return PolicyDecision(False, f"cannot parse the command ({exc})", "unparseable")
    return PolicyDecision(True, "allowed", "")

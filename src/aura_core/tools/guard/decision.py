"""The verdict on a command line: rule names, the public decision and the internal refusal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Kind", "PolicyDecision", "Refused", "RuleName", "refuse_kind"]

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

# What a command's output is: downloaded from the network, decoded/obfuscated, or neither.
Kind = Literal["fetch", "decode"] | None


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


class Refused(Exception):
    """Raised anywhere in the check to refuse the whole command line."""

    def __init__(self, rule: RuleName, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason


def refuse_kind(kind: Kind, what: str) -> None:
    """Refuse running content that was downloaded (``fetch``) or decoded (``decode``).

    Args:
        kind: where the content came from.
        what: the subject of the reason, e.g. ``"piping into sh"``.

    Raises:
        Refused: always, with rule ``remote-code`` or ``decoded-code``.
    """
    if kind == "fetch":
        raise Refused(
            "remote-code",
            f"{what} runs content downloaded from the network; "
            "download it to a file, read it, then run it separately",
        )
    raise Refused(
        "decoded-code",
        f"{what} runs decoded or obfuscated content "
        "(base64/xxd/rev/...); run the plain command instead",
    )

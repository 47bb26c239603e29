"""Rules for commands that control the machine: disks, power, killing everything, cron."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .decision import Refused

if TYPE_CHECKING:
    from .checker import Checker

__all__ = ["POWER", "formats_disks", "rule_crontab", "rule_kill", "rule_power"]

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
POWER = frozenset({"shutdown", "reboot", "halt", "poweroff"})


def formats_disks(name: str, args: list[str]) -> bool:
    """Whether a command formats or repartitions disks (listing/dumping is fine).

    Args:
        name: the command name.
        args: its arguments.

    Returns:
        True for ``mkfs*``, ``fdisk``, ``parted``, ``wipefs``... unless only listing.
    """
    return (name.startswith("mkfs") or name in _DISK_TOOLS) and not (
        {"-l", "--list", "-d", "--dump", "print"} & set(args)
    )


def rule_kill(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``kill -1``, ``kill 1`` and ``killall5``, which signal every process."""
    if name == "killall5":
        raise Refused("kill-all", "killall5 signals every process on the system")
    k = 0
    if args and args[0] in ("-s", "-n"):
        k = 2
    elif args and args[0].startswith("-") and args[0] != "--":
        k = 1
    if args[k : k + 1] == ["--"]:
        k += 1
    if {"-1", "1"} & set(args[k:]):
        raise Refused("kill-all", "kill -1 (or pid 1) signals every process on the system")


def rule_power(c: Checker, name: str, args: list[str]) -> None:
    """Refuse shutting down or restarting the machine (``reboot``, ``init 0``, ``systemctl``...)."""
    if name in POWER:
        raise Refused("power", f"{name} stops or restarts the machine")
    targets = (
        {"0", "6"}
        if name in ("init", "telinit")
        else {"poweroff", "reboot", "halt", "kexec", "rescue", "emergency"}
    )
    if targets & set(args):
        raise Refused("power", f"{name} {' '.join(args)} stops or restarts the machine")


def rule_crontab(c: Checker, name: str, args: list[str]) -> None:
    """Refuse ``crontab -r``, which deletes every cron job without asking."""
    if any(re.fullmatch(r"-[A-Za-z]*r[A-Za-z]*", a) for a in args):
        raise Refused("crontab", "crontab -r deletes all your cron jobs without asking")

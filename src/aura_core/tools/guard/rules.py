"""The per-command rules, by command name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .rules_files import (
    rule_cd,
    rule_copy,
    rule_find,
    rule_mv,
    rule_perms,
    rule_rm,
    rule_writes,
)
from .rules_system import POWER, formats_disks, rule_crontab, rule_kill, rule_power

if TYPE_CHECKING:
    from .checker import Checker

__all__ = ["RULES", "Rule", "formats_disks"]

# A rule judges one unwrapped command (name, arguments) and raises Refused to refuse it.
Rule = Callable[["Checker", str, list[str]], None]

RULES: dict[str, Rule] = {
    "rm": rule_rm,
    "chmod": rule_perms,
    "chown": rule_perms,
    "chgrp": rule_perms,
    "mv": rule_mv,
    "cp": rule_copy,
    "install": rule_copy,
    "ln": rule_copy,
    "rsync": rule_copy,
    "dd": rule_writes,
    "tee": rule_writes,
    "truncate": rule_writes,
    "shred": rule_writes,
    "sed": rule_writes,
    "find": rule_find,
    "kill": rule_kill,
    "killall5": rule_kill,
    "crontab": rule_crontab,
    "cd": rule_cd,
    "pushd": rule_cd,
    **{n: rule_power for n in (*POWER, "init", "telinit", "systemctl", "loginctl")},
}

# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of dockernet.ipv6.rollout_lock: who this run is, and whether a holder of this controller runs.

Only the controller can tell whether the ansible-playbook process named in a host's lock still runs; the module on
the host cannot. The worker that runs this plugin is forked from the ansible-playbook process, so its parent is
the run.
"""

from __future__ import annotations

import os
import socket
import typing as t

from ansible.plugins.action import ActionBase

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout_lock import refusal, run_id

MODULE = "dockernet.ipv6.rollout_lock"


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), None without /proc."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.rsplit(")", 1)[-1].split()[19]


def _boot_id() -> str | None:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return None


def controller_identity() -> dict:
    pid = os.getppid()
    return {"controller": socket.gethostname(), "pid": pid, "run": run_id(pid, _start_ticks(pid), _boot_id())}


def holder_alive(holder: t.Mapping[str, t.Any], me: t.Mapping[str, t.Any]) -> bool | None:
    """True or False for a holder of this controller, None for another controller's (nothing known here)."""
    if holder.get("controller") != me.get("controller"):
        return None
    try:
        pid = int(holder.get("pid"))
    except (TypeError, ValueError):
        return False
    if os.path.isdir("/proc/self"):
        ticks = _start_ticks(pid)
        # Gone, or the PID now belongs to another process (the run id holds the start time and the boot).
        return ticks is not None and run_id(pid, ticks, _boot_id()) == holder.get("run")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("state", "host", "lease", "break_lock", "path"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        me = controller_identity()
        args = dict(self._task.args, holder=me)
        outcome = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
        held_by = outcome.get("held_by")
        if outcome.get("failed") and isinstance(held_by, dict):
            alive = holder_alive(held_by, me)
            if alive is False:
                # A run of this controller that is gone (killed, or failed with its lock): take it over, but only
                # if it still holds the lock when the module looks again.
                args["stale_run"] = held_by.get("run")
                outcome = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
            elif alive:
                outcome["msg"] = refusal(self._task.args.get("host", "?"), outcome["lock"], me, True)
        result.update(outcome)
        return result

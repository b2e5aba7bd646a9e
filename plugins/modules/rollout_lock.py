#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rollout_lock
short_description: Hold a Docker host for one rollout at a time
version_added: 0.2.0
description:
  - Takes (O(state=present)) or gives back (O(state=absent)) the host's rollout lock, a JSON record in
    C(/run/dockernet/rollout.lock) (root-owned, mode C(0644), on tmpfs so a reboot drops it) naming the holder
    (the controller's host name, the C(ansible-playbook) PID and a run id), when it was taken and when its lease
    ends.
  - A second rollout that finds the lock held by another live run fails at once, naming the host, the holder and
    since when, without changing anything; the preflight of C(playbooks/site.yml) takes the lock of every host
    before the configure play starts, and the configure play gives it back at the end of each host's batch.
  - Taking the lock is atomic (the lock directory is locked with C(flock) around the read and the write). The
    same run taking it again renews its lease. A lock is taken over when its lease has ended, when it was
    written by an C(ansible-playbook) process of this same controller that no longer runs (a killed or failed
    run), or with O(break_lock=true). Whether the holder still runs is decided on the controller by the action
    plugin of the same name, which also fills in O(holder).
  - Giving the lock back removes it only when this run holds it.
  - Lock bookkeeping is not a configuration change, so the module always reports C(changed=false), and a rollout
    that changes nothing else stays at C(changed=0). In check mode nothing is written, but a lock held by
    another live run still refuses the run.
author:
  - dockernet.ipv6 contributors (@dockernet)
options:
  state:
    description:
      - V(present) takes the lock (or renews this run's lease), V(absent) gives it back.
    type: str
    default: present
    choices: [present, absent]
  host:
    description:
      - The name the failure message gives the host, normally C(inventory_hostname).
    type: str
    required: true
  lease:
    description:
      - The lease in seconds, from now; after it a lock is taken over even if its run still seems alive. It must
        cover the longest rollout, from its preflight to its last batch. At least 60.
      - The playbooks take it from C(dockernet_rollout_lock_timeout).
    type: raw
    default: 3600
  break_lock:
    description:
      - Take the lock over even when its holder may still run (a run killed on another controller, whose lease
        has not ended yet). The playbooks take it from C(dockernet_rollout_lock_break).
    type: bool
    default: false
  path:
    description:
      - The lock file.
    type: path
    default: /run/dockernet/rollout.lock
  holder:
    description:
      - This run, as keys C(controller), C(pid) and C(run). Set by the action plugin, which refuses it in a task.
    type: dict
  stale_run:
    description:
      - A run id that the controller found dead; its lock is taken over if it still holds it. Set by the action
        plugin, which refuses it in a task.
    type: str
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.LINUX
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
    details: Always reports C(changed=false); the lock is bookkeeping, not configuration.
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: The action plugin of the same name identifies the run and checks whether a holder still runs.
notes:
  - The lock is only as good as its use. Every playbook of the collection that changes a host takes it, but a
    role used on its own does not.
seealso:
  - module: dockernet.ipv6.batch_check
"""

EXAMPLES = r"""
- name: Take the rollout lock before changing anything
  dockernet.ipv6.rollout_lock:
    host: "{{ inventory_hostname }}"
    lease: "{{ dockernet_rollout_lock_timeout | default(omit) }}"
    break_lock: "{{ dockernet_rollout_lock_break | default(false) }}"

- name: Give it back when the host is done
  dockernet.ipv6.rollout_lock:
    host: "{{ inventory_hostname }}"
    state: absent
"""

RETURN = r"""
held:
  description: Whether this run holds the lock now (with O(state=present); in check mode, whether it would).
  returned: always
  type: bool
  sample: true
reason:
  description: Why the lock was taken, kept, refused, released or left alone.
  returned: always
  type: str
  sample: "its lease ended at 2026-12-02T06:10:00Z"
lock:
  description: The record in the lock file now (in check mode, as it would be); null when there is none.
  returned: always
  type: dict
  sample: {"holder": {"controller": "ctl1", "pid": 4242, "run": "4242-1234567-8f3a2b1c"}, "acquired": 1796191200.0,
           "acquired_utc": "2026-12-02T06:00:00Z", "expires": 1796194800.0, "expires_utc": "2026-12-02T07:00:00Z"}
held_by:
  description: The holder that refused this run.
  returned: failed because another run holds the lock
  type: dict
  sample: {"controller": "ctl1", "pid": 4242, "run": "4242-1234567-8f3a2b1c"}
"""

import fcntl
import json
import os
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockernet.ipv6.plugins.module_utils._rollout_lock import (
    DEFAULT_TIMEOUT,
    LOCK_PATH,
    TIMEOUT_VARIABLE,
    decide,
    lock_record,
    parse_lock,
    parse_timeout,
    refusal,
)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _write(path: str, record: dict) -> None:
    directory = os.path.dirname(path)
    fd, temp = tempfile.mkstemp(prefix=".rollout-lock.", dir=directory)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(record, indent=2, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


class _DirectoryLock:
    """flock on the lock's directory around a read and a write, so two runs never both take the lock.

    Releasing removes the directory when it is empty; an acquirer that locked a directory removed meanwhile
    tries again on the new one.
    """

    def __init__(self, directory: str, create: bool):
        self.directory, self.create, self.fd = directory, create, None

    def __enter__(self):
        for _attempt in range(5):
            if self.create:
                os.makedirs(self.directory, mode=0o755, exist_ok=True)
            try:
                fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                if not self.create:
                    return self
                continue
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.directory))
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return self
            os.close(fd)
        raise OSError("%s keeps disappearing" % self.directory)

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock


def acquire(module: AnsibleModule, me: dict, timeout: int) -> None:
    params = module.params
    path = params["path"]
    with _DirectoryLock(os.path.dirname(path), create=not module.check_mode):
        current = parse_lock(_read(path))
        now = time.time()
        decision = decide(current, me, now, stale_run=params["stale_run"], break_lock=params["break_lock"])
        if decision.action == "refuse":
            module.fail_json(
                msg=refusal(params["host"], current, me, None),
                held=False,
                reason=decision.reason,
                lock=current,
                held_by=current["holder"],
            )
        acquired = current["acquired"] if decision.action == "keep" else None
        record = lock_record(me, now, timeout, acquired=acquired)
        if not module.check_mode:
            _write(path, record)
    module.exit_json(changed=False, held=True, reason=decision.reason, lock=record)


def release(module: AnsibleModule, me: dict) -> None:
    params = module.params
    path = params["path"]
    directory = os.path.dirname(path)
    with _DirectoryLock(directory, create=False):
        current = parse_lock(_read(path))
        if current is None:
            module.exit_json(changed=False, held=False, reason="no lock", lock=None)
        if decide(current, me, time.time()).action != "keep":
            module.exit_json(changed=False, held=False, reason="held by another run, left alone", lock=current)
        if not module.check_mode:
            os.unlink(path)
            try:
                os.rmdir(directory)
            except OSError:
                pass  # something else lives there: not ours to remove
    module.exit_json(changed=False, held=False, reason="released", lock=None)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
            "host": {"type": "str", "required": True},
            "lease": {"type": "raw", "default": DEFAULT_TIMEOUT},
            "break_lock": {"type": "bool", "default": False},
            "path": {"type": "path", "default": LOCK_PATH},
            "holder": {"type": "dict"},
            "stale_run": {"type": "str"},
        },
        supports_check_mode=True,
    )
    params = module.params
    me = params["holder"] or {}
    if not me.get("run") or not me.get("controller"):
        module.fail_json(
            msg="%s: rollout lock: no holder given; run the module through its action plugin "
            "(dockernet.ipv6.rollout_lock)" % params["host"]
        )
    try:
        timeout = parse_timeout(params["lease"])
    except ValueError as exc:
        module.fail_json(msg="%s: %s: %s" % (params["host"], TIMEOUT_VARIABLE, exc))
    try:
        if params["state"] == "absent":
            release(module, me)
        acquire(module, me, timeout)
    except OSError as exc:
        module.fail_json(msg="%s: rollout lock: %s: %s" % (params["host"], params["path"], exc))


if __name__ == "__main__":
    main()

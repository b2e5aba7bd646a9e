#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: batch_check
short_description: Check that a Docker host came back after its batch of a rolling rollout
version_added: 0.2.0
description:
  - Three read-only steps of the check that the C(dockernet.ipv6.batch_check) role runs around each batch of a
    rolling rollout.
  - O(phase=before) records the running containers that the engine starts again by itself after an engine
    restart (restart policy C(always), C(unless-stopped) or C(on-failure)); none when the engine does not
    answer.
  - O(phase=after) waits until the engine answers and every container recorded before is running again, and
    fails naming the host and each container that is not.
  - O(phase=reach) opens a TCP connection over IPv6 to a probe container of another host, retrying until
    O(wait) runs out, and reports whether it was accepted; it never fails for an unreachable probe, so that
    the caller can name every host that could not reach it.
author:
  - dockernet.ipv6 contributors (@dockernet)
options:
  phase:
    description:
      - Which step to run.
    type: str
    required: true
    choices: [before, after, reach]
  host:
    description:
      - The name the failure messages give the checked host, normally C(inventory_hostname).
    type: str
    required: true
  expected:
    description:
      - With O(phase=after), the RV(containers) that O(phase=before) returned.
    type: list
    elements: dict
    default: []
  address:
    description:
      - With O(phase=reach), the IPv6 address of the probe container.
    type: str
  source:
    description:
      - With O(phase=reach), the name of the host the connection is opened from (where the task is delegated
        to), for RV(summary).
    type: str
  port:
    description:
      - With O(phase=reach), the TCP port the probe container listens on.
    type: int
    default: 7777
  wait:
    description:
      - Seconds to wait for the engine and the containers (O(phase=after)) or for the probe (O(phase=reach)).
    type: int
    default: 60
extends_documentation_fragment:
  - dockernet.ipv6.docker
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.LINUX
  - dockernet.ipv6.attributes.READ_ONLY
notes:
  - Changes nothing on any host; it always reports C(changed=false).
seealso:
  - module: dockernet.ipv6.docker_daemon_config
"""

EXAMPLES = r"""
- name: Record the containers that must come back
  dockernet.ipv6.batch_check:
    phase: before
    host: "{{ inventory_hostname }}"
  register: before_batch

- name: Require them running again after the engine restart
  dockernet.ipv6.batch_check:
    phase: after
    host: "{{ inventory_hostname }}"
    expected: "{{ before_batch.containers }}"

- name: Reach docker3's probe container from docker1
  dockernet.ipv6.batch_check:
    phase: reach
    host: docker3
    address: 2001:db8:ab11:0:c000::2
    port: 7777
    wait: 30
  delegate_to: docker1
  register: reach
"""

RETURN = r"""
containers:
  description:
    - With O(phase=before), the running containers that the engine starts again after its own restart.
  returned: phase is before
  type: list
  elements: dict
  sample: [{"id": "4f1c0c5e2b7d", "name": "web", "restart_policy": "unless-stopped"}]
seconds:
  description: How long the step waited, in seconds.
  returned: phase is after or reach
  type: float
  sample: 1.4
reachable:
  description: Whether the probe accepted a TCP connection within O(wait) seconds.
  returned: phase is reach
  type: bool
  sample: true
summary:
  description: The host that probed and, when the probe was not reached, the last error.
  returned: phase is reach
  type: str
  sample: "docker1 ([Errno 111] Connection refused)"
"""

import time

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.dockernet.ipv6.plugins.module_utils._batch_check import (
    expected_containers,
    not_back,
    tcp_connect,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import (
    DEFAULT_DOCKER_HOST,
    DEFAULT_TIMEOUT,
    DOCKER_IMPORT_ERROR,
    HAS_DOCKER,
    DockerException,
    EngineClient,
    EngineError,
    NotFound,
)

_POLL = 1.0


def _connect(params: dict, deadline: float) -> EngineClient:
    """An engine client, retried until the deadline: right after a restart the socket may not answer yet."""
    while True:
        try:
            return EngineClient(params["docker_host"], params["timeout"])
        except EngineError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(_POLL)


def _current(engine: EngineClient, ids: list[str]) -> dict:
    current = {}
    for container_id in ids:
        try:
            current[container_id] = engine.api.inspect_container(container_id)
        except NotFound:
            pass
    return current


def before(module: AnsibleModule) -> None:
    params = module.params
    try:
        engine = EngineClient(params["docker_host"], params["timeout"])
    except EngineError:
        # An engine that is down now has no containers to bring back; the check after the batch still requires
        # it to answer.
        module.exit_json(changed=False, containers=[])
    try:
        running = [c["Id"] for c in engine.api.containers(filters={"status": "running"})]
        containers = expected_containers(_current(engine, running).values())
    except DockerException as exc:
        module.fail_json(msg="%s: before this batch: cannot list the containers: %s" % (params["host"], exc))
    finally:
        engine.close()
    module.exit_json(changed=False, containers=containers)


def after(module: AnsibleModule) -> None:
    params = module.params
    started = time.monotonic()
    deadline = started + params["wait"]
    try:
        engine = _connect(params, deadline)
    except EngineError as exc:
        module.fail_json(
            msg="%s: after this batch: the engine does not answer within %d s: %s"
            % (params["host"], params["wait"], exc)
        )
    ids = [str(c.get("id", "")) for c in params["expected"]]
    try:
        while True:
            problems = not_back(params["expected"], _current(engine, ids))
            if not problems or time.monotonic() >= deadline:
                break
            time.sleep(_POLL)
    except DockerException as exc:
        module.fail_json(msg="%s: after this batch: cannot read the containers: %s" % (params["host"], exc))
    finally:
        engine.close()
    seconds = round(time.monotonic() - started, 1)
    if problems:
        module.fail_json(
            msg="%s: after this batch, not running again within %d s: %s"
            % (params["host"], params["wait"], "; ".join(problems)),
            seconds=seconds,
        )
    module.exit_json(changed=False, seconds=seconds)


def reach(module: AnsibleModule) -> None:
    params = module.params
    if not params["address"]:
        module.fail_json(msg="%s: phase=reach needs the probe's address" % params["host"])
    started = time.monotonic()
    deadline = started + params["wait"]
    while True:
        error = tcp_connect(params["address"], params["port"], timeout=2.0)
        if error is None or time.monotonic() >= deadline:
            break
        time.sleep(_POLL)
    source = params["source"] or "this host"
    module.exit_json(
        changed=False,
        reachable=error is None,
        seconds=round(time.monotonic() - started, 1),
        summary=source if error is None else "%s (%s)" % (source, error),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "phase": {"type": "str", "required": True, "choices": ["before", "after", "reach"]},
            "host": {"type": "str", "required": True},
            "expected": {"type": "list", "elements": "dict", "default": []},
            "address": {"type": "str"},
            "source": {"type": "str"},
            "port": {"type": "int", "default": 7777},
            "wait": {"type": "int", "default": 60},
            "docker_host": {"type": "str", "default": DEFAULT_DOCKER_HOST, "fallback": (env_fallback, ["DOCKER_HOST"])},
            "timeout": {"type": "int", "default": DEFAULT_TIMEOUT},
        },
        required_if=[("phase", "reach", ["address"])],
        supports_check_mode=True,
    )
    if module.params["phase"] == "reach":
        reach(module)
    if not HAS_DOCKER:
        module.fail_json(msg=missing_required_lib("docker"), exception=DOCKER_IMPORT_ERROR)
    if module.params["phase"] == "before":
        before(module)
    after(module)


if __name__ == "__main__":
    main()

#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_network
short_description: Manage dual-stack and IPv6-only Docker networks without dropping containers
version_added: 0.1.0
description:
  - Create, update or remove a user-defined Docker network with IPv6 (and optionally IPv4) subnets,
    gateways, IP ranges and auxiliary addresses, through the Docker SDK for Python.
  - Only what the task sets is compared with the network. The engine fills in gateways, an IPv4 subnet
    when only IPv6 subnets are given, driver options and labels of its own, and those are left alone.
    Subnets are compared per address family, as sets, after normalising with Python's C(ipaddress).
  - A Docker network cannot be changed in place. When its settings differ, the module deletes and creates
    it again. If containers are attached, it does so only with O(recreate=always), and then connects every
    container again with its aliases and the static addresses that are still valid in the new subnets;
    the result says which addresses could not be kept and why. It never drops a connection silently.
  - Options that the engine does not support are refused with a message before anything is changed,
    for example C(com.docker.network.bridge.gateway_mode_ipv6) on an engine older than 27.0 (which stores
    the option and ignores it) or O(enable_ipv4=false) before 28.0.
author:
  - dockernet.ipv6 maintainers (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.docker
options:
  name:
    description:
      - Name of the network.
    type: str
    required: true
  state:
    description:
      - V(present) creates the network, or recreates it when its settings differ (see O(recreate)).
      - V(absent) removes it. A network with containers attached, running or stopped, is not removed;
        the module fails and names them, as removing the network would leave them without it.
    type: str
    choices: [present, absent]
    default: present
  driver:
    description:
      - Network driver.
    type: str
    default: bridge
  driver_options:
    description:
      - Driver options, such as V(com.docker.network.bridge.name) or
        V(com.docker.network.bridge.gateway_mode_ipv6).
      - Only the keys given are compared; options the engine adds by itself are ignored.
      - Booleans are sent as V(true)/V(false), numbers as strings, the way the engine stores them.
      - C(com.docker.network.bridge.gateway_mode_ipv4) and C(com.docker.network.bridge.gateway_mode_ipv6)
        need engine 27.0 (V(nat), V(routed)) or 28.0 (V(nat-unprotected), V(isolated)).
    type: dict
  ipam_driver:
    description:
      - IPAM driver. The engine uses V(default) when not set; not compared when not set.
    type: str
  ipam_driver_options:
    description:
      - IPAM driver options. Only the keys given are compared.
    type: dict
  ipam_config:
    description:
      - Address pools of the network, IPv6 and IPv4 alike.
      - For each address family that has at least one subnet here, the set of subnets must match exactly.
        A family with no subnet here is left to the engine (for example the IPv4 subnet it allocates
        when only an IPv6 subnet is given) and not compared.
      - Static container addresses (C(--ip6)/C(--ip)) are only possible in subnets given here.
    type: list
    elements: dict
    suboptions:
      subnet:
        description:
          - Subnet in CIDR notation, without host bits, for example V(2001:db8:ab11:0:4000::/67).
        type: str
        required: true
      gateway:
        description:
          - Gateway address in the subnet. Compared only when given; the engine picks the subnet's first
            address otherwise.
        type: str
      ip_range:
        description:
          - Part of the subnet from which the engine hands out addresses, in CIDR notation.
            Static addresses may lie outside it, as long as they are in the subnet.
        type: str
        aliases: [iprange]
      aux_addresses:
        description:
          - Addresses in the subnet the engine must not hand out, as a mapping from a name to the address.
        type: dict
  enable_ipv6:
    description:
      - Enable IPv6 on the network.
      - Defaults to V(true) when O(ipam_config) has an IPv6 subnet; otherwise not sent and not compared
        when not set.
    type: bool
  enable_ipv4:
    description:
      - Enable IPv4 on the network. V(false) makes an IPv6-only network, which needs Docker engine 28.0
        (API 1.47) or newer and O(enable_ipv6=true) or an IPv6 subnet.
      - Not compared when not set. Engines before 28.0 do not report it and count as V(true).
    type: bool
  internal:
    description:
      - Restrict external access to the network. Not compared when not set.
    type: bool
  attachable:
    description:
      - Whether standalone containers may attach to a swarm-scoped network. Not compared when not set.
    type: bool
  labels:
    description:
      - Labels of the network. Only the keys given are compared; labels added by others are left alone.
    type: dict
  recreate:
    description:
      - What to do when the network exists and its settings differ from the task.
      - V(never) fails and changes nothing.
      - V(when_unused) recreates the network when no container is attached (running or stopped) and fails,
        naming the containers, otherwise.
      - V(always) recreates it even with containers attached. It disconnects them, deletes and creates the
        network, and connects each container again with its aliases, driver options and the static
        addresses that are still valid in the new subnets (static addresses first, so that addresses
        handed out to others cannot take theirs). The addresses it could not keep are in RV(not_kept).
      - A network whose settings match is never recreated, whatever this option says.
    type: str
    choices: [never, when_unused, always]
    default: when_unused
notes:
  - Before deleting a network it checks that the new subnets do not overlap another network's, and if
    creating the new network fails anyway, it creates the old one again and reconnects the containers
    to it before failing.
  - Swarm services are not handled; a network used by services cannot be recreated.
seealso:
  - module: community.docker.docker_network
    description: Also connects and disconnects containers by name; recreates a network on any difference
      and reconnects only the containers listed in its C(connected) option, without their addresses.
"""

EXAMPLES = r"""
- name: The book's ipv6_bridge (docker network create --ipv6 --subnet ... --subnet ...)
  dockernet.ipv6.docker_network:
    name: ipv6_bridge
    ipam_config:
      - subnet: 2001:db8:ab11:0:4000::/67
      - subnet: 172.31.0.0/24

- name: Routed IPv6 (no NAT) for a host's container prefix; refused on engines before 27.0
  dockernet.ipv6.docker_network:
    name: routed6
    driver_options:
      com.docker.network.bridge.gateway_mode_ipv6: routed
    ipam_config:
      - subnet: 2001:db8:cd11::/64
        gateway: 2001:db8:cd11::1
        ip_range: 2001:db8:cd11::8000/113
        aux_addresses:
          reserved: 2001:db8:cd11::2

- name: IPv6-only network (engine 28.0 or newer)
  dockernet.ipv6.docker_network:
    name: v6only
    enable_ipv4: false
    ipam_config:
      - subnet: 2001:db8:ef11::/64

- name: Move ipv6_bridge to a new prefix, keeping its containers connected
  dockernet.ipv6.docker_network:
    name: ipv6_bridge
    recreate: always
    ipam_config:
      - subnet: 2001:db8:ab11:0:6000::/67
      - subnet: 172.31.0.0/24
  register: moved

- name: Say which static addresses did not fit the new prefix
  ansible.builtin.debug:
    msg: "{{ item.container }} lost {{ item.address }}: {{ item.reason }}"
  loop: "{{ moved.not_kept }}"

- name: Remove the network (fails if containers are still attached)
  dockernet.ipv6.docker_network:
    name: ipv6_bridge
    state: absent
"""

RETURN = r"""
network:
  description:
    - The network as the engine reports it (C(docker network inspect)) after the task.
    - Empty when the network is absent, or would only be created in check mode.
  returned: always
  type: dict
  sample:
    Name: ipv6_bridge
    Id: 3f6b4e0a8c1d2e5f7a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f
    Created: "2025-11-28T05:12:41.112233445Z"
    Scope: local
    Driver: bridge
    EnableIPv6: true
    IPAM:
      Driver: default
      Options: {}
      Config:
        - Subnet: 2001:db8:ab11:0:4000::/67
          Gateway: 2001:db8:ab11:0:4000::1
        - Subnet: 172.31.0.0/24
          Gateway: 172.31.0.1
    Internal: false
    Attachable: false
    Ingress: false
    ConfigFrom:
      Network: ""
    ConfigOnly: false
    Containers: {}
    Options: {}
    Labels: {}
differences:
  description:
    - What differed between the task and the existing network, one entry per setting; empty when it
      matched or did not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - parameter: ipam_config (IPv6 subnets)
      have: ["2001:db8:ab11:0:4000::/67"]
      want: ["2001:db8:ab11:0:6000::/67"]
    - parameter: driver_options.com.docker.network.bridge.gateway_mode_ipv6
      have: null
      want: routed
recreated:
  description: Whether the network was (or in check mode would be) deleted and created again.
  returned: always
  type: bool
  sample: true
reconnected:
  description:
    - The containers connected again after a recreate, with what they were connected with.
  returned: always
  type: list
  elements: dict
  sample:
    - container: web1
      aliases: [web]
      ipv4_address: null
      ipv6_address: 2001:db8:ab11:0:4000::10
not_kept:
  description:
    - Static addresses of attached containers that could not be kept when the network was recreated;
      those containers were connected with an address from the engine instead.
  returned: always
  type: list
  elements: dict
  sample:
    - container: web2
      address: 2001:db8:ab11:0:4000::20
      reason: not in the new IPv6 subnets (2001:db8:ab11:0:6000::/67)
engine:
  description: Version of the engine and of the API spoken with it.
  returned: always
  type: dict
  sample:
    version: 26.1.5+dfsg1
    api_version: "1.45"
"""

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.dockernet.ipv6.plugins.module_utils import _docker_network as netlogic
from ansible_collections.dockernet.ipv6.plugins.module_utils._docker_engine import (
    DEFAULT_DOCKER_HOST,
    DEFAULT_TIMEOUT,
    DOCKER_IMPORT_ERROR,
    HAS_DOCKER,
    APIError,
    DockerException,
    EngineClient,
    EngineError,
    NotFound,
)


class NetworkTask:
    """Reads the network and its containers, decides, and acts only outside check mode."""

    def __init__(self, module: AnsibleModule, engine: EngineClient) -> None:
        self.module = module
        self.engine = engine
        self.api = engine.api
        self.name = module.params["name"]
        self.result: dict = {
            "changed": False,
            "network": {},
            "differences": [],
            "recreated": False,
            "reconnected": [],
            "not_kept": [],
            "engine": {"version": engine.engine_version_text, "api_version": engine.api_version_text},
        }

    # -- reading
    def find_network(self) -> dict | None:
        # The name filter matches substrings, and inspecting by name also matches ID prefixes.
        for listed in self.api.networks(names=[self.name]):
            if listed.get("Name") == self.name:
                return self.api.inspect_network(listed["Id"])
        return None

    def attachments(self, network: dict) -> list[dict]:
        """Every container attached to the network, running or stopped (inspect lists only running ones).

        A stopped container's settings carry the network's name but an empty NetworkID, so the filter
        asks for both (it matches the name exactly and the ID as a prefix).
        """
        found = []
        for listed in self.api.containers(all=True, filters={"network": [network["Name"], network["Id"]]}):
            try:
                container = self.api.inspect_container(listed["Id"])
            except NotFound:
                continue
            entry = netlogic.attachment(container, network["Id"], network["Name"])
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda entry: entry["container"])

    # -- acting
    def create(self, body: dict) -> dict:
        created = self.engine.post_json("/networks/create", body)
        return self.api.inspect_network(created["Id"])

    def connect(self, network_id: str, planned: dict) -> None:
        kwargs = {
            "aliases": planned["aliases"] or None,
            "ipv4_address": planned.get("ipv4_address"),
            "ipv6_address": planned.get("ipv6_address"),
        }
        if planned.get("link_local_ips"):
            kwargs["link_local_ips"] = planned["link_local_ips"]
        if planned.get("driver_opts"):
            kwargs["driver_opt"] = planned["driver_opts"]
        self.api.connect_container_to_network(planned["container_id"], network_id, **kwargs)

    def fail(self, msg: str, **extra) -> None:
        self.result.update(extra)
        self.module.fail_json(msg=msg, **self.result)

    # -- states
    def present(self, wanted: dict) -> None:
        for min_version, feature in netlogic.engine_requirements(wanted):
            self.engine.require_engine(min_version, feature)
        network = self.find_network()
        before = netlogic.summarise(network)

        if network is None:
            self.result["changed"] = True
            self.set_diff({}, netlogic.project_after(wanted, {}))
            if not self.module.check_mode:
                self.result["network"] = self.create(netlogic.create_body(wanted, self.engine.api_version))
            return

        differences = netlogic.compare(wanted, before)
        self.result["differences"] = differences
        self.result["network"] = network
        if not differences:
            return
        changing = ", ".join(difference["parameter"] for difference in differences)
        if self.module.params["recreate"] == "never":
            self.fail("network %s differs from the task (%s) and recreate is never" % (self.name, changing))
        attached = self.attachments(network)
        if attached and self.module.params["recreate"] != "always":
            self.fail(
                "network %s has to be deleted and created again to change %s, but containers are attached: %s. "
                "Set recreate: always to recreate it and reconnect them (keeping aliases and the static addresses "
                "that are still valid), or detach them first."
                % (self.name, changing, ", ".join(entry["container"] for entry in attached)),
                attached=[entry["container"] for entry in attached],
            )
        overlaps = netlogic.overlapping_networks(wanted, self.api.networks())
        if overlaps:
            self.fail("network %s cannot be recreated: %s" % (self.name, "; ".join(overlaps)))

        reconnect, not_kept = netlogic.plan_reconnections(attached, wanted)
        self.result.update(changed=True, recreated=True)
        self.set_diff(before, netlogic.project_after(wanted, before))
        if self.module.check_mode:
            self.result.update(reconnected=[self.public(entry) for entry in reconnect], not_kept=not_kept)
            return
        self.recreate(network, wanted, attached)

    def recreate(self, network: dict, wanted: dict, attached: list[dict]) -> None:
        for entry in attached:
            self.api.disconnect_container_from_network(entry["container_id"], network["Id"], force=True)
        self.api.remove_network(network["Id"])
        try:
            new_network = self.create(netlogic.create_body(wanted, self.engine.api_version))
        except DockerException as exc:
            self.restore(network, attached, exc)
            raise  # restore() fails the module; this keeps linters aware the path ends here

        gateways = {
            pool["subnet"]: pool.get("gateway")
            for pool in netlogic.summarise(new_network)["ipam_config"]
            if pool.get("gateway")
        }
        reconnect, not_kept = netlogic.plan_reconnections(attached, wanted, gateways)
        failed = []
        for planned in reconnect:
            try:
                self.connect(new_network["Id"], planned)
            except APIError as exc:
                if not (planned.get("ipv4_address") or planned.get("ipv6_address")):
                    failed.append("%s: %s" % (planned["container"], exc))
                    continue
                # The engine refused a static address (taken meanwhile, say): connect without it.
                for key in ("ipv4_address", "ipv6_address"):
                    if planned.get(key):
                        not_kept.append(
                            {
                                "container": planned["container"],
                                "address": planned[key],
                                "reason": "the engine refused it: %s" % exc,
                            }
                        )
                        planned[key] = None
                try:
                    self.connect(new_network["Id"], planned)
                except APIError as retry_exc:
                    failed.append("%s: %s" % (planned["container"], retry_exc))
                    continue
            self.result["reconnected"].append(self.public(planned))
        self.result["not_kept"] = not_kept
        self.result["network"] = self.api.inspect_network(new_network["Id"])
        if failed:
            self.fail(
                "network %s was recreated but these containers could not be connected again: %s"
                % (self.name, "; ".join(failed))
            )

    def restore(self, old_network: dict, attached: list[dict], create_error: Exception) -> None:
        """Creating the new network failed after the old one was deleted: put the old one back."""
        try:
            restored = self.create(netlogic.restore_body(old_network))
            for entry in attached:
                self.connect(restored["Id"], entry)
            self.result["network"] = self.api.inspect_network(restored["Id"])
        except DockerException as exc:
            self.fail(
                "network %s was deleted to be recreated, creating it anew failed (%s), and restoring the "
                "old one failed too (%s). Containers that were attached: %s"
                % (self.name, create_error, exc, ", ".join(entry["container"] for entry in attached))
            )
        self.fail(
            "creating network %s anew failed: %s. The old network was created again and its containers "
            "reconnected; nothing else changed." % (self.name, create_error),
            changed=True,
        )

    def absent(self) -> None:
        network = self.find_network()
        if network is None:
            return
        attached = self.attachments(network)
        if attached:
            self.fail(
                "network %s is not removed: containers are attached: %s. Remove them or disconnect them first."
                % (self.name, ", ".join(entry["container"] for entry in attached)),
                attached=[entry["container"] for entry in attached],
            )
        self.result["changed"] = True
        self.set_diff(netlogic.summarise(network), {})
        if not self.module.check_mode:
            self.api.remove_network(network["Id"])

    # -- helpers
    def set_diff(self, before: dict, after: dict) -> None:
        if self.module._diff:
            self.result["diff"] = {"before": before, "after": after}

    @staticmethod
    def public(planned: dict) -> dict:
        return {key: planned.get(key) for key in ("container", "aliases", "ipv4_address", "ipv6_address")}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "name": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "driver": {"type": "str", "default": "bridge"},
            "driver_options": {"type": "dict"},
            "ipam_driver": {"type": "str"},
            "ipam_driver_options": {"type": "dict"},
            "ipam_config": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "subnet": {"type": "str", "required": True},
                    "gateway": {"type": "str"},
                    "ip_range": {"type": "str", "aliases": ["iprange"]},
                    "aux_addresses": {"type": "dict"},
                },
            },
            "enable_ipv6": {"type": "bool"},
            "enable_ipv4": {"type": "bool"},
            "internal": {"type": "bool"},
            "attachable": {"type": "bool"},
            "labels": {"type": "dict"},
            "recreate": {"type": "str", "choices": ["never", "when_unused", "always"], "default": "when_unused"},
            "docker_host": {"type": "str", "default": DEFAULT_DOCKER_HOST, "fallback": (env_fallback, ["DOCKER_HOST"])},
            "timeout": {"type": "int", "default": DEFAULT_TIMEOUT},
        },
        supports_check_mode=True,
    )
    if not HAS_DOCKER:
        module.fail_json(msg=missing_required_lib("docker"), exception=DOCKER_IMPORT_ERROR)

    wanted = None
    if module.params["state"] == "present":
        try:
            wanted = netlogic.normalise_wanted(module.params)
        except netlogic.InvalidNetworkSpec as exc:
            module.fail_json(msg="network %s: %s" % (module.params["name"], exc))

    try:
        engine = EngineClient(module.params["docker_host"], module.params["timeout"])
    except EngineError as exc:
        module.fail_json(msg=str(exc))
    task = NetworkTask(module, engine)
    try:
        if wanted is not None:
            task.present(wanted)
        else:
            task.absent()
    except EngineError as exc:
        task.fail(str(exc))
    except DockerException as exc:
        task.fail("Docker engine error on network %s: %s" % (module.params["name"], exc))
    finally:
        engine.close()
    module.exit_json(**task.result)


if __name__ == "__main__":
    main()

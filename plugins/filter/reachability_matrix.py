# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The reachability_matrix filter (documentation in reachability_matrix.yml)."""

from __future__ import annotations

import re
import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.plugin_utils._addresses import parse_address

OK = "ok"
NAT = "NAT"
FAIL = "FAIL"
SELF = "-"
CORNER = "from \\ to"

# The probe's CGI answers "peer=<REMOTE_ADDR>"; busybox httpd writes IPv6 peers in brackets.
_PEER = re.compile(r"^peer=\[?([^\]\s]*)\]?\s*$", re.MULTILINE)


def _address(text: t.Any) -> t.Any:
    """The address in text (either family), or None."""
    return parse_address(str(text), version=None)[0]


def _first_line(text: t.Any) -> str:
    return next((line.strip() for line in str(text or "").splitlines() if line.strip()), "")


def _cell(
    network: str,
    source: str,
    target: str,
    reports: Mapping[str, t.Any],
    replies: Mapping[tuple[str, str, str], Mapping[str, t.Any]],
) -> tuple[str, str]:
    """The cell for source -> target on network, and why it is not ok ('' when it is)."""
    for host in (source, target):
        report = reports.get(host)
        if report is None:
            return FAIL, f"{host} reported no probes"
        if not report["addresses"].get(network):
            problem = report["problems"].get(network) or "its probe has no IPv6 address"
            return FAIL, f"{host}: {problem}"
    reply = replies.get((source, network, target))
    if reply is None or reply.get("skipped"):
        return FAIL, "not probed"
    match = _PEER.search(str(reply.get("stdout") or ""))
    if match is None:
        why = _first_line(reply.get("stderr"))
        return FAIL, f"no reply: {why}" if why else "no reply"
    seen, sender = _address(match.group(1)), _address(reports[source]["addresses"][network])
    if seen is None:
        return FAIL, f"unexpected reply: peer={match.group(1)}"
    if seen == sender:
        return OK, ""
    return NAT, f"receiver saw {seen}, sender is {reports[source]['addresses'][network]}"


def _report(host: str, report: t.Any) -> dict[str, t.Any]:
    """One host's report (a mapping with addresses), checked, with every key present."""
    addresses, problems, results = report["addresses"], report.get("problems") or {}, report.get("results") or []
    if not isinstance(addresses, Mapping) or not isinstance(problems, Mapping):
        raise AnsibleFilterError(f"reachability_matrix: {host}: addresses and problems must map network names to text")
    if isinstance(results, (str, bytes)) or not isinstance(results, Sequence):
        raise AnsibleFilterError(f"reachability_matrix: {host}: results must be a list of probe results")
    return {"addresses": addresses, "problems": problems, "results": results}


def reachability_matrix(reports: t.Any, hosts: t.Any) -> dict[str, t.Any]:
    """One table per network of which host's probe reached which, and with which source address it arrived.

    reports: {host: {'addresses': {network: the probe's IPv6 address, '' if none},
                     'problems': {network: why there is no probe} (optional),
                     'results': [{'item': [network, target host], 'stdout': reply, 'stderr': ...}, ...]}}
    """
    if not isinstance(reports, Mapping):
        raise AnsibleFilterError("reachability_matrix: the input must map each host to the report of its probes")
    if isinstance(hosts, (str, bytes)) or not isinstance(hosts, Sequence):
        raise AnsibleFilterError("reachability_matrix: the argument must be the list of hosts, in table order")
    hosts = [str(host) for host in hosts]
    # A host whose report is missing, None or has no addresses never got as far as reading its probes.
    checked = {
        host: _report(host, reports[host])
        for host in hosts
        if isinstance(reports.get(host), Mapping) and "addresses" in reports[host]
    }

    replies: dict[tuple[str, str, str], Mapping[str, t.Any]] = {}
    networks: list[str] = []
    for host in hosts:
        if host not in checked:
            continue
        for network in list(checked[host]["addresses"]) + list(checked[host]["problems"]):
            if network not in networks:
                networks.append(str(network))
        for result in checked[host]["results"]:
            item = result.get("item") if isinstance(result, Mapping) else None
            if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
                raise AnsibleFilterError(
                    f"reachability_matrix: {host}: each probe result needs an item [network, target host], got {item!r}"
                )
            replies[(host, str(item[0]), str(item[1]))] = result

    width = max([len(host) for host in hosts] + [len(CORNER), len(FAIL)])
    lines: list[str] = []
    gaps: list[str] = []
    cells: dict[str, dict[str, dict[str, str]]] = {}
    for network in networks:
        # A host that reported nothing is shown in every table, so its silence is a gap, not a missing row.
        members = [
            host
            for host in hosts
            if host not in checked or network in checked[host]["addresses"] or network in checked[host]["problems"]
        ]
        cells[network] = {}
        lines.append(f"network {network}")
        lines.append(" ".join([CORNER.ljust(width)] + [host.ljust(width) for host in members]).rstrip())
        for source in members:
            row = [source.ljust(width)]
            cells[network][source] = {}
            for target in members:
                if source == target:
                    value, why = SELF, ""
                else:
                    value, why = _cell(network, source, target, checked, replies)
                    cells[network][source][target] = value
                    if value != OK:
                        gaps.append(f"{source} -> {target} on {network}: {value} ({why})")
                row.append(value.ljust(width))
            lines.append(" ".join(row).rstrip())
    if not networks:
        gaps.extend(f"{host}: reported no probes" for host in hosts if host not in checked)
    return {"lines": lines, "gaps": gaps, "complete": not gaps, "cells": cells, "networks": networks}


class FilterModule:
    """dockernet.ipv6 filters."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {"reachability_matrix": reachability_matrix}

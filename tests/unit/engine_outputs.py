# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What real engines answered, recorded on the lab, for the unit tests of the parsers."""

from __future__ import annotations

import json

# docker.APIClient().networks() from Docker 28.5.2 (Debian forky), trimmed to the keys that matter, after
# `docker network create --ipv6 --internal relc_back` on an engine without IPv6 pools (its own ULA pool).
NETWORKS_28_5 = json.loads("""[
{"Name": "none", "Driver": "null", "Internal": false, "EnableIPv6": false,
 "IPAM": {"Driver": "default", "Options": null, "Config": null}},
{"Name": "host", "Driver": "host", "Internal": false, "EnableIPv6": false,
 "IPAM": {"Driver": "default", "Options": null, "Config": null}},
{"Name": "bridge", "Driver": "bridge", "Internal": false, "EnableIPv6": false,
 "IPAM": {"Driver": "default", "Options": null, "Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]}},
{"Name": "relc_back", "Driver": "bridge", "Internal": true, "EnableIPv6": true,
 "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"},
  {"Subnet": "fd17:e864:e155::/64", "Gateway": "fd17:e864:e155::1"}]}}
]""")

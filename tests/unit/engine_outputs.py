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


# `docker network inspect bridge ipv6_bridge` on Docker 26.1.5 (Debian trixie) after a rollout of the book's site,
# with one container on each (trimmed to the keys that matter): what host_info reads back as `current`.
INSPECT_26_1 = json.loads("""[
{"Name": "bridge", "Driver": "bridge", "EnableIPv6": true,
 "IPAM": {"Config": [{"Subnet": "2001:db8:ab11:0:8000::/67"}, {"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
 "Containers": {"9e7143c9105d8ed55b5e37ffb4f886d20d64d0c6b5ab7f392f3dd12ed2a7830c":
  {"Name": "web-b", "IPv6Address": "2001:db8:ab11:0:8000:242:ac11:2/67"}}},
{"Name": "ipv6_bridge", "Driver": "bridge", "EnableIPv6": true,
 "IPAM": {"Config": [{"Subnet": "172.31.0.0/24"}, {"Subnet": "2001:db8:ab11:0:4000::/68"}]},
 "Containers": {"8520ff6d1f2438e557b0955f2d3b1df092db0b82ac6809f922033fb533b53786":
  {"Name": "web-n", "IPv6Address": "2001:db8:ab11:0:4000::2/68"}}}
]""")

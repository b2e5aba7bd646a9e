# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dockernet.ipv6.plugins.filter.reachability_matrix import FilterModule, reachability_matrix

HOSTS = ["docker1", "docker2"]
D1 = {"bridge": "2001:db8:ab11:0:8000::2", "ipv6_bridge": "2001:db8:ab11:0:4000::2"}
D2 = {"bridge": "2001:db8:ab11:0:c000::2", "ipv6_bridge": "2001:db8:ab11:0:6000::2"}


def reply(network, target, peer=None, stderr=""):
    """A result as the probe loop registers it: item [network, target], the CGI's reply on stdout."""
    stdout = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npeer=[%s]\n" % peer if peer else ""
    return {"item": [network, target], "stdout": stdout, "stderr": stderr, "rc": 0 if peer else 1}


def test_every_cell_ok():
    reports = {
        "docker1": {"addresses": D1, "results": [reply(n, "docker2", D1[n]) for n in D1]},
        "docker2": {"addresses": D2, "results": [reply(n, "docker1", D2[n]) for n in D2]},
    }
    matrix = reachability_matrix(reports, HOSTS)
    assert matrix["lines"] == [
        "network bridge",
        "from \\ to docker1   docker2",
        "docker1   -         ok",
        "docker2   ok        -",
        "network ipv6_bridge",
        "from \\ to docker1   docker2",
        "docker1   -         ok",
        "docker2   ok        -",
    ]
    assert matrix["gaps"] == []
    assert matrix["complete"] is True
    assert matrix["networks"] == ["bridge", "ipv6_bridge"]
    assert matrix["cells"]["bridge"] == {"docker1": {"docker2": "ok"}, "docker2": {"docker1": "ok"}}


def test_another_source_address_is_nat_and_no_reply_is_fail():
    reports = {
        "docker1": {
            "addresses": D1,
            "results": [
                reply("bridge", "docker2", "2001:db8:ab11::1"),
                reply("ipv6_bridge", "docker2", stderr="nc: can't connect to remote host: No route to host\n"),
            ],
        },
        "docker2": {
            "addresses": D2,
            # the receiver may write the address in another notation: compared as addresses, not text
            "results": [reply("bridge", "docker1", "2001:DB8:AB11:0:C000:0:0:2"), reply("ipv6_bridge", "docker1")],
        },
    }
    matrix = reachability_matrix(reports, HOSTS)
    assert matrix["lines"] == [
        "network bridge",
        "from \\ to docker1   docker2",
        "docker1   -         NAT",
        "docker2   ok        -",
        "network ipv6_bridge",
        "from \\ to docker1   docker2",
        "docker1   -         FAIL",
        "docker2   FAIL      -",
    ]
    assert matrix["gaps"] == [
        "docker1 -> docker2 on bridge: NAT (receiver saw 2001:db8:ab11::1, sender is 2001:db8:ab11:0:8000::2)",
        "docker1 -> docker2 on ipv6_bridge: FAIL (no reply: nc: can't connect to remote host: No route to host)",
        "docker2 -> docker1 on ipv6_bridge: FAIL (no reply)",
    ]
    assert matrix["complete"] is False
    assert matrix["cells"]["bridge"] == {"docker1": {"docker2": "NAT"}, "docker2": {"docker1": "ok"}}


def test_missing_probes_say_why():
    compose = "dockernet-verify_default"
    reports = {
        "docker1": {
            "addresses": {"bridge": D1["bridge"]},
            "problems": {compose: "could not create the network: no IPv6 address pool"},
            # skipped: the target had no probe address to connect to
            "results": [{"item": ["bridge", "docker2"], "skipped": True}],
        },
        "docker2": {"addresses": {"bridge": "", compose: "2001:db8:ab11:0:e000::2"}, "results": []},
    }
    matrix = reachability_matrix(reports, HOSTS)
    assert matrix["lines"] == [
        "network bridge",
        "from \\ to docker1   docker2",
        "docker1   -         FAIL",
        "docker2   FAIL      -",
        "network dockernet-verify_default",
        "from \\ to docker1   docker2",
        "docker1   -         FAIL",
        "docker2   FAIL      -",
    ]
    assert matrix["gaps"] == [
        "docker1 -> docker2 on bridge: FAIL (docker2: its probe has no IPv6 address)",
        "docker2 -> docker1 on bridge: FAIL (docker2: its probe has no IPv6 address)",
        "docker1 -> docker2 on dockernet-verify_default: FAIL (docker1: could not create the network: no IPv6 address pool)",
        "docker2 -> docker1 on dockernet-verify_default: FAIL (docker1: could not create the network: no IPv6 address pool)",
    ]


def test_a_host_that_reported_nothing_is_in_every_table():
    hosts = ["docker1", "docker2", "docker3"]
    reports = {
        "docker1": {"addresses": {"bridge": D1["bridge"]}, "results": [reply("bridge", "docker2", D1["bridge"])]},
        "docker2": {"addresses": {"bridge": D2["bridge"]}, "results": [reply("bridge", "docker1", D2["bridge"])]},
        "docker3": None,
    }
    matrix = reachability_matrix(reports, hosts)
    assert matrix["lines"] == [
        "network bridge",
        "from \\ to docker1   docker2   docker3",
        "docker1   -         ok        FAIL",
        "docker2   ok        -         FAIL",
        "docker3   FAIL      FAIL      -",
    ]
    assert matrix["gaps"] == [
        "docker1 -> docker3 on bridge: FAIL (docker3 reported no probes)",
        "docker2 -> docker3 on bridge: FAIL (docker3 reported no probes)",
        "docker3 -> docker1 on bridge: FAIL (docker3 reported no probes)",
        "docker3 -> docker2 on bridge: FAIL (docker3 reported no probes)",
    ]


def test_nothing_reported_at_all_is_not_complete():
    matrix = reachability_matrix({"docker1": None}, HOSTS)
    assert matrix["lines"] == []
    assert matrix["gaps"] == ["docker1: reported no probes", "docker2: reported no probes"]
    assert matrix["complete"] is False


def test_a_reply_without_an_address_fails():
    reports = {
        "docker1": {"addresses": {"bridge": D1["bridge"]}, "results": [reply("bridge", "docker2", "garbage")]},
        "docker2": {"addresses": {"bridge": D2["bridge"]}, "results": [reply("bridge", "docker1", D2["bridge"])]},
    }
    assert reachability_matrix(reports, HOSTS)["gaps"] == [
        "docker1 -> docker2 on bridge: FAIL (unexpected reply: peer=garbage)"
    ]


def test_long_host_names_widen_the_columns():
    hosts = ["docker-host-one", "b"]
    reports = {
        "docker-host-one": {"addresses": {"bridge": "2001:db8::1"}, "results": [reply("bridge", "b", "2001:db8::1")]},
        "b": {"addresses": {"bridge": "2001:db8::2"}, "results": [reply("bridge", "docker-host-one", "2001:db8::2")]},
    }
    assert reachability_matrix(reports, hosts)["lines"][1:] == [
        "from \\ to       docker-host-one b",
        "docker-host-one -               ok",
        "b               ok              -",
    ]


def test_a_probe_that_was_skipped_or_never_ran_is_not_probed():
    hosts = ["docker1", "docker2", "docker3"]
    reports = {
        # docker1's probe of docker2 was skipped, and it has no result at all for docker3
        "docker1": {
            "addresses": {"bridge": D1["bridge"]},
            "results": [{"item": ["bridge", "docker2"], "skipped": True}],
        },
        "docker2": {
            "addresses": {"bridge": D2["bridge"]},
            "results": [reply("bridge", "docker1", D2["bridge"]), reply("bridge", "docker3", D2["bridge"])],
        },
        "docker3": {
            "addresses": {"bridge": "2001:db8:ab11:0:a000::2"},
            "results": [
                reply("bridge", "docker1", "2001:db8:ab11:0:a000::2"),
                reply("bridge", "docker2", "2001:db8:ab11:0:a000::2"),
            ],
        },
    }
    matrix = reachability_matrix(reports, hosts)
    assert matrix["gaps"] == [
        "docker1 -> docker2 on bridge: FAIL (not probed)",
        "docker1 -> docker3 on bridge: FAIL (not probed)",
    ]
    assert matrix["cells"]["bridge"]["docker1"] == {"docker2": "FAIL", "docker3": "FAIL"}


def test_a_silent_host_listed_first_does_not_hide_the_others():
    hosts = ["docker0", "docker1", "docker2"]
    reports = {
        "docker1": {"addresses": {"bridge": D1["bridge"]}, "results": [reply("bridge", "docker2", D1["bridge"])]},
        "docker2": {"addresses": {"bridge": D2["bridge"]}, "results": [reply("bridge", "docker1", D2["bridge"])]},
    }
    matrix = reachability_matrix(reports, hosts)
    assert matrix["networks"] == ["bridge"]
    assert matrix["lines"] == [
        "network bridge",
        "from \\ to docker0   docker1   docker2",
        "docker0   -         FAIL      FAIL",
        "docker1   FAIL      -         ok",
        "docker2   FAIL      ok        -",
    ]
    assert matrix["gaps"] == [
        "docker0 -> docker1 on bridge: FAIL (docker0 reported no probes)",
        "docker0 -> docker2 on bridge: FAIL (docker0 reported no probes)",
        "docker1 -> docker0 on bridge: FAIL (docker0 reported no probes)",
        "docker2 -> docker0 on bridge: FAIL (docker0 reported no probes)",
    ]


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"reachability_matrix": reachability_matrix}


@pytest.mark.parametrize(
    "reports, hosts, message",
    [
        (["docker1"], HOSTS, "the input must map each host to the report of its probes"),
        ({"docker1": {"addresses": {}}}, "docker1", "the argument must be the list of hosts, in table order"),
        ({"docker1": {"addresses": {}}}, None, "the argument must be the list of hosts, in table order"),
        (
            {"docker1": {"addresses": ["bridge"]}},
            HOSTS,
            "docker1: addresses and problems must map network names to text",
        ),
        (
            {"docker1": {"addresses": {}, "problems": ["bridge"]}},
            HOSTS,
            "docker1: addresses and problems must map network names to text",
        ),
        (
            {"docker1": {"addresses": {}, "results": "bridge docker2"}},
            HOSTS,
            "docker1: results must be a list of probe results",
        ),
        ({"docker1": {"addresses": {}, "results": 3}}, HOSTS, "docker1: results must be a list of probe results"),
        (
            {"docker1": {"addresses": {}, "results": [{"item": "bridge"}]}},
            HOSTS,
            "docker1: each probe result needs an item [network, target host], got 'bridge'",
        ),
        (
            {"docker1": {"addresses": {}, "results": [{"item": ["bridge", "docker2", "docker3"]}]}},
            HOSTS,
            "docker1: each probe result needs an item [network, target host], got ['bridge', 'docker2', 'docker3']",
        ),
        (
            {"docker1": {"addresses": {}, "results": [{"stdout": "peer=[2001:db8::1]"}]}},
            HOSTS,
            "docker1: each probe result needs an item [network, target host], got None",
        ),
        (
            {"docker1": {"addresses": {}, "results": ["bridge docker2"]}},
            HOSTS,
            "docker1: each probe result needs an item [network, target host], got None",
        ),
    ],
)
def test_bad_input_is_refused_with_what_is_wrong(reports, hosts, message):
    with pytest.raises(AnsibleFilterError) as error:
        reachability_matrix(reports, hosts)
    assert str(error.value) == "reachability_matrix: " + message

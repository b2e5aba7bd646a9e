# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fills the generated parts of docs/performance.md from the raw results of bench/run.py (bench/results/*.json).

    .cache/venv/bin/python bench/render.py                      rewrite docs/performance.md in place
    .cache/venv/bin/python bench/render.py --doc /tmp/perf.md   write the result elsewhere
    .cache/venv/bin/python bench/render.py --results /tmp/res   take the results from elsewhere

The document is written by hand, except between pairs of marker comments, each on a line of its own:

    <!-- bench:ndp-results -->
    (tables, figures and dates: replaced at every render)
    <!-- /bench:ndp-results -->

Only what is between the markers is replaced; every other line of the document (the prose, the headings, the blank
lines) is kept as written, so the prose is edited in docs/performance.md itself. The blocks are listed in BLOCKS; a
marker of the document that is missing, unknown, repeated or not closed is an error that names it, and nothing is
written. A section without results gets a line saying so in its first block, and its other blocks are left empty.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
DOC = REPO / "docs" / "performance.md"
BASELINE_RUNS = ("baseline_first", "baseline_noop", "dockernet_first", "dockernet_noop")
FLEET_HOSTS = (100, 1000)
FLEET_FORKS = (16, 64)
FLEET_CORES = (2, 8)
# A marker line: <!-- bench:NAME --> opens a block, <!-- /bench:NAME --> closes it.
MARKER = re.compile(r"^\s*<!--\s*(/?)bench:(\S+?)\s*-->\s*$")


class MarkerError(Exception):
    """The document's markers do not match the blocks that render.py generates."""


# ------------------------------------------------------------------------------------------------ figures
def stats(values):
    """Median, min, max and count of the values that are not None (bench/run.py keeps its results this way)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "values": values,
    }


def f(s, unit="s", digits=2):
    if not s:
        return "n/a"
    if isinstance(s, (int, float)):
        return f"{s:.{digits}f} {unit}"
    return f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f}, n={s['n']})"


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ratios(num, den):
    return [b / a for a, b in zip(den, num) if a]


def _scale_ratios(d, kind, lo, hi):
    return [(b / int(hi)) / (a / int(lo)) for a, b in zip(d[f"{kind}_cpu"][lo], d[f"{kind}_cpu"][hi]) if a]


def _mb(s):
    if not s:
        return "n/a"
    return f"{s['median'] / 1e6:.1f} MB ({s['min'] / 1e6:.1f}–{s['max'] / 1e6:.1f}, n={s['n']})"


def _stamp(d):
    return f"Measured {d.get('date', '?')}, engine {d.get('engine', '?')} (ENGINE={d.get('engine_suite', '?')})"


def _commands(d):
    """The closing list of a section: the commands its figures come from."""
    return ["Commands:", "", *(f"- {k}: `{v}`" for k, v in d["commands"].items())]


def _sizes(d):
    return ", ".join(str(s) for s in d["sizes"])


# ------------------------------------------------------------------------------------------------ blocks
def render_summary(data):
    rows = []

    def row(what, value, target, met):
        rows.append(f"| {what} | {value} | {target} | {'met' if met else 'NOT met'} |")

    d = data.get("ndp")
    if d:
        scale = d["entries"] / d["loop_items"]
        loop = _med([w - t + t * scale for w, t in zip(d["loop_wall"], d["loop_task"])])
        if loop:
            r = loop / _med(d["converge_wall"])
            row(
                f"NDP: {d['entries']} entries, one task vs per-address loop (whole playbooks, loop extrapolated "
                f"from {d['loop_items']})",
                f"{r:.0f}×",
                "≥ 50×",
                r >= 50,
            )
        oh = d.get("onhost")
        if oh:
            r = _med([(c - p) / i for c, p, i in zip(oh["converge"], oh["ping"], oh["ip_add"])])
            row("NDP: module beyond the floor vs bare `ip -batch` (on the host)", f"{r:.1f}×", "≤ 2×", r <= 2)
        n = _med(d["noop_task"])
        fl = _med(d["floor_task"])
        row(
            f"NDP: no-op re-run, whole task (ping floor in the same play: {fl:.2f} s)",
            f"{n:.2f} s",
            "well under 1 s",
            n < 0.5,
        )
        if oh:
            n = _med(oh["noop"])
            nb = _med([a - b for a, b in zip(oh["noop"], oh["ping"])])
            row(
                "NDP: no-op re-run, module process on the host (and minus the ping process)",
                f"{n:.2f} s ({nb:+.2f} s)",
                "well under 1 s",
                n < 0.5,
            )
    d = data.get("networks")
    if d:
        r = _med(d["ratios"])
        row("Networks: no-op dockernet / community.docker", f"{r:.2f}", "≤ 1.0", r <= 1.0)
    d = data.get("rollout")
    if d:
        for v in d["variants"]:
            r = _med([b / a for a, b in zip(d["first"][v], d["second"][v])])
            row(f"Rollout ({v}): second run / first run", f"{r:.2f}", "≤ 0.40", r <= 0.40)
    d = data.get("growth")
    if d and len(d["sizes"]) > 1:
        lo, hi = str(d["sizes"][0]), str(d["sizes"][-1])
        if hi in d["first"]:
            r = _med([b / a for a, b in zip(d["first"][lo], d["first"][hi])])
            row(f"Growth: first run {hi} hosts / {lo} hosts", f"{r:.2f}×", "≤ 2×", r <= 2)
    d = data.get("baseline")
    if d:
        for num, den, limit in (
            ("dockernet_noop", "baseline_noop", 1.0),
            ("dockernet_first", "baseline_first", 1.2),
            ("dockernet_noop", "dockernet_first", 0.40),
        ):
            r = _med(_ratios(d[num]["wall"], d[den]["wall"]))
            c = _med(_ratios(d[num]["cpu"], d[den]["cpu"]))
            what = f"{num} / {den}".replace("dockernet", "site.yml").replace("noop", "no-op").replace("_", " ")
            row(f"Baseline: {what}, wall (controller CPU)", f"{r:.2f} ({c:.2f})", f"≤ {limit:.2f}", r <= limit)
        changed = {k: d[k]["changed"] for k in ("baseline_noop", "dockernet_noop")}
        row(
            "Baseline: changed on the no-op run (recipe.yml, site.yml)",
            f"{changed['baseline_noop']}, {changed['dockernet_noop']}",
            "0",
            not any(changed["baseline_noop"] + changed["dockernet_noop"]),
        )
    d = data.get("scale")
    if d and len(d["sizes"]) > 1:
        lo, hi = str(d["sizes"][0]), str(d["sizes"][-1])
        r = _med(_scale_ratios(d, "noop", lo, hi))
        if r:
            per = _med([c / int(hi) for c in d["noop_cpu"][hi]])
            row(
                f"Scale: no-op run, controller CPU per host, {hi} hosts / {lo} hosts ({per:.2f} s/host at {hi})",
                f"{r:.2f}×",
                "≤ 1.2×",
                r <= 1.2,
            )
    d = data.get("planner")
    if d:
        for mode in ("ndp_proxy", "routed"):
            for size in ("1000", "10000"):
                r = d.get(mode, {}).get(size)
                if not r:
                    continue
                what = f"Planner, {mode}, {size} hosts: time, peak memory"
                if "not_measured" in r:
                    rows.append(f"| {what} | not measured ({r['not_measured']}) | (report) | — |")
                    continue
                secs = r["secs"]["median"]
                peak = r["peak_bytes"]["median"] / 1e6 if r.get("peak_bytes") else None
                value = f"{secs:.2f} s, " + (f"{peak:.0f} MB" if peak is not None else "n/a")
                if size == "1000" and peak is None:
                    rows.append(f"| {what} | {value} (results of an older bench/run.py) | < 5 s, < 300 MB | — |")
                elif size == "1000":
                    row(what, value, "< 5 s, < 300 MB", secs < 5 and peak is not None and peak < 300)
                else:
                    rows.append(f"| {what} | {value} | (report) | — |")
    d = data.get("sync")
    if d and d.get("from_return"):
        rows.append(
            f"| Proxy sync: container pingable from docker2 after `docker run` (median / worst) | "
            f"{d['from_return']['median']:.2f} s / {d['worst_from_return']:.2f} s | (report) | — |"
        )
    if not rows:
        return ["No results: run `make bench`."]
    return ["| figure | measured (median) | target | |", "|---|---|---|---|"] + rows


# The timings the ndp section keeps per repetition (bench/run.py), each summarised by stats().
NDP_TIMINGS = (
    "converge_wall",
    "converge_task",
    "noop_task",
    "noop2_task",
    "replace_task",
    "floor_task",
    "ip_add",
    "ip_replace",
    "loop_wall",
    "loop_task",
)


def render_ndp(d):
    s = {k: stats(d[k]) for k in NDP_TIMINGS}
    scale = d["entries"] / d["loop_items"]
    loop_wall_x = [w - t + t * scale for w, t in zip(d["loop_wall"], d["loop_task"])]
    conv_wall = statistics.median(d["converge_wall"])
    ratio_loop = statistics.median(loop_wall_x) / conv_wall if loop_wall_x else None
    beyond = [c - fl for c, fl in zip(d["converge_task"], d["floor_task"])]
    beyond_r = [r - fl for r, fl in zip(d["replace_task"], d["floor_task"])]
    rb = [b / ip for b, ip in zip(beyond, d["ip_add"])]
    rr = [b / ip for b, ip in zip(beyond_r, d["ip_replace"])]
    whole = [c / ip for c, ip in zip(d["converge_task"], d["ip_add"])]
    out = {
        "setup": [
            f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}` (see section 3), on a "
            f"throwaway {d['interface']}: {d['entries']} entries, {d['replaced']} of them replaced, a per-address loop "
            f"of {d['loop_items']} items."
        ],
        "results": [
            "| what | time |",
            "|---|---|",
            f"| whole playbook, converge {d['entries']} new entries | {f(s['converge_wall'])} |",
            f"| task: converge {d['entries']} new entries | {f(s['converge_task'])} |",
            f"| task: no-op re-run ({d['entries']} entries in place) | {f(s['noop_task'])} |",
            f"| task: replace {d['replaced']} (exclusive, new list) | {f(s['replace_task'])} |",
            f"| task: no-op after the replacement | {f(s['noop2_task'])} |",
            f"| floor: `ansible.builtin.ping` task | {f(s['floor_task'])} |",
            f"| converge task minus floor | {f(stats(beyond))} |",
            f"| replace task minus floor | {f(stats(beyond_r))} |",
            f"| bare `ip -6 -batch -`, {d['entries']} adds, timed on the host | {f(s['ip_add'], digits=3)} |",
            f"| bare `ip -6 -batch -`, {d['replaced']} deletes + {d['replaced']} adds | "
            f"{f(s['ip_replace'], digits=3)} |",
            f"| loop of per-address `command` tasks, {d['loop_items']} items, whole playbook | {f(s['loop_wall'])} |",
            f"| the same loop task alone, {d['loop_items']} items | {f(s['loop_task'])} |",
            f"| loop extrapolated to {d['entries']} items (linear ×{scale:g}), whole playbook | "
            f"{f(stats(loop_wall_x))} |",
        ],
        "onhost": ["No on-host figures in these results: run `bench/run.py --only ndp` again."],
        "ratios": [
            f"- vs the per-address loop (whole playbooks, loop **extrapolated linearly from {d['loop_items']} items**"
            f", each item is one task run): **{ratio_loop:.0f}× faster** (target ≥ 50×)."
            if ratio_loop
            else "- loop: n/a",
            f"- vs bare `ip -batch`, beyond the floor: converge {f(stats(rb), unit='×', digits=1)}, replace "
            f"{f(stats(rr), unit='×', digits=1)} (target ≤ 2×).",
            f"- vs bare `ip -batch`, whole task (floor included): converge {f(stats(whole), unit='×', digits=0)} — "
            "that is Ansible's fixed per-task cost, not the work.",
            f"- no-op re-run: {f(s['noop_task'])} as a whole task (target: well under 1 s).",
        ],
        "commands": _commands(d),
    }
    oh = d.get("onhost")
    if oh:
        o = {k: stats(v) for k, v in oh.items()}
        ob = [c - p for c, p in zip(oh["converge"], oh["ping"])]
        orb = [c - p for c, p in zip(oh["replace"], oh["ping"])]
        onb = [c - p for c, p in zip(oh["noop"], oh["ping"])]
        out["onhost"] = [
            "| on the host | time |",
            "|---|---|",
            f"| `ping` module process (floor) | {f(o['ping'], digits=3)} |",
            f"| `ndp_proxy` converge {d['entries']} new | {f(o['converge'], digits=3)} |",
            f"| `ndp_proxy` no-op | {f(o['noop'], digits=3)} |",
            f"| `ndp_proxy` replace {d['replaced']} | {f(o['replace'], digits=3)} |",
            f"| `ip -6 -batch -` {d['entries']} adds | {f(o['ip_add'], digits=3)} |",
            f"| `ip -6 -batch -` {d['replaced']} del + {d['replaced']} add | {f(o['ip_replace'], digits=3)} |",
            f"| converge minus floor | {f(stats(ob), digits=3)} |",
            f"| no-op minus floor | {f(stats(onb), digits=3)} |",
            f"| replace minus floor | {f(stats(orb), digits=3)} |",
            "",
            f"- converge beyond the floor / bare ip -batch: "
            f"{f(stats([b / i for b, i in zip(ob, oh['ip_add'])]), unit='×', digits=1)} (target ≤ 2×)",
            f"- replace beyond the floor / bare ip -batch: "
            f"{f(stats([b / i for b, i in zip(orb, oh['ip_replace'])]), unit='×', digits=1)}",
            f"- whole module process / bare ip -batch: converge "
            f"{f(stats([c / i for c, i in zip(oh['converge'], oh['ip_add'])]), unit='×', digits=1)}, replace "
            f"{f(stats([c / i for c, i in zip(oh['replace'], oh['ip_replace'])]), unit='×', digits=1)}",
        ]
    return out


def render_networks(d):
    return {
        "setup": [f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}`."],
        "results": [
            "| | task time |",
            "|---|---|",
            f"| A `dockernet.ipv6.docker_network` | {f(stats(d['a']))} |",
            f"| B `community.docker.docker_network` | {f(stats(d['b']))} |",
            f"| ratio A/B per pair | {f(stats(d['ratios']), unit='', digits=2)} (target ≤ 1.0) |",
            "",
            f"Changed flags (A, B) per pair: {d['changed']} (all must be false).",
        ],
        "commands": [f"Command: `{d['command']}`"],
    }


def render_rollout(d):
    vs = d["variants"]
    base = vs[0]
    out = {"setup": [f"{_stamp(d)}, lab of {d['hosts']} hosts, variants {', '.join(f'`{v}`' for v in vs)}."]}
    runs = [
        "| variant | first run | second run | second/first | tasks per host (first / second) | changed on 2nd |",
        "|---|---|---|---|---|---|",
    ]
    for v in vs:
        fs, ss = stats(d["first"][v]), stats(d["second"][v])
        ratio = stats([b / a for a, b in zip(d["first"][v], d["second"][v])])
        tph = d["tasks_per_host"].get(v, {})
        runs.append(
            f"| {v} | {f(fs, digits=1)} | {f(ss, digits=1)} | {f(ratio, unit='', digits=2)} | "
            f"{tph.get('first')} / {tph.get('second')} | {d['changed_second'].get(v)} |"
        )
    out["runs"] = runs
    out["first-ratios"] = [
        f"- {v} / {base}: {f(stats([b / a for a, b in zip(d['first'][base], d['first'][v])]), unit='', digits=2)}"
        for v in vs[1:]
    ] or [f"- only one variant ({base}) in these results"]
    noop = ["| variant | no-op run | ratio to " + base + " |", "|---|---|---|"]
    for v in vs:
        r = stats([b / a for a, b in zip(d["noop"][base], d["noop"][v])])
        noop.append(f"| {v} | {f(stats(d['noop'][v]), digits=1)} | {f(r, unit='', digits=2)} |")
    out["noop"] = noop
    fl = d.get("floor", {})
    if fl:
        out["floor"] = ["| variant | ping task | whole playbook | task ratio to docker |", "|---|---|---|---|"]
        for v in fl:
            r = stats([b / a for a, b in zip(fl["docker"], fl[v])])
            out["floor"].append(
                f"| {v} | {f(stats(fl[v]))} | {f(stats(d['floor_wall'][v]))} | {f(r, unit='', digits=2)} |"
            )
    else:
        out["floor"] = ["No per-task floor in these results."]
    profile = []
    for v in vs:
        if v not in d["profile_first"]:
            continue
        profile += [""] if profile else []
        profile += [
            f"Where the time goes, first run, {v} (task time, slowest host, repeated names summed):",
            "",
            "| task | s |",
            "|---|---|",
        ]
        profile += [f"| {name} | {secs:.1f} |" for name, secs in d["profile_first"][v][:10]]
    out["profile"] = profile
    gains = []
    fl_r = {v: _med([b / a for a, b in zip(fl["docker"], fl[v])]) for v in fl if v != "docker"}
    if fl_r:
        gains.append("- Per-task floor ratio to `docker`: " + ", ".join(f"{v} {r:.2f}" for v, r in fl_r.items()) + ".")
    if len(vs) > 1:
        noop_r = _med([b / a for a, b in zip(d["noop"][base], d["noop"][vs[-1]])])
        first_r = _med([b / a for a, b in zip(d["first"][base], d["first"][vs[-1]])])
        gains.append(
            f"- {vs[-1]} against {base}: no-op rollout ×{noop_r:.2f}, first rollout ×{first_r:.2f} (medians of "
            "per-round ratios)."
        )
    out["gains"] = gains
    out["commands"] = [f"Commands: first run `{d.get('command_first')}`; second run `{d.get('command_second')}`."]
    return out


def render_baseline(d):
    r = {k: d[k] for k in BASELINE_RUNS}
    tph = d.get("tasks_per_host", {})
    runs = ["| run | wall | controller CPU | tasks per host | changed |", "|---|---|---|---|---|"]
    for key in BASELINE_RUNS:
        label = key.replace("_", " ").replace("noop", "no-op").replace("dockernet", "site.yml")
        runs.append(
            f"| {label} | {f(stats(r[key]['wall']), digits=1)} | {f(stats(r[key]['cpu']), digits=1)} | "
            f"{sorted(set(tph.get(key, {}).values()))} | {r[key]['changed']} |"
        )
    ratios = ["| ratio | wall | controller CPU | target (wall) |", "|---|---|---|---|"]
    for num, den, target in (
        ("dockernet_noop", "baseline_noop", "≤ 1.0"),
        ("dockernet_first", "baseline_first", "≤ 1.2"),
        ("dockernet_noop", "dockernet_first", "≤ 0.40"),
    ):
        w = stats(_ratios(r[num]["wall"], r[den]["wall"]))
        c = stats(_ratios(r[num]["cpu"], r[den]["cpu"]))
        name = f"{num} / {den}".replace("dockernet", "site.yml").replace("noop", "no-op").replace("_", " ")
        ratios.append(f"| {name} | {f(w, unit='', digits=2)} | {f(c, unit='', digits=2)} | {target} |")
    return {
        "setup": [f"{_stamp(d)}, lab of {d['hosts']} hosts, connection variant `{d.get('variant')}`."],
        "runs": runs,
        "ratios": ratios,
        "commands": _commands(d),
    }


def render_growth(d):
    sizes = [str(s) for s in d["sizes"]]
    results = [
        "| hosts | first run | tasks per host | lab up (not in the figure) |",
        "|---|---|---|---|",
    ]
    for s in sizes:
        tph = sorted(set(d["tasks_per_host"].get(s, {}).values()))
        results.append(f"| {s} | {f(stats(d['first'][s]), digits=1)} | {tph} | {f(stats(d['lab_up'][s]), digits=1)} |")
    lo, hi = sizes[0], sizes[-1]
    r = stats([b / a for a, b in zip(d["first"][lo], d["first"][hi])])
    results += ["", f"Ratio {hi} hosts / {lo} hosts: {f(r, unit='×', digits=2)} (target ≤ 2×)."]
    return {
        "setup": [f"{_stamp(d)}, lab sizes {_sizes(d)}, variant `{d['variant']}`."],
        "results": results,
        "commands": [f"Command: `{d['command']}`"],
    }


def render_scale(d):
    sizes = [str(s) for s in d["sizes"]]
    results = [
        "| hosts | first: wall | first: CPU | first: CPU/host | no-op: wall | no-op: CPU | no-op: CPU/host | "
        "tasks per host (first / no-op) | changed on no-op |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        n = int(s)
        tph = d["tasks_per_host"].get(s, {})
        results.append(
            f"| {s} | {f(stats(d['first_wall'][s]), digits=1)} | {f(stats(d['first_cpu'][s]), digits=1)} | "
            f"{f(stats([c / n for c in d['first_cpu'][s]]), digits=2)} | {f(stats(d['noop_wall'][s]), digits=1)} | "
            f"{f(stats(d['noop_cpu'][s]), digits=1)} | {f(stats([c / n for c in d['noop_cpu'][s]]), digits=2)} | "
            f"{sorted(set(tph.get('first', {}).values()))} / {sorted(set(tph.get('noop', {}).values()))} | "
            f"{d['noop_changed'][s]} |"
        )
    lo, hi = sizes[0], sizes[-1]
    if lo != hi:
        results.append("")
        for kind in ("noop", "first"):
            r = stats(_scale_ratios(d, kind, lo, hi))
            target = " (target ≤ 1.2)" if kind == "noop" else ""
            results.append(
                f"- {'no-op' if kind == 'noop' else 'first'} run, controller CPU per host, {hi} hosts / {lo} hosts: "
                f"{f(r, unit='×', digits=2)}{target}"
            )
    return {
        "setup": [f"{_stamp(d)}, lab sizes {_sizes(d)}, variant `{d['variant']}`."],
        "results": results,
        "commands": [f"Command: `{d['command']}`"],
    }


def render_planner(d):
    results = [
        "| mode | hosts | plan time | peak memory (beyond baseline) | plan JSON | largest host's part | routes |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode in ("ndp_proxy", "routed"):
        for size, r in d[mode].items():
            if "not_measured" in r:
                results.append(f"| {mode} | {size} | not measured: {r['not_measured']} | | | | |")
                continue
            js = f"{r['json_bytes'] / 1e6:.2f} MB" if "json_bytes" in r else "n/a"
            if "json_error" in r:
                js = f"not measured: {r['json_error']}"
            hj = f"{r['largest_host_json_bytes'] / 1e3:.1f} kB" if "largest_host_json_bytes" in r else "n/a"
            results.append(
                f"| {mode} | {size} | {f(r['secs'], digits=3)} | {_mb(r.get('peak_bytes'))} | {js} | {hj} | "
                f"{r['routes']} |"
            )
    return {
        "setup": [f"Measured {d.get('date')}."],
        "results": results,
        "commands": [f"Command: `{d['command']}`"],
    }


def render_sync(d):
    return {
        "setup": [f"{_stamp(d)}, lab of {d['hosts']} hosts, {d['count']} containers."],
        "results": [
            "| | |",
            "|---|---|",
            f"| from `docker run` returning until pingable | {f(d['from_return'])} |",
            f"| worst | {f(d['worst_from_return'])} |",
            f"| from before `docker run` | {f(d['from_start'])} |",
            f"| probe attempts needed | {f(d['attempts'], unit='', digits=1)} |",
            f"| one probe to an already reachable container (resolution) | {f(d['probe_floor'])} |",
            f"| never reachable within 60 s | {d['unreached']} |",
        ],
    }


def render_fleet(d):
    """What a fleet costs, estimated from the scale section's controller CPU per host (section 6)."""
    sizes = [str(s) for s in d["sizes"]]
    big, small = sizes[-1], sizes[0]
    per_host = {
        kind: _med([c / int(big) for c in d[f"{kind}_cpu"][big]]) for kind in ("first", "noop") if d[f"{kind}_cpu"][big]
    }
    # One host's whole run when the controller is not the limit: the wall time of the smallest lab.
    alone = {kind: _med(d[f"{kind}_wall"][small]) for kind in ("first", "noop") if d[f"{kind}_wall"][small]}
    if len(per_host) < 2 or len(alone) < 2:
        return {"basis": ["No scale results to estimate from: run `bench/run.py --only scale`."]}
    table = [
        "| hosts | forks | controller cores | first run ≥ | no-op run ≥ | limited by |",
        "|---|---|---|---|---|---|",
    ]
    for hosts in FLEET_HOSTS:
        for forks in FLEET_FORKS:
            for cores in FLEET_CORES:
                bounds = {}
                for kind in ("first", "noop"):
                    cpu = hosts * per_host[kind] / cores
                    batches = -(-hosts // forks) * alone[kind]
                    bounds[kind] = (max(cpu, batches), "controller CPU" if cpu >= batches else "forks")
                table.append(
                    f"| {hosts} | {forks} | {cores} | {bounds['first'][0] / 60:.0f} min | "
                    f"{bounds['noop'][0] / 60:.0f} min | {bounds['noop'][1]} |"
                )
    return {
        "basis": [
            f"From the results of {d.get('date', '?')}: controller CPU per host at {big} hosts, first run "
            f"{per_host['first']:.1f} s, no-op {per_host['noop']:.1f} s (connection `{d['variant']}`); wall time of "
            f"a {small}-host run, first {alone['first']:.0f} s, no-op {alone['noop']:.0f} s."
        ],
        "table": table,
    }


# Block prefix: (results file it is rendered from, renderer, its blocks in document order); a block's marker is
# <!-- bench:PREFIX-BLOCK -->. The summary (<!-- bench:summary -->) is rendered from every results file.
SECTIONS = {
    "ndp": ("ndp", render_ndp, ("setup", "results", "onhost", "ratios", "commands")),
    "networks": ("networks", render_networks, ("setup", "results", "commands")),
    "rollout": (
        "rollout",
        render_rollout,
        ("setup", "runs", "first-ratios", "noop", "floor", "profile", "gains", "commands"),
    ),
    "baseline": ("baseline", render_baseline, ("setup", "runs", "ratios", "commands")),
    "growth": ("growth", render_growth, ("setup", "results", "commands")),
    "scale": ("scale", render_scale, ("setup", "results", "commands")),
    "planner": ("planner", render_planner, ("setup", "results", "commands")),
    "sync": ("sync", render_sync, ("setup", "results")),
    "fleet": ("scale", render_fleet, ("basis", "table")),
}
BLOCKS = ("summary", *(f"{prefix}-{block}" for prefix, section in SECTIONS.items() for block in section[2]))


def load(results: Path) -> dict:
    """The raw results, by section: bench/results/<section>.json."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(results.glob("*.json"))}


def generate(data: dict) -> dict:
    """Every block's lines (without the marker lines), by marker name."""
    out = {"summary": render_summary(data)}
    for prefix, (source, renderer, blocks) in SECTIONS.items():
        d = data.get(source)
        got = renderer(d) if d else {blocks[0]: [f"No results: run `bench/run.py --only {source}`."]}
        extra = set(got) - set(blocks)
        if extra:
            raise AssertionError(f"{renderer.__name__} returned blocks not in SECTIONS: {sorted(extra)}")
        for block in blocks:
            out[f"{prefix}-{block}"] = got.get(block, [])
    return out


def fill(template: str, blocks: dict, where: str = "the document") -> str:
    """The template with the lines between each pair of markers replaced by that block's lines."""
    out, errors, seen = [], [], {}
    current = None  # (name, line number) of the open block
    for no, line in enumerate(template.splitlines(), 1):
        m = MARKER.match(line)
        if not m:
            if current is None:
                out.append(line)
            continue
        closing, name = m.group(1) == "/", m.group(2)
        if current is not None and closing and name == current[0]:
            out += blocks.get(name, [])
            out.append(line)
            current = None
            continue
        if current is not None:
            errors.append(f"{where}:{no}: {line.strip()} inside bench:{current[0]} (opened at line {current[1]})")
            continue
        if closing:
            errors.append(f"{where}:{no}: {line.strip()} closes a block that is not open")
            continue
        if name in seen:
            errors.append(f"{where}:{no}: bench:{name} again (first at line {seen[name]})")
        elif name not in blocks:
            errors.append(f"{where}:{no}: unknown marker bench:{name} (bench/render.py has no block of that name)")
        seen.setdefault(name, no)
        out.append(line)
        current = (name, no)
    if current is not None:
        errors.append(f"{where}:{current[1]}: bench:{current[0]} is not closed (<!-- /bench:{current[0]} -->)")
    missing = [name for name in blocks if name not in seen]
    if missing:
        errors.append(
            f"{where}: missing marker{'s' if len(missing) > 1 else ''}: "
            + ", ".join(f"<!-- bench:{name} --> … <!-- /bench:{name} -->" for name in missing)
            + " (each pair on lines of their own, where the block's tables and figures go)"
        )
    if errors:
        raise MarkerError("\n".join(errors))
    return "\n".join(out) + "\n"


def render(results: Path = RESULTS, template: Path = DOC) -> str:
    """The document: the template's text with every block generated from the results."""
    where = str(template.relative_to(REPO)) if template.is_relative_to(REPO) else str(template)
    return fill(template.read_text(), generate(load(results)), where)


def write(doc: Path = DOC, results: Path = RESULTS, template: Path = DOC) -> bool:
    """Render and write doc (only if its text changes); whether it was written."""
    text = render(results, template)
    if doc.exists() and doc.read_text() == text:
        return False
    doc.write_text(text)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--doc", type=Path, default=DOC, help="the document to write (default docs/performance.md)")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="directory of the raw results (default bench/results)"
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=DOC,
        help="the document whose prose and markers are kept (default docs/performance.md, so: in place)",
    )
    args = parser.parse_args(argv)
    try:
        written = write(args.doc.resolve(), args.results.resolve(), args.template.resolve())
    except MarkerError as exc:
        print(f"{parser.prog}: the markers of {args.template} do not match bench/render.py:\n{exc}", file=sys.stderr)
        return 1
    print(f"{parser.prog}: {'wrote' if written else 'unchanged:'} {args.doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

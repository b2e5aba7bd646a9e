"""The local lab from Python: its constants and one harness, for the reliability suite and the bench.

The constants come from lab.env, which tools/lab/lab.sh sources too; a lab instance is brought up and down by
lab.sh, and `Lab` runs commands in it (in the outer engine, or in one of its hosts). Every subprocess gets an argv
list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LAB_SH = HERE / "lab.sh"
_LINE = re.compile(r"([A-Z][A-Z0-9_]*)=([^\s'\"$`\\]*)")


def load_env(path: Path = HERE / "lab.env") -> dict[str, str]:
    """KEY=VALUE lines of lab.env; anything a shell would read differently from Python is an error."""
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if not match:
            raise ValueError(f"{path}:{number}: not KEY=VALUE without quotes, spaces or expansions: {line!r}")
        values[match.group(1)] = match.group(2)
    return values


ENV = load_env()
NAME_PREFIX = ENV["NAME_PREFIX"]
ENGINES = tuple(ENV["ENGINES"].split(","))
LAN_PREFIX = ENV["LAN_PREFIX"]
LAN_SUBNET = ENV["LAN_SUBNET"]
LAN_GATEWAY = ENV["LAN_GW6"]
BUSYBOX_IMAGE = ENV["BUSYBOX_IMAGE"]


def host_address(k: int) -> str:
    """The LAN address lab.sh gives host docker<k>."""
    return f"{LAN_PREFIX}{k}"


def run_dir(lab: str) -> Path:
    """The lab's runtime directory: it exists while its outer engine may run."""
    return Path("/run") / f"{NAME_PREFIX}-{lab}"


def run(argv, *, check=False, timeout=600, env=None, input=None) -> subprocess.CompletedProcess:
    """argv (a list) with captured text output; check=True raises RuntimeError with the end of stdout and stderr."""
    res = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=timeout, env=env, input=input, check=False
    )
    if check and res.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, argv))} failed ({res.returncode}): {res.stdout.strip()[-1500:]} "
            f"{res.stderr.strip()[-1500:]}"
        )
    return res


class Lab:
    """One lab instance: `hosts` hosts docker1..docker<hosts> of one engine generation."""

    def __init__(self, name: str, engine: str = "trixie", hosts: int = 2):
        if engine not in ENGINES:
            raise ValueError(f"engine {engine!r} is not one of {', '.join(ENGINES)}")
        self.name, self.engine, self.hosts = name, engine, hosts
        self.env = dict(os.environ, LAB=name, ENGINE=engine, HOSTS=str(hosts))
        self.netns = f"{NAME_PREFIX}-{name}"
        self.sock = f"unix://{run_dir(name)}/docker.sock"
        self.names = [f"docker{i}" for i in range(1, hosts + 1)]

    def lab(self, command: str, timeout: int = 600, check: bool = True) -> subprocess.CompletedProcess:
        """tools/lab/lab.sh <command> for this instance."""
        return run([LAB_SH, command], env=self.env, timeout=timeout, check=check)

    def up(self) -> None:
        self.lab("up", timeout=1800)

    def down(self) -> None:
        self.lab("down", timeout=900, check=False)

    def inventory_path(self) -> Path:
        return Path(self.lab("inventory").stdout.strip())

    def container(self, host: str) -> str:
        """The outer engine's container of lab host `host` (docker<k>)."""
        return f"{self.name}-{host}"

    def outer(self, argv, **kw) -> subprocess.CompletedProcess:
        """docker <argv> against the lab's outer engine."""
        return run(["docker", "-H", self.sock, *argv], **kw)

    def hx(self, host: str, argv, **kw) -> subprocess.CompletedProcess:
        """argv run as root inside lab host `host`; stdin is passed on when `input` is given."""
        flags = ["-i"] if kw.get("input") is not None else []
        return self.outer(["exec", *flags, self.container(host), *argv], **kw)

    def start(self, host: str, name: str, *options: str, command=("sleep", "1d"), image: str = BUSYBOX_IMAGE) -> str:
        """A new detached container `name` on lab host `host`, after removing any of that name; its ID.

        `options` go to `docker run` before the image (`--network`, `--restart`, `-p` ...)."""
        self.hx(host, ["docker", "rm", "-f", name])
        return self.hx(
            host, ["docker", "run", "-d", "--name", name, *options, image, *command], check=True
        ).stdout.strip()

    def wait_engines(self, hosts=None, timeout: int = 120) -> None:
        """Until the inner engine of every host (or of `hosts`) answers."""
        deadline = time.time() + timeout
        for h in hosts or self.names:
            while self.hx(h, ["docker", "version"]).returncode != 0:
                if time.time() > deadline:
                    raise RuntimeError(f"{h}: inner engine does not answer")
                time.sleep(1)

    def engine_version(self, host: str = "docker1") -> str:
        return self.hx(host, ["docker", "version", "--format", "{{.Server.Version}}"], check=True).stdout.strip()

    def ip6(self, host: str, container: str, network: str = "bridge") -> str:
        """The global IPv6 address of `container` on `network` of lab host `host`."""
        out = self.hx(
            host, ["docker", "inspect", "--format", "{{json .NetworkSettings.Networks}}", container], check=True
        ).stdout
        return json.loads(out)[network]["GlobalIPv6Address"]

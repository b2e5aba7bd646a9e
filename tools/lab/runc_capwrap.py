"""OCI runtime wrapper for machines whose capability bounding set is short.

Docker (20.10 at least) hands a --privileged container every capability the
kernel knows; when root's bounding set lacks one (for example CAP_SYS_RESOURCE)
runc fails with "unable to apply caps: operation not permitted".  This wrapper
removes, from the bundle's config.json (runc create/run --bundle) and from the
process.json (runc exec --process), every capability that is absent from this
process's CapBnd, then executes the real runc with the same arguments.  When
the bounding set is complete it execs runc untouched.
"""

import json
import os
import shutil
import sys

CAPS = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
]


def real_runc():
    # The shell wrapper that runs this file names itself, so that it is never taken for the real runc.
    me = os.path.realpath(os.environ.get("DOCKERNET_CAPWRAP_SELF") or sys.argv[0])
    cands = [os.environ.get("DOCKERNET_REAL_RUNC", ""), "/usr/sbin/runc.distrib", "/usr/bin/runc.distrib"]
    found = shutil.which("runc")
    if found:
        cands.append(found)
    cands += ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/bin/runc", "/usr/local/sbin/runc"]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK) and os.path.realpath(c) != me:
            return c
    sys.stderr.write("runc-capwrap: real runc not found\n")
    sys.exit(127)


def bounding_set():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapBnd:"):
                return int(line.split()[1], 16)
    return None


def missing_caps():
    bnd = bounding_set()
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except OSError:
        last = len(CAPS) - 1
    if bnd is None:
        return set()
    return {CAPS[i] for i in range(min(last + 1, len(CAPS))) if not bnd & (1 << i)}


def trim(caps, missing):
    changed = False
    for key, val in list(caps.items()):
        if isinstance(val, list):
            kept = [c for c in val if c not in missing]
            if len(kept) != len(val):
                caps[key] = kept
                changed = True
    return changed


def fix_file(path, in_process, missing):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return
    caps = (doc.get("process") or {}).get("capabilities") if in_process else doc.get("capabilities")
    if isinstance(caps, dict) and trim(caps, missing):
        tmp = path + ".capwrap.tmp"
        with open(tmp, "w") as f:
            json.dump(doc, f)
        os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.rename(tmp, path)


def opt_value(args, names):
    for i, a in enumerate(args):
        for n in names:
            if a == n and i + 1 < len(args):
                return args[i + 1]
            if a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def main():
    runc = real_runc()
    args = sys.argv[1:]
    missing = missing_caps()
    if missing:
        cmd = next((a for a in args if a in ("create", "run", "exec")), None)
        if cmd in ("create", "run"):
            bundle = opt_value(args, ["--bundle", "-b"]) or os.getcwd()
            fix_file(os.path.join(bundle, "config.json"), True, missing)
        elif cmd == "exec":
            proc = opt_value(args, ["--process", "-p"])
            if proc:
                fix_file(proc, False, missing)
    os.execv(runc, [runc] + args)


if __name__ == "__main__":
    main()

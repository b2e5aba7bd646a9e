# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of dockernet.ipv6.docker_daemon_config: merging settings into a daemon.json text,
planning a restore, and reading what dockerd and systemd print.

Pure functions over text and dicts; nothing here touches a file or runs a command. Nothing outside this
collection may rely on this file.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

# dockerd learnt `--validate` in 23.0; 20.10 (Debian bookworm) has no way to check a file without starting.
VALIDATE_SINCE = (23, 0)

# Flags that name the file to read: validation passes its own --config-file, so the service's must go.
_CONFIG_FILE_FLAGS = ('--config-file',)


class DaemonConfigError(Exception):
    """A daemon.json text or a restore request that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Plan:
    """What the file holds now and what it will hold afterwards.

    ``after_text`` is None when the file is to be absent afterwards; ``before_text`` is None when it is absent now.
    """

    before_text: str | None
    after_text: str | None
    config: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before_text != self.after_text


def parse_config(text: str | None, path: str) -> dict:
    """The top-level object of a daemon.json text; an absent or blank file is an empty configuration."""
    if text is None or not text.strip():
        return {}
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise DaemonConfigError('%s is not valid JSON (%s); fix or remove it by hand, it was left untouched'
                                % (path, exc))
    if not isinstance(config, dict):
        raise DaemonConfigError('%s holds a JSON %s, not an object of daemon settings; it was left untouched'
                                % (path, type(config).__name__))
    return config


def render(config: dict) -> str:
    """The text the module writes: two-space indent, keys in the given order, a trailing newline."""
    return json.dumps(config, indent=2, ensure_ascii=False) + '\n'


def same_value(left, right) -> bool:
    """JSON equality: unlike ==, True and 1 differ, as they do to dockerd."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def merge(current: dict, settings: dict, remove: list[str]) -> dict:
    """``current`` with ``settings`` set and ``remove`` deleted; kept and updated keys stay where they were,
    new keys follow in the order of ``settings``. A key both set and removed is an error."""
    both = sorted(set(settings) & set(remove))
    if both:
        raise DaemonConfigError('keys cannot be both set and removed: %s' % ', '.join(both))
    merged = {key: value for key, value in current.items() if key not in remove}
    for key, value in settings.items():
        merged[key] = value
    return merged


def plan_merge(before_text: str | None, settings: dict, remove: list[str], path: str) -> Plan:
    """Merge ``settings`` into the file's text. The text is rewritten only when the configuration changes, so
    a file already in the wanted state keeps its formatting; an absent file is created only to hold settings."""
    current = parse_config(before_text, path)
    merged = merge(current, settings, remove)
    unchanged = list(merged) == list(current) and all(same_value(merged[key], current[key]) for key in merged)
    if unchanged or (before_text is None and not merged):
        return Plan(before_text=before_text, after_text=before_text, config=merged)
    return Plan(before_text=before_text, after_text=render(merged), config=merged)


def plan_restore(before_text: str | None, existed: bool, content: str | None, path: str) -> Plan:
    """Put back a text returned earlier as ``previous``: exactly that text, or no file at all."""
    if not existed:
        return Plan(before_text=before_text, after_text=None, config={})
    if content is None:
        raise DaemonConfigError('restore.content is required when restore.existed is true')
    try:
        config = parse_config(content, path)
    except DaemonConfigError:
        # What was there before is put back as it was, even if dockerd could not read it either.
        config = {}
    return Plan(before_text=before_text, after_text=content, config=config)


def previous(before_text: str | None) -> dict:
    """The value of the ``restore`` option that undoes this run."""
    return {'existed': before_text is not None, 'content': before_text}


def diff(plan: Plan, path: str) -> dict:
    """Before and after as text, so that --diff shows a line diff; an absent file is an empty text."""
    return {
        'before': plan.before_text or '',
        'after': plan.after_text or '',
        'before_header': path if plan.before_text is not None else '%s (absent)' % path,
        'after_header': path if plan.after_text is not None else '%s (absent)' % path,
    }


def parse_engine_version(text: str) -> str | None:
    """'26.1.5' from 'Docker version 26.1.5+dfsg1, build a72d7cd'; None if there is no version in it."""
    match = re.search(r'\bversion\s+v?(\d+)\.(\d+)(?:\.(\d+))?', text)
    if not match:
        return None
    return '.'.join(part for part in match.groups() if part is not None)


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r'\d+', version)[:3])


def supports_validate(version: str | None) -> bool:
    return version is not None and version_tuple(version)[:2] >= VALIDATE_SINCE


def service_flags(exec_start: str) -> list[str]:
    """The flags the service passes to dockerd, from ``systemctl show -p ExecStart --value``:
    ``{ path=/usr/sbin/dockerd ; argv[]=/usr/sbin/dockerd -H fd:// $DOCKER_OPTS ; ignore_errors=no ; ... }``.

    The binary is dropped, and so are --config-file (validation names its own file) and environment
    references such as $DOCKER_OPTS, which systemd expands only when it starts the service.
    """
    match = re.search(r'argv\[\]=(.*?)\s;\s', exec_start + ' ; ')
    if not match:
        return []
    try:
        argv = shlex.split(match.group(1))
    except ValueError:
        argv = match.group(1).split()
    flags = []
    skip_next = False
    for arg in argv[1:]:
        if skip_next:
            skip_next = False
            continue
        if arg in _CONFIG_FILE_FLAGS:
            skip_next = True
            continue
        if arg.startswith(tuple(flag + '=' for flag in _CONFIG_FILE_FLAGS)) or arg.startswith('$'):
            continue
        flags.append(arg)
    return flags


def validate_argv(dockerd: str, flags: list[str], config_file: str) -> list[str]:
    return [dockerd, '--validate', *flags, '--config-file', config_file]


def validation_message(output: str, temp_path: str, path: str) -> str:
    """dockerd's complaint about the temporary file, told about the file it stands for."""
    lines = [line.strip() for line in output.replace(temp_path, path).splitlines() if line.strip()]
    return ' '.join(lines) or 'dockerd --validate failed without a message'

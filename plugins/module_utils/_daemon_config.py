# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private logic of dockernet.ipv6.docker_daemon_config: merging settings and IPv6 address pools into a daemon.json
text, planning a restore, and reading what dockerd and systemd print.

Pure functions over text and dicts; nothing here touches a file or runs a command. Nothing outside this
collection may rely on this file.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import has

# Flags that name the file to read: validation passes its own --config-file, so the service's must go.
_CONFIG_FILE_FLAGS = ('--config-file',)

ADDRESS_POOLS_KEY = 'default-address-pools'

# The engine's built-in local-scope pools, which it uses while default-address-pools is absent or empty. Setting the
# key replaces all of them, so they are written out with the IPv6 pools to keep IPv4 networks working. From moby/moby
# libnetwork/ipamutils/utils.go, localScopeDefaultNetworks; the same in v20.10.24, v26.1.5, v27.0.1 and v28.5.2.
ENGINE_IPV4_ADDRESS_POOLS = (
    {'base': '172.17.0.0/16', 'size': 16},
    {'base': '172.18.0.0/16', 'size': 16},
    {'base': '172.19.0.0/16', 'size': 16},
    {'base': '172.20.0.0/14', 'size': 16},
    {'base': '172.24.0.0/14', 'size': 16},
    {'base': '172.28.0.0/14', 'size': 16},
    {'base': '192.168.0.0/16', 'size': 20},
)


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
        raise DaemonConfigError(
            '%s is not valid JSON (%s); fix or remove it by hand, it was left untouched' % (path, exc)
        ) from exc
    if not isinstance(config, dict):
        raise DaemonConfigError(
            '%s holds a JSON %s, not an object of daemon settings; it was left untouched'
            % (path, type(config).__name__)
        )
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


# What an entry of default-address-pools means to the engine: the base prefix and the length of its subnets.
PoolMeaning = tuple[Union[ipaddress.IPv4Network, ipaddress.IPv6Network], int]


def pool_entry(base: ipaddress.IPv6Network, size: int) -> dict:
    """An entry as the module writes it: the base in its canonical (compressed, lower-case) form."""
    return {'base': str(base), 'size': size}


def _ipv6_prefix(text, where: str) -> ipaddress.IPv6Network:
    """One of the option's prefixes. Host bits are refused rather than masked: 2001:db8::1/64 is more likely a typo
    than a way of writing 2001:db8::/64."""
    if not isinstance(text, str):
        raise DaemonConfigError('%s: %r is not an IPv6 prefix' % (where, text))
    try:
        prefix = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        raise DaemonConfigError('%s: %r is not an IPv6 prefix (%s)' % (where, text, exc)) from exc
    if prefix.version != 6:
        raise DaemonConfigError('%s: %s is an IPv4 prefix; only IPv6 pools are managed' % (where, text))
    return prefix


def _is_int(value) -> bool:
    # JSON true is a bool, which Python counts as an int; dockerd does not.
    return isinstance(value, int) and not isinstance(value, bool)


def parse_wanted_pools(pools: list[dict]) -> list[PoolMeaning]:
    """The pools of the option ``ipv6_address_pools``, checked, in their order."""
    wanted: list[PoolMeaning] = []
    for index, pool in enumerate(pools):
        where = 'ipv6_address_pools[%d]' % index
        if not isinstance(pool, dict) or set(pool) != {'base', 'size'}:
            raise DaemonConfigError('%s: %r must have exactly the keys base and size' % (where, pool))
        base = _ipv6_prefix(pool['base'], where + '.base')
        size = pool['size']
        if not _is_int(size) or not base.prefixlen < size <= base.max_prefixlen:
            raise DaemonConfigError(
                '%s: size %r must be a prefix length longer than the base %s and at most 128' % (where, size, base)
            )
        if (base, size) in wanted:
            raise DaemonConfigError('%s: %s size %d is listed twice' % (where, base, size))
        wanted.append((base, size))
    return wanted


def parse_scope(scope: Sequence[str]) -> list[ipaddress.IPv6Network]:
    """The prefixes of the option ``ipv6_address_pools_scope``, checked."""
    return [_ipv6_prefix(text, 'ipv6_address_pools_scope[%d]' % index) for index, text in enumerate(scope)]


def _existing_pool(entry, index: int, path: str) -> PoolMeaning:
    """What an entry of the file means; an entry the engine could not use is an error, never dropped, since
    rewriting the file without it would change what the engine does with the rest."""

    def refuse(reason: str) -> DaemonConfigError:
        return DaemonConfigError(
            '%s: %s[%d] %s %s; fix or remove it by hand, the file was left untouched'
            % (path, ADDRESS_POOLS_KEY, index, json.dumps(entry), reason)
        )

    if not isinstance(entry, dict) or 'base' not in entry or 'size' not in entry:
        raise refuse('is not an object with base and size')
    base_text, size = entry['base'], entry['size']
    if not isinstance(base_text, str):
        raise refuse('has a base that is not a prefix')
    try:
        # dockerd reads the base with Go's net.ParseCIDR, which ignores host bits; so does this.
        base = ipaddress.ip_network(base_text, strict=False)
    except ValueError:
        raise refuse('has a base that is not a prefix') from None
    if not _is_int(size) or not base.prefixlen <= size <= base.max_prefixlen:
        raise refuse('has a size that is not a prefix length between the base\'s and %d' % base.max_prefixlen)
    return base, size


def _existing_pools(current, path: str) -> list[tuple[dict, PoolMeaning]]:
    if current is None:
        return []
    if not isinstance(current, list):
        raise DaemonConfigError(
            '%s: %s holds a JSON %s, not a list of pools; fix or remove it by hand, the file was '
            'left untouched' % (path, ADDRESS_POOLS_KEY, type(current).__name__)
        )
    return [(entry, _existing_pool(entry, index, path)) for index, entry in enumerate(current)]


def merge_address_pools(current: list | None, pools: list[dict], scope: Sequence[str], path: str) -> list | None:
    """The value of default-address-pools holding ``pools`` as the IPv6 pools of this collection.

    ``current`` is the file's value, None when the key is absent. An IPv6 entry whose base lies inside a prefix of
    ``scope``, or that is one of ``pools``, is ours and replaced; every other entry is kept. The result holds the
    kept IPv4 entries, then ``pools`` in their order, then the kept IPv6 entries: the engine takes the first IPv6
    pool with room, so ours come first. An entry already in the file is reused as it is written there, so a file
    holding the wanted pools in another spelling is not rewritten.

    Returns ``current`` itself (None: the key stays absent) when there is nothing to add to an absent or empty list.
    """
    wanted = parse_wanted_pools(pools)
    scope_prefixes = parse_scope(scope)
    existing = _existing_pools(current, path)
    if not existing and not wanted:
        return current
    if not existing:
        # An absent or empty key means the built-in pools; setting it drops them, so IPv4 must be written out.
        existing = [
            (dict(entry), _existing_pool(entry, index, path)) for index, entry in enumerate(ENGINE_IPV4_ADDRESS_POOLS)
        ]

    def is_ours(meaning: PoolMeaning) -> bool:
        base = meaning[0]
        return meaning in wanted or any(base.subnet_of(prefix) for prefix in scope_prefixes)

    kept_ipv4 = [entry for entry, meaning in existing if meaning[0].version == 4]
    written_ipv6 = {}
    for entry, meaning in existing:
        if meaning[0].version == 6:
            written_ipv6.setdefault(meaning, entry)
    ours = [written_ipv6.get(meaning, pool_entry(*meaning)) for meaning in wanted]
    kept_ipv6 = [entry for entry, meaning in existing if meaning[0].version == 6 and not is_ours(meaning)]
    return kept_ipv4 + ours + kept_ipv6


def settings_with_address_pools(
    current: dict, settings: dict, remove: list[str], pools: list[dict], scope: Sequence[str], path: str
) -> dict:
    """``settings`` plus default-address-pools as :func:`merge_address_pools` makes it. The pools options own the
    key, so naming it in ``settings`` or ``remove`` as well is an error rather than a silent winner."""
    if ADDRESS_POOLS_KEY in settings or ADDRESS_POOLS_KEY in remove:
        raise DaemonConfigError(
            '%s is managed by ipv6_address_pools; do not name it in settings or remove as well' % ADDRESS_POOLS_KEY
        )
    address_pools = merge_address_pools(current.get(ADDRESS_POOLS_KEY), pools, scope, path)
    if address_pools is None:
        return settings
    return {**settings, ADDRESS_POOLS_KEY: address_pools}


def plan_merge(
    before_text: str | None,
    settings: dict,
    remove: list[str],
    path: str,
    address_pools: list[dict] | None = None,
    address_pools_scope: Sequence[str] = (),
) -> Plan:
    """Merge ``settings`` into the file's text, and with ``address_pools`` (not None) the IPv6 entries of
    default-address-pools. The text is rewritten only when the configuration changes, so a file already in the
    wanted state keeps its formatting; an absent file is created only to hold settings."""
    current = parse_config(before_text, path)
    if address_pools is not None:
        settings = settings_with_address_pools(current, settings, remove, address_pools, address_pools_scope, path)
    merged = merge(current, settings, remove)
    unchanged = list(merged) == list(current) and all(same_value(merged[key], current[key]) for key in merged)
    if unchanged or (before_text is None and not merged):
        return Plan(before_text=before_text, after_text=before_text, config=merged)
    return Plan(before_text=before_text, after_text=render(merged), config=merged)


def plan_restore(
    before_text: str | None,
    existed: bool,
    content: str | None,
    path: str,
    backup_text: str | None = None,
    backup_path: str | None = None,
) -> Plan:
    """Put back a text returned earlier as ``previous``: exactly that text, or no file at all.

    ``previous`` shows secret values as :data:`REDACTED`; their real values come from the backup the earlier run
    kept (``backup_text``, read from ``backup_path``) when its text is the one returned, else from the file as it
    is now (``before_text``), which is right unless that run changed them."""
    if not existed:
        return Plan(before_text=before_text, after_text=None, config={})
    if content is None:
        raise DaemonConfigError('restore.content is required when restore.existed is true')
    try:
        config = parse_config(content, path)
    except DaemonConfigError:
        # What was there before is put back as it was, even if dockerd could not read it either.
        config = {}
    hidden = redacted_secrets(config)
    if not hidden:
        return Plan(before_text=before_text, after_text=content, config=config)
    if backup_text is not None and redact_text(backup_text) == content:
        return Plan(before_text=before_text, after_text=backup_text, config=parse_config(backup_text, path))
    current = parse_config(before_text, path)
    real = {}
    for key, subkey in hidden:
        section = current.get(key)
        if subkey is None and key in current:
            real[(key, subkey)] = section
        elif isinstance(section, dict) and subkey in section:
            real[(key, subkey)] = section[subkey]
        else:
            raise DaemonConfigError(
                'restore.content shows the value of %s redacted, and neither %s nor the backup %s holds it; put the '
                'file back from a backup by hand' % (secret_name(key, subkey), path, backup_path or '(none given)')
            )
    return Plan(
        before_text=before_text, after_text=fill_redacted(content, config, real), config=config_filled(config, real)
    )


def previous(before_text: str | None) -> dict:
    """The value of the ``restore`` option that undoes this run, with secret values redacted."""
    return {'existed': before_text is not None, 'content': redact_text(before_text)}


def diff(plan: Plan, path: str) -> dict:
    """Before and after as text, so that --diff shows a line diff; an absent file is an empty text. Secret values
    are redacted, so a change of a secret alone shows as a change without a changed line."""
    return {
        'before': redact_text(plan.before_text) or '',
        'after': redact_text(plan.after_text) or '',
        'before_header': path if plan.before_text is not None else '%s (absent)' % path,
        'after_header': path if plan.after_text is not None else '%s (absent)' % path,
    }


# --- secrets

# Values daemon.json may hold that are credentials: a proxy URL can carry user:password
# (http://user:password@proxy.example:3128), and the splunk and logentries log drivers take their access token in
# log-opts. They are redacted wherever the module reports the file; the file keeps the real values, and whether
# something changed is decided with them.
SECRET_SETTINGS = {
    'proxies': ('http-proxy', 'https-proxy'),
    'log-opts': ('splunk-token', 'logentries-token'),
}

# Ansible's own marker for hidden values in diffs.
REDACTED = '********'

SecretPath = tuple[str, Union[str, None]]


def secret_name(key: str, subkey: str | None) -> str:
    return key if subkey is None else '%s.%s' % (key, subkey)


def secret_values(config: dict) -> list[tuple[SecretPath, object]]:
    """Where ``config`` holds a secret, with the value, in the order of the file. A section such as ``proxies``
    that is not an object is a secret as a whole; an empty value hides nothing and is left out."""
    found: list[tuple[SecretPath, object]] = []
    for key, section in config.items():
        if key not in SECRET_SETTINGS or section in ('', None):
            continue
        if not isinstance(section, dict):
            found.append(((key, None), section))
            continue
        found.extend(
            ((key, subkey), value)
            for subkey, value in section.items()
            if subkey in SECRET_SETTINGS[key] and value not in ('', None)
        )
    return found


def redact_config(config: dict) -> dict:
    """A copy of ``config`` with every secret value replaced by :data:`REDACTED`."""
    redacted = dict(config)
    for (key, subkey), _value in secret_values(config):
        if subkey is None:
            redacted[key] = REDACTED
        else:
            redacted[key] = {**redacted[key], subkey: REDACTED}
    return redacted


def redact_recorded(recorded: dict) -> dict:
    """Entries of the original record (``{"present": true, "value": ...}`` per key) with secret values redacted."""
    values = {key: entry['value'] for key, entry in recorded.items() if isinstance(entry, dict) and 'value' in entry}
    redacted = redact_config(values)
    return {key: {**entry, 'value': redacted[key]} if key in values else entry for key, entry in recorded.items()}


def redacted_secrets(config: dict) -> list[SecretPath]:
    """Where ``config`` shows :data:`REDACTED` in place of a secret, in the order of the file."""
    return [where for where, value in secret_values(config) if value == REDACTED]


def redact_text(text: str | None) -> str | None:
    """``text`` with every secret value replaced by :data:`REDACTED`, its formatting kept, so that a diff shows
    only real changes. A text that is not a JSON object is returned as it is: there is nothing to find in it."""
    if text is None:
        return None
    try:
        config = json.loads(text)
    except ValueError:
        return text
    if not isinstance(config, dict):
        return text
    secrets = secret_values(config)
    if not secrets:
        return text
    marker = json.dumps(REDACTED)
    redacted = text
    for _where, value in secrets:
        if isinstance(value, str):
            for spelling in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
                redacted = redacted.replace(spelling, marker)
    try:
        in_place = json.loads(redacted) == redact_config(config)
    except ValueError:
        in_place = False
    # A secret written with other escapes, or not a string, or the same string as another value: rewrite instead.
    return redacted if in_place else render(redact_config(config))


def config_filled(config: dict, real: dict[SecretPath, object]) -> dict:
    """``config`` with the redacted secrets at the places of ``real`` given their real values."""
    filled = dict(config)
    for (key, subkey), value in real.items():
        if subkey is None:
            filled[key] = value
        else:
            filled[key] = {**filled[key], subkey: value}
    return filled


def fill_redacted(content: str, config: dict, real: dict[SecretPath, object]) -> str:
    """``content`` (whose configuration is ``config``) with the real values put in place of the markers, in the
    order of the file, keeping its formatting when the markers can be told apart."""
    filled = config_filled(config, real)
    pieces = content.split(json.dumps(REDACTED))
    order = redacted_secrets(config)
    # Each marker in the text is a redacted secret only when there are exactly as many as secrets.
    if len(pieces) == len(order) + 1:
        text = pieces[0] + ''.join(
            json.dumps(real[where], ensure_ascii=False) + piece for where, piece in zip(order, pieces[1:])
        )
        try:
            if json.loads(text) == filled:
                return text
        except ValueError:
            pass
    return render(filled)


def supports_validate(version: str | None) -> bool:
    """Whether dockerd can check a file without starting (`--validate`, 23.0; 20.10 cannot)."""
    return has(version, 'validate_config')


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

#!/usr/bin/python
# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_daemon_config
short_description: Merge settings into the Docker engine's daemon.json, validated by the engine before it is installed
version_added: 0.1.0
description:
  - Sets the top-level keys given in O(settings) in the Docker engine's configuration file and deletes those named in
    O(remove). Every other key is kept, with its value and its place in the file.
  - The file is rewritten (JSON, two-space indent, trailing newline) only when a value changes; a file already in the
    wanted state keeps its formatting.
  - Before a new file is installed, the engine checks it with C(dockerd --validate --config-file TMP), passing the
    flags the Docker service already gives dockerd (read from C(systemctl show -p ExecStart) of O(service)), because a
    key that is also set by a flag (C(hosts) against Debian's C(-H fd://)) is only refused when both are seen. A
    refused file is never installed; the task fails with the engine's message.
  - Engines before 23.0 (Debian bookworm's 20.10) cannot validate; the file is installed unchecked and RV(validated)
    is V(false).
  - The new file is written next to O(path) and moved into place atomically. When O(path) is a symbolic link, the
    file it points to is written (the temporary file sits next to that file), so the link stays a link.
  - An existing file keeps its owner, group and mode (a C(0600) file stays C(0600)), except that write permission for
    others is taken away; a new file is owned by root with mode C(0644).
  - Values that can hold credentials are shown as C(********) in RV(config), RV(previous), RV(recorded) and the diff.
    They are C(http-proxy) and C(https-proxy) of C(proxies) (a proxy URL can carry a user and password), and
    C(splunk-token) and C(logentries-token) of C(log-opts). The file holds the real values, and a change of a secret
    alone is still a change.
  - The module does not restart the engine; the new file takes effect at the next start.
  - RV(previous) holds what the file was before the task; hand it to O(restore) to undo the change, for example when
    the engine refuses to start with the new file.
  - With O(ipv6_address_pools) the module also owns the IPv6 entries of C(default-address-pools), the pools a network
    created without a subnet (C(docker network create --ipv6), a Compose project) takes its subnet from.
author:
  - dockernet.ipv6 contributors (@dockernet)
extends_documentation_fragment:
  - dockernet.ipv6.attributes
  - dockernet.ipv6.attributes.ALL
  - dockernet.ipv6.attributes.LINUX
options:
  path:
    description:
      - The engine's configuration file.
      - Its directory must exist.
    type: path
    default: /etc/docker/daemon.json
  settings:
    description:
      - Top-level daemon.json keys and the values to give them, for example C(ipv6), C(fixed-cidr-v6), C(ip6tables).
      - A value replaces the key's whole value; nested objects such as C(log-opts) are not merged.
      - An absent file is created only when there is something to set.
      - Mutually exclusive with O(restore).
    type: dict
  remove:
    description:
      - Top-level keys to delete, for example keys this task set earlier and no longer wants.
      - Keys that are not in the file are ignored. A key cannot be both set and removed.
      - Mutually exclusive with O(restore).
    type: list
    elements: str
  restore:
    description:
      - Put the file back exactly as it was, as returned in RV(previous) by an earlier run; used to roll back.
      - The restored text is not validated, because it is what the engine ran with before.
      - Mutually exclusive with O(settings), O(remove), O(ipv6_address_pools) and O(ipv6_address_pools_scope).
    type: dict
    suboptions:
      existed:
        description:
          - Whether the file existed. V(false) removes the file.
        type: bool
        required: true
      content:
        description:
          - The exact text of the file. Required when O(restore.existed=true).
          - Secret values shown as C(********) (as RV(previous) returns them) are taken from O(restore.backup_file)
            when that file holds this text with the real values; otherwise from the file as it is now, which puts
            back the right value unless the earlier run changed that secret. A redacted secret that neither holds
            fails the task.
        type: str
      backup_file:
        description:
          - The backup that the earlier run kept with O(backup=true), as returned in RV(previous.backup_file).
        type: path
  ipv6_address_pools:
    description:
      - The IPv6 pools of C(default-address-pools), in the order the engine is to try them; each is split into
        subnets of length O(ipv6_address_pools[].size) for networks created without a subnet.
      - Without this option (the default) C(default-address-pools) is an ordinary key, left as it is unless named in
        O(settings) or O(remove); with it, naming C(default-address-pools) in O(settings) or O(remove) is an error.
      - Setting C(default-address-pools) replaces all of the engine's built-in pools. So that IPv4 networks keep
        getting subnets, the built-in IPv4 pools are written out first when the key is absent (or an empty list);
        they are C(172.17.0.0/16), C(172.18.0.0/16), C(172.19.0.0/16), C(172.20.0.0/14), C(172.24.0.0/14) and
        C(172.28.0.0/14) split into /16, and C(192.168.0.0/16) split into /20 (the engine's
        C(localScopeDefaultNetworks), the same from 20.10 to 28).
      - A pool must not overlap the default bridge's C(fixed-cidr-v6) or another network's subnet, since the engine
        skips every subnet of a pool that overlaps one in use.
      - The key becomes the IPv4 entries of the file as they were, then these pools in the given order, then the
        IPv6 entries that are kept (see O(ipv6_address_pools_scope)). The engine takes the first IPv6 pool with room,
        so these pools are used before any other IPv6 pool.
      - An entry already in the file is compared by meaning (C(2001:DB8::/64) is C(2001:db8::/64)) and kept as it is
        written, so a file already holding these pools is not rewritten.
      - An empty list removes the entries inside O(ipv6_address_pools_scope) and keeps the rest; it does not create
        the key when it is absent.
      - An entry of the file that the engine could not read (not an object with C(base) and C(size), a C(base) that
        is not a prefix, a C(size) out of range) fails the task, naming the file and the entry; it is never dropped.
      - Engines before 27.0 list every subnet of every pool when they start, so keep O(ipv6_address_pools[].size)
        minus the length of O(ipv6_address_pools[].base) small (the example splits a /67 into 8192 /80s). Engines
        before 28.0 derive container addresses from their MAC address, so subnets must be /80 or shorter there.
      - Engines since 27.0 add a pool of their own (a ULA /48 derived from the host ID) when no IPv6 pool is
        configured; once this option writes one, they no longer do.
      - Mutually exclusive with O(restore).
    type: list
    elements: dict
    suboptions:
      base:
        description:
          - The IPv6 prefix the subnets are taken from, for example V(2001:db8:ab11:0:a000::/67); host bits must be
            zero.
        type: str
        required: true
      size:
        description:
          - The prefix length of each subnet taken from O(ipv6_address_pools[].base), longer than the base's and at
            most 128, for example V(80).
        type: int
        required: true
  ipv6_address_pools_scope:
    description:
      - IPv6 prefixes that hold this task's pools, for example the host's container prefix.
      - An IPv6 entry of C(default-address-pools) whose C(base) lies inside one of them is this task's own, from an
        earlier run, and is replaced by O(ipv6_address_pools); every other entry, IPv4 or IPv6, is kept in its order.
        An entry equal to one of O(ipv6_address_pools) is never written twice, whatever the scope.
      - Requires O(ipv6_address_pools). Mutually exclusive with O(restore).
    type: list
    elements: str
    default: []
  original_record:
    description:
      - A JSON file in which the module keeps what the file held before it first changed it, so that O(revert) can
        put it back later, for example V(/etc/dockernet/original.json).
      - With O(settings), O(remove) or O(ipv6_address_pools), every key whose value the task changes is recorded
        (its value, or that it was absent) unless the record already holds it, so the record keeps the state from
        before the first change. With O(ipv6_address_pools) the pools written and O(ipv6_address_pools_scope) are
        added to it as well, as the entries of C(default-address-pools) that are the task's own.
      - The record is written (root, mode C(0644), its directory created with mode C(0755)) only when it gains
        something, and never in check mode. A record that holds a secret value (see above) gets mode C(0600).
      - Without this option nothing is recorded.
    type: path
  revert:
    description:
      - Put every key recorded in O(original_record) back as it was before the first change, keep every other key,
        and keep the entries of C(default-address-pools) that are not the record's own.
      - When the record holds the built-in IPv4 pools only because the key was written out, and the key was
        absent before, the key is removed again.
      - Requires O(original_record). Without a record file, or with nothing recorded for daemon.json, the file is
        left as it is and RV(reverted) is V(false).
      - Mutually exclusive with O(settings), O(remove), O(restore), O(ipv6_address_pools) and
        O(ipv6_address_pools_scope).
    type: bool
    default: false
  backup:
    description:
      - Before the file is changed, keep a copy of it next to O(path), named after it with a time stamp, with the
        file's own mode.
      - The copy's name is returned in RV(backup_file) and in RV(previous.backup_file), so that O(restore) can put
        back secret values, which RV(previous) shows redacted.
      - Nothing is copied in check mode, or when the file does not exist or does not change.
    type: bool
    default: false
  validate:
    description:
      - Check a new file with C(dockerd --validate) before installing it, when the engine supports it (23.0 and later).
      - Validation runs in check mode as well; it writes nothing but a temporary file next to O(path).
    type: bool
    default: true
  service:
    description:
      - The systemd unit whose C(ExecStart) flags are passed to C(dockerd --validate).
      - Environment references in C(ExecStart) (C($DOCKER_OPTS)) and C(--config-file) are left out.
      - An empty string validates without the service's flags.
    type: str
    default: docker.service
requirements:
  - The Docker engine (C(dockerd)) on the target for validation and RV(engine_version); without it the file is written
    unvalidated, with a warning.
notes:
  - Only top-level keys are managed; the module does not know which keys a given engine accepts, the engine does.
  - C(dockerd --validate) does not catch every refusal; for example engine 26.1 passes C(ip6tables=true) without
    C(experimental=true) but then refuses to start. Restart the engine after a change and restore RV(previous) if it
    does not come back, as the role C(dockernet.ipv6.daemon) does.
seealso:
  - name: Docker daemon configuration file
    description: The keys daemon.json accepts.
    link: https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file
  - module: ansible.builtin.systemd_service
"""

EXAMPLES = r"""
- name: Enable IPv6 on the default bridge, keeping the other settings of daemon.json and a copy of it
  dockernet.ipv6.docker_daemon_config:
    backup: true
    settings:
      ipv6: true
      fixed-cidr-v6: 2001:db8:ab11:0:8000::/66
      ip6tables: true
  register: daemon_json

- name: Give networks created without a subnet an IPv6 /80 from this host's container prefix
  dockernet.ipv6.docker_daemon_config:
    # The host's 2001:db8:ab11:0:8000::/66: the lower half for the default bridge, the upper half for the pools.
    settings:
      ipv6: true
      fixed-cidr-v6: 2001:db8:ab11:0:8000::/67
    ipv6_address_pools:
      - base: 2001:db8:ab11:0:a000::/67
        size: 80
    # Pools of an earlier run inside the host's prefix are replaced; a user's own ULA pool would be kept.
    ipv6_address_pools_scope:
      - 2001:db8:ab11:0:8000::/66

- name: Drop a key set earlier
  dockernet.ipv6.docker_daemon_config:
    remove:
      - experimental

- name: Restart the engine with the new file
  ansible.builtin.systemd_service:
    name: docker
    state: restarted
  when: daemon_json is changed

- name: Merge the settings, recording what the file held before the first change
  dockernet.ipv6.docker_daemon_config:
    settings:
      ipv6: true
    original_record: /etc/dockernet/original.json

- name: Later, put the recorded keys back as they were before the first change
  dockernet.ipv6.docker_daemon_config:
    revert: true
    original_record: /etc/dockernet/original.json

- name: Roll back to the file as it was before the first task
  dockernet.ipv6.docker_daemon_config:
    restore: "{{ daemon_json.previous }}"
"""

RETURN = r"""
config:
  description:
    - The configuration the file holds after the task (predicted in check mode).
    - With O(restore), the restored file's configuration; empty when the file is removed or is not JSON.
    - With O(ipv6_address_pools), C(default-address-pools) as written, unless it stays absent.
    - Secret values are shown as C(********).
  returned: always
  type: dict
  sample:
    log-driver: json-file
    ipv6: true
    fixed-cidr-v6: 2001:db8:ab11:0:8000::/67
    ip6tables: true
    default-address-pools:
      - {base: 10.200.0.0/16, size: 24}
      - {base: "2001:db8:ab11:0:a000::/67", size: 80}
      - {base: "fd00:1234:5678::/48", size: 64}
previous:
  description:
    - The file before the task, in the form O(restore) takes, to undo the task.
    - Secret values are shown as C(********); O(restore) takes them from RV(previous.backup_file).
  returned: always
  type: dict
  contains:
    existed:
      description: Whether the file existed.
      type: bool
      returned: always
      sample: true
    content:
      description: The file's exact text, secret values shown as C(********); null when it did not exist.
      type: str
      returned: always
      sample: "{\n  \"log-driver\": \"json-file\"\n}\n"
    backup_file:
      description: The copy of the file kept with O(backup=true); null when none was made.
      type: str
      returned: always
      sample: /etc/docker/daemon.json.2741.2026-12-02@06:10:41~
validated:
  description:
    - Whether the engine checked the new file with C(dockerd --validate) and accepted it.
    - V(false) when nothing changed, with O(restore), with O(validate=false), or when the engine cannot validate.
  returned: always
  type: bool
  sample: true
engine_version:
  description: The version C(dockerd --version) reports, without distribution suffix; null when dockerd is not found.
  returned: always
  type: str
  sample: 26.1.5
validate_command:
  description: The command that checked the new file, with the temporary file's name; empty when none ran.
  returned: always
  type: list
  elements: str
  sample: [/usr/sbin/dockerd, --validate, -H, "fd://", --containerd=/run/containerd/containerd.sock, --config-file,
           /etc/docker/.daemon.json.a1b2c3.tmp]
recorded:
  description:
    - What was added to O(original_record) by this task (predicted in check mode, where nothing is written), as
      the record's C(daemon) section holds it; empty when nothing was added.
    - Secret values are shown as C(********).
  returned: always
  type: dict
  sample:
    ipv6: {present: false}
    ip6tables: {present: true, value: false}
backup_file:
  description: The copy of the file kept before it was changed, with O(backup=true).
  returned: changed and O(backup=true) and the file existed
  type: str
  sample: /etc/docker/daemon.json.2741.2026-12-02@06:10:41~
reverted:
  description: Whether O(revert) found something recorded to put back (whether or not the file still differed).
  returned: always
  type: bool
  sample: true
path:
  description: The configuration file.
  returned: always
  type: str
  sample: /etc/docker/daemon.json
diff:
  description:
    - The file's text before and after (predicted in check mode); an absent file is an empty text.
    - Secret values are shown as C(********).
  returned: always
  type: dict
  contains:
    before:
      description: Before the change.
      type: str
      returned: always
      sample: "{\n  \"log-driver\": \"json-file\"\n}\n"
    after:
      description: After the change.
      type: str
      returned: always
      sample: "{\n  \"log-driver\": \"json-file\",\n  \"ipv6\": true\n}\n"
    before_header:
      description: The file, marked C((absent)) when it did not exist.
      type: str
      returned: always
      sample: /etc/docker/daemon.json
    after_header:
      description: The file, marked C((absent)) when it is removed.
      type: str
      returned: always
      sample: /etc/docker/daemon.json
"""

import os
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

from ansible_collections.dockernet.ipv6.plugins.module_utils._daemon_config import (
    DaemonConfigError,
    diff,
    parse_config,
    plan_merge,
    plan_restore,
    previous,
    redact_config,
    redact_recorded,
    secret_values,
    service_flags,
    supports_validate,
    validate_argv,
    validation_message,
)
from ansible_collections.dockernet.ipv6.plugins.module_utils._engine_capabilities import version_text
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib import files
from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.runner import module_run
from ansible_collections.dockernet.ipv6.plugins.module_utils._original_state import (
    RecordError,
    parse_record,
    plan_revert,
    record_change,
    render_record,
)


def read_text(module, path):
    """The file's text, or None when it does not exist; the task fails when it cannot be read."""
    return files.module_read_text(module, path, '; it was left untouched')


def engine_version(module, dockerd):
    if dockerd is None:
        return None
    rc, out, err = module_run(module, [dockerd, '--version'])
    return version_text(out) if rc == 0 else None


def flags_of_service(module, service):
    if not service:
        return []
    systemctl = module.get_bin_path('systemctl')
    if systemctl is None:
        module.warn('systemctl not found: validating without the flags of %s' % service)
        return []
    rc, out, err = module_run(module, [systemctl, 'show', '-p', 'ExecStart', '--value', service])
    if rc != 0:
        module.warn('Cannot read ExecStart of %s (%s): validating without its flags' % (service, err.strip()))
        return []
    return service_flags(out)


def write_temp(module, path, text):
    """A new file next to the file ``path`` names (through a symbolic link), so that the final move is a rename on
    the same file system."""
    directory = os.path.dirname(os.path.realpath(path)) or '.'
    if not os.path.isdir(directory):
        module.fail_json(msg='Directory %s of %s does not exist; is the Docker engine installed?' % (directory, path))
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(to_bytes(text, errors='surrogate_or_strict'))
        os.chmod(temp_path, 0o644)
    except OSError as exc:
        os.unlink(temp_path)
        module.fail_json(msg='Cannot write a temporary file next to %s: %s' % (path, to_native(exc)))
    return temp_path


def validate(module, dockerd, temp_path, path):
    """Run dockerd --validate on the temporary file; fail the task (removing the file) if the engine refuses it."""
    argv = validate_argv(dockerd, flags_of_service(module, module.params['service']), temp_path)
    rc, out, err = module_run(module, argv)
    if rc != 0:
        # The caller's finally removes the temporary file.
        module.fail_json(
            msg='The Docker engine refuses the new %s, which was not installed: %s'
            % (path, validation_message(err + '\n' + out, temp_path, path)),
            validate_command=argv,
            rc=rc,
            stdout=out,
            stderr=err,
        )
    return argv


def install(module, temp_path, path):
    """Move the temporary file onto the file ``path`` names: a symbolic link is written through, not replaced."""
    target = os.path.realpath(path)
    existed = os.path.exists(target)
    # atomic_move gives the new file the old one's owner, group and mode.
    module.atomic_move(temp_path, target)
    if existed:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        if mode & stat.S_IWOTH:
            module.set_mode_if_different(target, mode & ~stat.S_IWOTH, False)
        return
    module.set_mode_if_different(target, '0644', False)
    if os.geteuid() == 0:
        module.set_owner_if_different(target, 'root', False)
        module.set_group_if_different(target, 'root', False)


def keep_backup(module, path, before_text):
    """A dated copy of the file about to change, with its mode and owner, when the backup option asks for one."""
    if before_text is None or not module.params['backup']:
        return None
    try:
        return module.backup_local(path)
    except Exception as exc:
        module.fail_json(msg='Cannot keep a backup of %s: %s; it was left untouched' % (path, to_native(exc)))


def hide_secrets(module, *configs):
    """Keep the secret values of ``configs`` out of everything the module returns, its arguments included."""
    for config in configs:
        for _where, value in secret_values(config):
            module.no_log_values.update(secret_strings(value))


def secret_strings(value):
    # Ansible masks every occurrence of these strings in the result; a very short one would mangle all of it, and
    # the values are redacted where the module reports the file anyway.
    if isinstance(value, str):
        return [value] if len(value) > 3 else []
    if isinstance(value, dict):
        return [text for item in value.values() for text in secret_strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in secret_strings(item)]
    return []


def write_record(module, record_path, text):
    directory = os.path.dirname(record_path) or '.'
    if not os.path.isdir(directory):
        os.makedirs(directory)
        os.chmod(directory, 0o755)
    temp_path = write_temp(module, record_path, text)
    install(module, temp_path, record_path)
    # The record keeps old values, secrets among them (a proxy's password): then it is root's alone.
    recorded = parse_record(text, record_path)['daemon']
    if redact_recorded(recorded) != recorded:
        module.set_mode_if_different(record_path, '0600', False)


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/etc/docker/daemon.json'),
            settings=dict(type='dict'),
            remove=dict(type='list', elements='str'),
            restore=dict(
                type='dict',
                options=dict(
                    existed=dict(type='bool', required=True),
                    content=dict(type='str'),
                    backup_file=dict(type='path'),
                ),
            ),
            ipv6_address_pools=dict(
                type='list',
                elements='dict',
                options=dict(
                    base=dict(type='str', required=True),
                    size=dict(type='int', required=True),
                ),
            ),
            ipv6_address_pools_scope=dict(type='list', elements='str', default=[]),
            original_record=dict(type='path'),
            revert=dict(type='bool', default=False),
            backup=dict(type='bool', default=False),
            validate=dict(type='bool', default=True),
            service=dict(type='str', default='docker.service'),
        ),
        mutually_exclusive=[
            ('restore', 'settings'),
            ('restore', 'remove'),
            ('restore', 'ipv6_address_pools'),
            ('restore', 'ipv6_address_pools_scope'),
            ('revert', 'settings'),
            ('revert', 'remove'),
            ('revert', 'restore'),
            ('revert', 'ipv6_address_pools'),
        ],
        required_one_of=[('settings', 'remove', 'restore', 'ipv6_address_pools', 'revert')],
        required_if=[('revert', True, ('original_record',))],
        supports_check_mode=True,
    )
    path = module.params['path']
    restore = module.params['restore']
    # Not required_by: that check sees the scope's default [] and would refuse every run without pools.
    if module.params['ipv6_address_pools_scope'] and module.params['ipv6_address_pools'] is None:
        module.fail_json(
            msg='ipv6_address_pools_scope requires ipv6_address_pools (an empty list removes the pools '
            'inside the scope)'
        )
    if module.params['revert'] and module.params['ipv6_address_pools_scope']:
        module.fail_json(msg='parameters are mutually exclusive: revert|ipv6_address_pools_scope')
    hide_secrets(module, module.params['settings'] or {})
    record_path = module.params['original_record']
    before_text = read_text(module, path)
    record_text = read_text(module, record_path) if record_path else None
    recorded = {}
    reverted = False
    new_record_text = record_text
    try:
        record = parse_record(record_text, record_path) if record_path else None
        if module.params['revert']:
            reverted = bool(record['daemon'])
            plan = plan_revert(before_text, record, path)
        elif restore is not None:
            backup_path = restore['backup_file']
            plan = plan_restore(
                before_text,
                restore['existed'],
                restore['content'],
                path,
                backup_text=read_text(module, backup_path) if backup_path else None,
                backup_path=backup_path,
            )
        else:
            plan = plan_merge(
                before_text,
                module.params['settings'] or {},
                module.params['remove'] or [],
                path,
                address_pools=module.params['ipv6_address_pools'],
                address_pools_scope=module.params['ipv6_address_pools_scope'],
            )
        if record is not None and not module.params['revert'] and restore is None:
            new_record = record_change(
                record,
                parse_config(before_text, path),
                plan.config,
                module.params['ipv6_address_pools'],
                module.params['ipv6_address_pools_scope'],
            )
            if new_record != record:
                recorded = {key: value for key, value in new_record['daemon'].items() if key not in record['daemon']}
                new_record_text = render_record(new_record)
    except (DaemonConfigError, RecordError) as exc:
        module.fail_json(msg=str(exc), path=path)
    try:
        before_config = parse_config(before_text, path)
    except DaemonConfigError:
        before_config = {}
    hide_secrets(module, plan.config, before_config)

    record_changed = new_record_text != record_text
    if record_changed and not module.check_mode:
        # Before daemon.json changes, so that the original is kept whatever happens next.
        write_record(module, record_path, new_record_text)

    dockerd = module.get_bin_path('dockerd', opt_dirs=['/usr/sbin', '/usr/bin', '/usr/local/bin'])
    version = engine_version(module, dockerd)
    validated = False
    validate_command = []
    backup_file = None
    if plan.changed and plan.after_text is not None:
        temp_path = write_temp(module, path, plan.after_text)
        try:
            if restore is None and module.params['validate']:
                if dockerd is None:
                    module.warn('dockerd not found: %s is installed without validation' % path)
                elif not supports_validate(version):
                    module.warn(
                        'Docker engine %s cannot validate a configuration (23.0 and later can): %s is '
                        'installed without validation' % (version or '(unknown version)', path)
                    )
                else:
                    validate_command = validate(module, dockerd, temp_path, path)
                    validated = True
            if not module.check_mode:
                backup_file = keep_backup(module, path, before_text)
                install(module, temp_path, path)
        finally:
            if os.path.exists(temp_path):
                os.unlink(temp_path)
    elif plan.changed and not module.check_mode:
        backup_file = keep_backup(module, path, before_text)
        os.unlink(os.path.realpath(path))

    result = dict(
        changed=plan.changed or record_changed,
        recorded=redact_recorded(recorded),
        reverted=reverted,
        path=path,
        config=redact_config(plan.config),
        previous=dict(previous(before_text), backup_file=backup_file),
        validated=validated,
        engine_version=version,
        validate_command=validate_command,
        diff=diff(plan, path),
    )
    if backup_file:
        result['backup_file'] = backup_file
    module.exit_json(**result)


if __name__ == '__main__':
    main()

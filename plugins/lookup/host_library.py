# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: host_library
short_description: The files of the collection's host library, as the host-side services install them
version_added: 0.2.0
author:
  - dockernet.ipv6 contributors (@dockernet)
description:
  - Returns one entry per Python file of the collection's host library (the private package that the modules
    import as module_utils and that the host-side services import as C(hostlib)), in name order, each with the
    path it is installed at on a host and its content.
  - The roles that install a host-side service pass the result to M(dockernet.ipv6.service_files), so that every
    service ships the same complete package and no role lists its files by hand.
  - The list comes from the collection's own files on the controller; nothing is read from the hosts.
options:
  _terms:
    description: Not used; give no terms.
    required: false
  directory:
    description: The directory on the host that the package is installed in, as the package C(hostlib).
    type: path
    default: /usr/local/lib/dockernet/hostlib
notes:
  - Private to the collection's roles; the files and their number may change in any release.
"""

EXAMPLES = r"""
- name: Install a service that imports the host library
  dockernet.ipv6.service_files:
    directories:
      - /usr/local/lib/dockernet
      - /usr/local/lib/dockernet/hostlib
    files: "{{ query('dockernet.ipv6.host_library') }}"
    unit:
      name: example.service
      content: "{{ lookup('ansible.builtin.template', 'example.service.j2') }}"
"""

RETURN = r"""
_raw:
  description: One entry per file of the package, in name order.
  type: list
  elements: dict
  contains:
    path:
      description: Where the file is installed on the host.
      type: str
      sample: /usr/local/lib/dockernet/hostlib/converge.py
    content:
      description: The file's text.
      type: str
"""

import posixpath
from pathlib import Path

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

PACKAGE = Path(__file__).resolve().parent.parent / 'module_utils' / '_hostlib'


def library_files(terms: list, directory: str, package: Path = PACKAGE) -> list[dict]:
    """Each .py file of ``package`` as {path, content}, installed under ``directory``, in name order."""
    if terms:
        raise AnsibleLookupError('host_library takes no terms, got %r' % (terms,))
    if not posixpath.isabs(directory):
        raise AnsibleLookupError('host_library: directory: %s is not an absolute path' % directory)
    files = sorted(package.glob('*.py'))
    if not files:
        raise AnsibleLookupError('host_library: no Python files in %s' % package)
    return [
        {'path': posixpath.join(directory.rstrip('/') or '/', path.name), 'content': path.read_text(encoding='utf-8')}
        for path in files
    ]


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return library_files(terms, self.get_option('directory'))

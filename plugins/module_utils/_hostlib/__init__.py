# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Private host library of dockernet.ipv6: the code that runs on the Docker hosts both under Ansible and without it.

The same files are imported by the modules (as the collection's module_utils package, shipped by Ansible with
each module) and by the host-side services the roles install: the dockernet.ipv6.ndp_proxy and
dockernet.ipv6.firewall roles copy this directory (every file, through the dockernet.ipv6.host_library lookup) to
/usr/local/lib/dockernet/hostlib/, which the NDP sync and firewall services import through PYTHONPATH.

The rule: nothing in this package imports ``ansible`` (a unit test checks it), and its files import each other
only relatively (``from .iproute import ...``), so that the directory works under either name. Commands are run
through a ``run(argv, data=None) -> (rc, stdout, stderr)`` callable (see runner.py), never an AnsibleModule;
the Ansible-specific parts (argument spec, check mode, diff, exit_json) stay in the modules. Standard library
only, except the Docker SDK for Python, imported when the engine is asked.

Nothing outside this collection may rely on this package.
"""

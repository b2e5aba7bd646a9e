"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test bootstraps pip in each virtual environment it creates with a script fetched from
ci-files.testing.ansible.com, which is not reachable from every CI network. This script does the same job
from what is already here: pip from the interpreter's own bundled wheel (ensurepip), then the requested
pip version from the package index.
"""

import subprocess
import sys

# ensurepip in its own process: in-process it sets PIP_CONFIG_FILE=/dev/null, which would hide the
# machine's pip configuration (index, certificates) from the install below.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"], stdout=subprocess.DEVNULL)
requested = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requested])

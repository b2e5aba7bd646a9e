# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the hosts' files the collection keeps or changes (daemon.json, its records). Nothing outside this
collection may rely on this file."""

from __future__ import annotations


class FileReadError(Exception):
    """A file exists but cannot be read as UTF-8 text; the message names it and why."""


def read_text(path: str) -> str | None:
    """The file's text, or None when it does not exist; FileReadError when it cannot be read."""
    try:
        with open(path, 'rb') as handle:
            return handle.read().decode('utf-8')
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileReadError('Cannot read %s: %s' % (path, exc)) from None


def write_line(path: str, text: str) -> None:
    """Write ``text`` and a newline to ``path`` in one write, in place (a /proc/sys file); OSError when refused."""
    with open(path, 'w', encoding='ascii') as handle:
        handle.write(text + '\n')


def module_read_text(module, path: str, note: str = '') -> str | None:
    """read_text for a module: when the file cannot be read, the task fails (``module.fail_json``) saying why,
    with ``note`` after the message."""
    try:
        return read_text(path)
    except FileReadError as exc:
        module.fail_json(msg=str(exc) + note)

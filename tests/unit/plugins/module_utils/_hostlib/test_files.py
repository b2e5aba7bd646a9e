# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the files the collection keeps on the hosts."""

from __future__ import annotations

import pytest

from ansible_collections.dockernet.ipv6.plugins.module_utils._hostlib.files import (
    FileReadError,
    module_read_text,
    read_text,
    write_line,
)


def test_text_of_a_file_and_none_for_a_missing_one(tmp_path):
    (tmp_path / "daemon.json").write_bytes('{"log-driver": "journald", "labels": ["é"]}\n'.encode())
    assert read_text(str(tmp_path / "daemon.json")) == '{"log-driver": "journald", "labels": ["é"]}\n'
    assert read_text(str(tmp_path / "absent.json")) is None


def test_a_file_that_is_no_utf8_text_is_named_with_the_reason(tmp_path):
    (tmp_path / "daemon.json").write_bytes(b"\xff\xfe")
    with pytest.raises(FileReadError, match=r"^Cannot read .*/daemon\.json: 'utf-8' codec can't decode"):
        read_text(str(tmp_path / "daemon.json"))


def test_a_directory_in_place_of_the_file_is_named(tmp_path):
    with pytest.raises(FileReadError, match=r"^Cannot read .*: \[Errno 21\] Is a directory"):
        read_text(str(tmp_path))


class FailingModule:
    """What a module's fail_json does to the task: it ends it with the message."""

    def fail_json(self, msg):
        raise SystemExit(msg)


def test_a_module_fails_the_task_with_the_reason_and_its_note(tmp_path):
    (tmp_path / "daemon.json").write_bytes(b"\xff")
    with pytest.raises(SystemExit, match=r"^Cannot read .*/daemon\.json: .*; it was left untouched$"):
        module_read_text(FailingModule(), str(tmp_path / "daemon.json"), "; it was left untouched")
    assert module_read_text(FailingModule(), str(tmp_path / "absent.json")) is None


def test_a_line_is_written_whole_in_place(tmp_path):
    target = tmp_path / "forwarding"
    target.write_text("0\n")
    write_line(str(target), "1")
    assert target.read_text() == "1\n"
    with pytest.raises(OSError):
        write_line(str(tmp_path / "missing" / "forwarding"), "1")


def test_without_a_note_the_task_fails_with_the_reason_alone(tmp_path):
    with pytest.raises(SystemExit) as caught:
        module_read_text(FailingModule(), str(tmp_path))
    assert str(caught.value) == "Cannot read %s: [Errno 21] Is a directory: '%s'" % (tmp_path, tmp_path)


def test_a_line_that_is_no_ascii_is_refused_and_nothing_of_it_written(tmp_path):
    target = tmp_path / "forwarding"
    target.write_text("0\n")
    with pytest.raises(UnicodeEncodeError):
        write_line(str(target), "1\u00a0")
    assert target.read_bytes() == b""

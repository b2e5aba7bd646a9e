# Copyright: dockernet.ipv6 contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark callback: per task and host, the seconds from the task's start to the host's result.

Writes JSON lines to the file named by BENCH_TIMES_FILE: {"task", "host", "secs", "status", "changed"} per result
and one {"stats": {host: {ok, changed, skipped, failed, unreachable}}} at the end. Used by bench/run.py only.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: per-task, per-host durations for bench/run.py
description: Writes JSON lines with task durations to the file named by BENCH_TIMES_FILE.
requirements: []
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._path = os.environ.get("BENCH_TIMES_FILE")
        self._start = {}
        self._seq = 0

    def _write(self, record):
        if self._path:
            with open(self._path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._seq += 1
        self._start[task._uuid] = (time.perf_counter(), self._seq)

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _result(self, result, status):
        task = result._task
        start, seq = self._start.get(task._uuid, (time.perf_counter(), 0))
        self._write(
            {
                "task": task.get_name(),
                "seq": seq,
                "host": result._host.get_name(),
                "secs": time.perf_counter() - start,
                "status": status,
                "changed": bool(result._result.get("changed", False)),
            }
        )

    def v2_runner_on_ok(self, result):
        self._result(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._result(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._result(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        self._write({"stats": {host: stats.summarize(host) for host in hosts}})

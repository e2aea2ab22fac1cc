"""Apps that keep files for a case register a collector here, so deleting a case removes them."""

from __future__ import annotations

from collections.abc import Callable

from collectguard.cases.models import Case

FileCollector = Callable[[Case], list[str]]
_collectors: list[FileCollector] = []


def register_file_collector(collector: FileCollector) -> FileCollector:
    _collectors.append(collector)
    return collector


def collect_case_files(case: Case) -> list[str]:
    paths: list[str] = []
    for collector in _collectors:
        paths.extend(collector(case))
    return paths

"""Resident memory and CPU time of a process and its descendants, from /proc (Linux).

A server may start helpers (a node child, worker processes): both figures cover the
whole tree, so servers built either way compare fairly.
"""

from __future__ import annotations

import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    # the command name may hold spaces and parentheses: the fields start after the last ')'
    return data[data.rindex(")") + 2 :].split()


def started(pid: int) -> int | None:
    """When the process started (clock ticks after boot), or None if it is gone: with the pid,
    an identity that a reused pid does not have."""
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[19])  # stat field 22, starttime


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system time of the tree, including children it has already reaped."""
    ticks = 0
    for member in [pid, *descendants(pid)]:
        fields = _stat_fields(member)
        if fields is not None:
            ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / CLOCK_TICKS


def _status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_mib(pid: int) -> float:
    """VmRSS of the tree, in MiB."""
    total = sum(_status_kib(member, "VmRSS") for member in [pid, *descendants(pid)])
    return round(total / 1024, 1)


def peak_rss_mib(pid: int) -> float:
    """VmHWM (the high-water mark of each memory map) summed over the tree, in MiB. Unlike
    rusage's maxrss it starts afresh at exec: nothing of the parent is counted."""
    total = sum(_status_kib(member, "VmHWM") for member in [pid, *descendants(pid)])
    return round(total / 1024, 1)

"""Memory and CPU of a process tree, read from /proc: a command's worker processes (a pool's, or a JVM and its Python
workers) count with it, and `getrusage` gives only the largest single process's peak (or misses processes nobody
waits for)."""

from __future__ import annotations

import os


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_pss_mb(pid: int) -> float:
    """PSS of a process and all its descendants, in MB."""
    kids = _children()
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total / 1024


def tree_cpu(pid: int, seen: dict[int, float]) -> None:
    """Record the CPU seconds (user + system) of a process and its descendants so far, per process: the JVM and the
    Python workers it starts are not children this process waits for, so `getrusage` does not count them."""
    kids = _children()
    todo, tick = [pid], os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            seen[p] = max(seen.get(p, 0.0), (int(fields[11]) + int(fields[12])) / tick)
        except OSError:
            pass

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


def tree(pid: int) -> list[int]:
    """A process and its descendants: from /proc/PID/task/TID/children where the kernel has it (a few small reads),
    else by reading every process's parent (hundreds of reads: a sampler doing that twice a second takes a tenth of
    a core)."""
    if not os.path.exists(f"/proc/{pid}/task"):
        return []
    try:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        return out
    except FileNotFoundError:  # no children files (or the process just ended): the slow way
        kids = _children()
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(kids.get(p, []))
        return out


def tree_pss_mb(pid: int) -> float:
    """PSS of a process and all its descendants, in MB."""
    total = 0
    for p in tree(pid):
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
    tick = os.sysconf("SC_CLK_TCK")
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            seen[p] = max(seen.get(p, 0.0), (int(fields[11]) + int(fields[12])) / tick)
        except OSError:
            pass

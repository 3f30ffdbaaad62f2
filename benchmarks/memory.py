"""Peak memory of the current process, for the benchmark child processes."""

from __future__ import annotations


def peak_kb() -> int:
    """Peak resident memory (VmHWM) in KiB. Unlike ru_maxrss it starts afresh with an
    exec'd process, so a child does not report its parent's peak."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")

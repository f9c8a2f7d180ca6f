"""Peak memory of a probe process (imported by path from the probes next to it)."""

from __future__ import annotations

import resource


def peak_rss_kib() -> int:
    """This process's own peak resident memory in KiB.

    ``getrusage``'s ``ru_maxrss`` is not used: Linux carries it over a fork and exec, so a
    probe started by a large harness would report the harness's size. ``VmHWM`` in
    /proc/self/status belongs to the process's own memory only. Elsewhere getrusage is the
    best there is.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)

"""Run one command; report its wall time and peak memory, free of the caller's own memory.

    python -I -S benchmarks/measure.py RESULT.json CMD [ARG...]

Why a wrapper: a child started by a big process (Python's subprocess uses vfork) inherits that
process's peak RSS as its own starting ``ru_maxrss``, so run.py's memory would leak into every
figure. This wrapper is small (about 10 MiB, the floor of any figure it reports), forks, execs CMD
and reads CMD's ``ru_maxrss`` from ``wait4``: the largest of CMD and the children it waited for.
Writes {"wall": s, "cpu": s, "maxrss_kib": n, "rc": n} to RESULT.json (cpu: user + system time of CMD
and its waited-for children, so cpu / wall is how many cores it kept busy); exits with CMD's exit code.
"""

import json
import os
import sys
import time


def main() -> int:
    result, cmd = sys.argv[1], sys.argv[2:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        except OSError as exc:
            os.write(2, f"measure: cannot run {cmd[0]}: {exc}\n".encode())
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(result, "w") as handle:
        json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_kib": usage.ru_maxrss, "rc": code},
                  handle)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Run a command several times and print its median wall time, CPU time and peak RSS as JSON.

Usage: measure.py RUNS COMMAND [ARG...]

The command runs without a shell, its output thrown away, after one warm-up run. CPU is
user + system time of the command and its children (os.wait4's rusage); peak RSS is the
largest ru_maxrss of the timed runs. Exit statuses 0 and 1 are walint's "ran" (1 = findings);
any other status fails the measurement.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def run_once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"measure.py: {' '.join(argv)} exited with {code}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    argv = sys.argv[2:]
    run_once(argv)
    samples = [run_once(argv) for _ in range(runs)]
    print(json.dumps({
        "runs": runs,
        "wall": statistics.median(s[0] for s in samples),
        "wall_min": min(s[0] for s in samples),
        "cpu": statistics.median(s[1] for s in samples),
        "rss_mib": max(s[2] for s in samples) / 1024,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs ceasefire and DuckDB on the same logs, checks that their counts
agree, and prints wall time and peak memory of each with their ratios.

    compare.py N [N ...]     (run through compare.sh, which sets up DuckDB)

WORKLOAD=sectors picks the second workload (bench/sectors.cfr); RUNS=5 the
runs each figure is the best of (ceasefire and DuckDB run in turn); COLD=1 empties the page cache before every
run (it writes /proc/sys/vm/drop_caches, so it needs root), so that each
tool reads its log from the disk.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
CEASEFIRE = os.path.join(ROOT, "target", "release", "ceasefire")
# The floor under ceasefire's time: every record parsed by a fast parser on
# every core, nothing judged (bench/floor, built by compare.sh).
FLOOR = os.path.join(HERE, "floor", "target", "release", "floor")
# Each workload: its generator, rule file, DuckDB queries and file prefix.
WORKLOADS = {
    "gaza": ("generate.py", "rules.cfr", "duckdb_checks.py", "log"),
    "sectors": ("generate_sectors.py", "sectors.cfr", "duckdb_sectors.py", "sectors"),
}
COLD = os.environ.get("COLD") == "1"


def drop_caches():
    """Empties the page cache, so that the next run reads from the disk."""
    if COLD:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")


def timed(cmd, stdout=None):
    """Wall seconds and peak resident MiB of a command, via /usr/bin/time -v."""
    drop_caches()
    result = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)", result.stderr).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    return seconds, rss, result


def wall(runs, cmd):
    """The best wall time of a short command, measured here to the
    microsecond (reading a warm 50 MB file takes milliseconds)."""
    import time
    best = float("inf")
    for _ in range(runs):
        drop_caches()
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def best_of_both(runs, first, second):
    """The fastest of several runs of each of two commands (and the memory
    of that run), the two run in turn: this machine's speed drifts within
    the hour, and all of one tool's runs before all of the other's would
    compare two different machines."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(first))
        b.append(timed(second))
    return min(a, key=lambda r: r[0]), min(b, key=lambda r: r[0])


def main():
    sizes = [int(n) for n in sys.argv[1:]] or [1_000_000]
    runs = int(os.environ.get("RUNS", "3"))
    workload = os.environ.get("WORKLOAD", "gaza")
    generator, rules, queries, stem = WORKLOADS[workload]
    print(f"workload {workload} ({rules}), best of {runs}, {'cold' if COLD else 'warm'} page cache")
    os.makedirs(DATA, exist_ok=True)
    rows = []
    for n in sizes:
        prefix = os.path.join(DATA, f"{stem}-{n}")
        if not os.path.exists(prefix + ".csv"):
            subprocess.run([sys.executable, os.path.join(HERE, generator), str(n), prefix], check=True)
        for fmt in ("jsonl", "csv"):
            log = f"{prefix}.{fmt}"
            report = os.path.join(DATA, f"report-{stem}-{n}-{fmt}.json")
            (cf_time, cf_rss, _), (db_time, db_rss, db) = best_of_both(
                runs,
                [CEASEFIRE, "verify", os.path.join(HERE, rules), "--log", log, "--format", "json", "--quiet", "-o", report],
                [sys.executable, os.path.join(HERE, queries), log],
            )
            cf_counts = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "counts.py"), report],
                                                  capture_output=True, text=True, check=True).stdout)
            db_counts = json.loads(db.stdout)
            db_inside = float(re.search(r"duckdb seconds: ([0-9.]+)", db.stderr).group(1))
            agree = cf_counts == db_counts
            if not agree:
                print(f"counts differ for {log}:\n  ceasefire {cf_counts}\n  duckdb    {db_counts}", file=sys.stderr)
            # Two floors: reading the file (warm cache), and parsing every record.
            cat_time = wall(runs, ["cat", log])
            parse_time = wall(runs, [FLOOR, log])
            rows.append((n, fmt, cf_time, cf_rss, db_time, db_inside, db_rss, agree, cat_time, parse_time))
        # The report must not change from one run to the next.
        again = os.path.join(DATA, f"report-{stem}-{n}-jsonl-again.json")
        subprocess.run([CEASEFIRE, "verify", os.path.join(HERE, rules), "--log", f"{prefix}.jsonl",
                        "--format", "json", "--quiet", "-o", again])
        same = open(again, "rb").read() == open(os.path.join(DATA, f"report-{stem}-{n}-jsonl.json"), "rb").read()
        print(f"{n} observations: the JSON report is {'byte-identical' if same else 'DIFFERENT'} between runs")
    print()
    # DuckDB's time is the whole script (Python, the import, loading, the
    # queries); "in DuckDB" leaves out starting Python and importing duckdb.
    print("| observations | format | ceasefire s | DuckDB s | in DuckDB s | time ratio | ratio to in DuckDB "
          "| ceasefire MiB | DuckDB MiB | memory ratio | counts agree |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for n, fmt, ct, cm, dt, di, dm, agree, _, _ in rows:
        print(f"| {n:,} | {fmt} | {ct:.2f} | {dt:.2f} | {di:.2f} | {ct / dt:.2f} | {ct / di:.2f} "
              f"| {cm:.0f} | {dm:.0f} | {cm / dm:.2f} | {'yes' if agree else 'NO'} |")
    print()
    # How close to the floor: reading the file, and parsing every record
    # with a fast parser on every core without judging.
    print("| observations | format | ceasefire s | read (cat) s | parse (floor) s | ceasefire / read | ceasefire / parse |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for n, fmt, ct, _, _, _, _, _, cat, parse in rows:
        print(f"| {n:,} | {fmt} | {ct:.2f} | {cat:.3f} | {parse:.3f} | {ct / cat:.0f} | {ct / parse:.1f} |")
    if not all(r[7] for r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()

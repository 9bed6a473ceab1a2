#!/usr/bin/env python3
"""Ranges of time against the same log without them (LANGUAGE-v2 §9).

usage: bench/ranges.py [N]   (default 1000000; needs bench/data/log-N.jsonl,
which bench/compare.sh generates, and a release build, or another binary
named by CEASEFIRE=path)

Writes bench/data/ranges-N.jsonl: the benchmark log with 30 % of its
records known only to a range of time, half of them to the day (`time`
becomes the date, the whole day in UTC) and half to the hour (an instant
range `A/B` around the instant), chosen with a fixed seed. Then times
`verify` on bench/rules.cfr over both logs, five rounds (RUNS=N for more)
of one run each, and prints the ratio of the best runs, the median of the
rounds' ratios and the ratio of CPU time (issue 12's goal: within 1.5x).
"""
import datetime, os, random, resource, statistics, subprocess, sys, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
RUNS = int(os.environ.get("RUNS", "5"))
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
exact = os.path.join(here, "data", f"log-{N}.jsonl")
ranged = os.path.join(here, "data", f"ranges-{N}.jsonl")
rules = os.path.join(here, "rules.cfr")
binary = os.environ.get("CEASEFIRE", os.path.join(root, "target", "release", "ceasefire"))

if not os.path.exists(ranged):
    rng = random.Random(9)
    with open(exact) as src, open(ranged, "w") as out:
        for text in src:
            # The records are written by bench/generate.py: the time comes first.
            prefix = '{"time":"'
            assert text.startswith(prefix), text
            stamp = text[len(prefix):len(prefix) + 20]
            roll = rng.random()
            if roll < 0.15:
                when = stamp[:10]
            elif roll < 0.30:
                t = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
                start = t.replace(minute=0, second=0)
                end = start + datetime.timedelta(hours=1)
                when = f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}"
            else:
                when = stamp
            out.write(prefix + when + text[len(prefix) + 20:])


def run(log):
    """Wall-clock and CPU seconds (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([binary, "verify", rules, "--log", log, "--format", "json", "--quiet", "-o", os.devnull],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


# Each round runs both logs one after the other, so that both see the
# machine in the same state; this machine's speed drifts by up to 2x
# within an hour, so the median of the rounds' ratios is given beside the
# ratio of the best runs.
best = {exact: [float("inf")] * 2, ranged: [float("inf")] * 2}
ratios = []
for _ in range(RUNS):
    walls = {}
    for log in (exact, ranged):
        wall, cpu = run(log)
        walls[log] = wall
        best[log] = [min(best[log][0], wall), min(best[log][1], cpu)]
    ratios.append(walls[ranged] / walls[exact])
print(f"exact log:  {best[exact][0]:.3f} s (CPU {best[exact][1]:.3f} s)")
print(f"30% ranges: {best[ranged][0]:.3f} s (CPU {best[ranged][1]:.3f} s)")
print(f"ratio:      {best[ranged][0] / best[exact][0]:.2f} of the best runs, "
      f"{statistics.median(ratios):.2f} the median of {RUNS} rounds, "
      f"{best[ranged][1] / best[exact][1]:.2f} of CPU time (goal: at most 1.5)")

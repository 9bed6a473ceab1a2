#!/usr/bin/env python3
"""Reading a dataset through a source against reading the same log plainly.

usage: bench/sources.py [N]   (default 1000000; needs bench/data/log-N.csv,
which bench/compare.sh generates, and a release build)

Writes bench/data/sourced-N.csv: the log of bench/compare.sh with its own
column names, labels for kinds and zones, and ids, as a dataset export would
have it; and bench/data/log-ids-N.csv, the same records as a plain log with
an `id` column (the like-for-like baseline: ids are read and checked for
duplicates either way). Then runs `ceasefire verify` on each, alternately,
five times each, prints the best wall time and peak memory and the ratio to
the plain log with ids, and checks that the reports give the same verdicts.
"""
import json, os, resource, subprocess, sys, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
plain = os.path.join(here, "data", f"log-{N}.csv")
sourced = os.path.join(here, "data", f"sourced-{N}.csv")
binary = os.path.join(root, "target", "release", "ceasefire")
KINDS = {"release": "Hostage release", "detainee_release": "Detainee release",
         "drawdown": "Drawdown", "strike": "Strike", "aid_convoy": "Aid convoy"}
ZONES = {"north": "North Gaza", "gaza_city": "Gaza City", "netzarim": "Netzarim",
         "khan_younis": "Khan Younis", "rafah": "Rafah", "": ""}

with_ids = os.path.join(here, "data", f"log-ids-{N}.csv")
if not os.path.exists(sourced) or not os.path.exists(with_ids):
    with open(plain) as src, open(sourced, "w") as out, open(with_ids, "w") as ids:
        header = src.readline().rstrip("\n").split(",")
        assert header == ["time", "kind", "zone", "batch", "hostages", "detainees", "trucks", "actor", "source"], header
        out.write("event_id,event_date,Event Type,admin1,batch_no,hostages,detainees,trucks,actor,outlets\n")
        ids.write("id," + ",".join(header) + "\n")
        for i, line in enumerate(src):
            t, k, z, b, h, d, tr, a, s = line.rstrip("\n").split(",")
            out.write(f"EV{i + 1},{t},{KINDS[k]},{ZONES[z]},{b},{h},{d},{tr},{a},{s}\n")
            ids.write(f"EV{i + 1},{line}")

def run(args, report):
    """Best wall time and peak memory of one `verify`."""
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "verify", *args, "--format", "json", "-o", report],
                       capture_output=True, text=True)
    elapsed = time.time() - t0
    if p.returncode not in (0, 1):
        sys.exit(p.stderr)
    return elapsed, int(p.stderr.strip().splitlines()[-1]) // 1024

runs = {
    "plain log": ([os.path.join(here, "rules.cfr"), "--log", plain], "/tmp/bench-plain.json"),
    "plain, with ids": ([os.path.join(here, "rules.cfr"), "--log", with_ids], "/tmp/bench-ids.json"),
    "through a source": ([os.path.join(here, "sourced.cfr"), "--log", f"export={sourced}"], "/tmp/bench-sourced.json"),
}
best = {name: (1e9, 0) for name in runs}
for r in range(5):
    for name in (list(runs) if r % 2 == 0 else list(reversed(runs))):
        t, rss = run(*runs[name])
        if t < best[name][0]:
            best[name] = (t, rss)
# The like-for-like baseline: the same records, ids included, as a plain log.
base = best["plain, with ids"][0]
for name, (t, rss) in best.items():
    print(f"{name:18s} {t:6.2f} s  {rss:5d} MiB  x{t / base:.2f}")
verdicts = lambda path: [(r["id"], r["verdict"]) for r in json.load(open(path))["rules"]]
a, b = verdicts("/tmp/bench-plain.json"), verdicts("/tmp/bench-sourced.json")
assert a == b == verdicts("/tmp/bench-ids.json"), (a, b)
print("same verdicts:", ", ".join(f"{i} {v}" for i, v in a))

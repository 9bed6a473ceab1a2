#!/usr/bin/env python3
"""Spatial conditions against the same log without them (LANGUAGE-v2 §12).

usage: bench/places.py [N]   (default 1000000; needs bench/data/log-N.jsonl,
which bench/compare.sh generates, and a release build)

Writes bench/data/places-N.jsonl: the benchmark log with a position on
every record (over Gaza, a tenth known only to within 2 km), an area of
10,000 vertices (a wavy ring around the middle of the strip) and a line of
5,000 vertices (a wavy line across it). Then times `verify` on the rules
of bench/compare.sh (bench/rules.cfr) and on the same rules with a rule
that asks `inside` the area and one that asks `distance` to the line,
best of five alternately, and prints the ratio (the goal: within 2x).
"""
import json, math, os, random, subprocess, sys, time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
plain = os.path.join(here, "data", f"log-{N}.jsonl")
placed = os.path.join(here, "data", f"places-{N}.jsonl")
area = os.path.join(here, "data", "area-10000.geojson")
line = os.path.join(here, "data", "line-5000.geojson")
rules = os.path.join(here, "data", "places.cfr")
binary = os.path.join(root, "target", "release", "ceasefire")

rng = random.Random(7)
# Gaza: about 31.22..31.60 N, 34.22..34.57 E.
if not os.path.exists(area):
    ring = []
    for i in range(10_000):
        a = 2 * math.pi * i / 10_000
        r = 0.12 + 0.01 * math.sin(40 * a)
        ring.append([round(34.39 + r * math.cos(a), 6), round(31.41 + 1.2 * r * math.sin(a), 6)])
    ring.append(ring[0])
    json.dump({"type": "Polygon", "coordinates": [ring]}, open(area, "w"))
if not os.path.exists(line):
    points = [[round(34.22 + 0.35 * i / 4_999, 6), round(31.41 + 0.01 * math.sin(i / 50), 6)] for i in range(5_000)]
    json.dump({"type": "LineString", "coordinates": points}, open(line, "w"))
if not os.path.exists(placed):
    with open(plain) as src, open(placed, "w") as out:
        for text in src:
            record = json.loads(text)
            position = {"lat": round(rng.uniform(31.22, 31.60), 5), "lon": round(rng.uniform(34.22, 34.57), 5)}
            if rng.random() < 0.1:
                position["radius_km"] = 2
            record["position"] = position
            out.write(json.dumps(record, separators=(",", ":")) + "\n")
base = open(os.path.join(here, "rules.cfr")).read()
spatial = base.replace("event strike           { zone: zone, actor: text }", "event strike           { zone: zone, actor: text, position: position }")
assert spatial != base, "bench/rules.cfr changed: update bench/places.py"
spatial += f'''
area middle "A ring of 10,000 vertices" from "{area}"
line across "A line of 5,000 vertices" from "{line}"

rule no_strike_in_the_middle {{
  no strike where position inside middle after 2020-01-01
}}

rule no_strike_near_the_line {{
  at most 1000 strike where distance(position, across) <= 2km per 1d after 2020-01-01
}}
'''
open(rules, "w").write(spatial)
plain_rules = os.path.join(here, "data", "places-plain.cfr")
open(plain_rules, "w").write(base.replace("event strike           { zone: zone, actor: text }", "event strike           { zone: zone, actor: text, position: position }"))

def run(args):
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "verify", *args, "--format", "json", "-o", "/tmp/bench-places.json"],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(p.stderr)
    return time.time() - t0, int(p.stderr.strip().splitlines()[-1]) // 1024

runs = {"without places": [plain_rules, "--log", placed], "with places": [rules, "--log", placed]}
best = {name: (1e9, 0) for name in runs}
for r in range(5):
    for name in (list(runs) if r % 2 == 0 else list(reversed(runs))):
        t, rss = run(runs[name])
        if t < best[name][0]:
            best[name] = (t, rss)
base_time = best["without places"][0]
for name, (t, rss) in best.items():
    print(f"{name:15s} {t:6.2f} s  {rss:5d} MiB  x{t / base_time:.2f}")

#!/usr/bin/env python3
"""The second benchmark workload (bench/sectors.cfr): a seeded log of
patrols, incidents and reports in a hundred sectors, with notes no rule
reads, written as JSON Lines and as CSV.

    generate_sectors.py N PREFIX   (writes PREFIX.jsonl and PREFIX.csv)
"""
import datetime
import random
import sys

from generate import write

KINDS = [("patrol", 35), ("incident", 30), ("report", 25), ("note", 10)]
COLUMNS = ["time", "kind", "sector", "unit", "severity", "text"]
UNITS = ["alpha", "bravo", "charlie", "delta"]
NOTES = ["quiet night", "road closed", "power restored", "crossing open"]


def records(n, rng):
    t = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    kinds = [k for k, w in KINDS for _ in range(w)]
    for _ in range(n):
        # Seconds to minutes apart, as in the first workload.
        t += datetime.timedelta(seconds=rng.choice((1, 5, 30, 60, 120, 300, 600)))
        kind = rng.choice(kinds)
        r = {"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": kind}
        if kind == "patrol":
            r["sector"] = rng.randint(1, 100)
            r["unit"] = rng.choice(UNITS)
        elif kind == "incident":
            r["sector"] = rng.randint(1, 100)
            r["severity"] = rng.randint(1, 5)
        elif kind == "report":
            r["sector"] = rng.randint(1, 100)
        else:
            r["text"] = rng.choice(NOTES)
        yield r


def main():
    n, prefix = int(sys.argv[1]), sys.argv[2]
    write(records(n, random.Random(20251206)), COLUMNS, prefix)


if __name__ == "__main__":
    main()

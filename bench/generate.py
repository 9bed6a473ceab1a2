#!/usr/bin/env python3
"""Writes a synthetic, realistic observation log of N records as JSONL and CSV.

Releases with batch numbers, detainee releases, drawdowns, strikes and aid
convoys in five zones; gaps of seconds to minutes, so that a million records
span several years. The same seed gives the same log.

    generate.py N OUT_PREFIX   ->   OUT_PREFIX.jsonl, OUT_PREFIX.csv
"""
import datetime
import random
import sys

ZONES = ["north", "gaza_city", "netzarim", "khan_younis", "rafah"]
# Kinds and their weights: strikes and aid are common, releases rare.
KINDS = [("strike", 30), ("aid_convoy", 30), ("drawdown", 20), ("release", 10), ("detainee_release", 10)]
COLUMNS = ["time", "kind", "zone", "batch", "hostages", "detainees", "trucks", "actor", "source"]


def records(n, rng):
    t = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    kinds = [k for k, w in KINDS for _ in range(w)]
    for i in range(n):
        # Seconds to minutes apart: a mean of about three minutes.
        t += datetime.timedelta(seconds=rng.choice((1, 5, 30, 60, 120, 300, 600)))
        kind = rng.choice(kinds)
        r = {"time": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": kind}
        if kind == "strike":
            r["zone"] = rng.choice(ZONES)
            r["actor"] = rng.choice(("army", "militia", "unknown"))
        elif kind == "aid_convoy":
            r["zone"] = rng.choice(ZONES)
            r["trucks"] = rng.randint(1, 60)
        elif kind == "drawdown":
            r["zone"] = rng.choice(ZONES)
        elif kind == "release":
            r["batch"] = rng.randint(1, 33)
            r["hostages"] = rng.randint(1, 6)
        else:
            r["batch"] = rng.randint(1, 33)
            r["detainees"] = rng.randint(10, 200)
        r["source"] = rng.choice(("ICRC", "UN OCHA", "Reuters", "AP"))
        yield r


def write(records, columns, prefix):
    """Writes the records as PREFIX.jsonl and as PREFIX.csv (with these columns)."""
    with open(prefix + ".jsonl", "w") as jsonl, open(prefix + ".csv", "w") as csv:
        csv.write(",".join(columns) + "\n")
        for r in records:
            fields = []
            for k, v in r.items():
                fields.append(f'"{k}":{v}' if isinstance(v, int) else f'"{k}":"{v}"')
            jsonl.write("{" + ",".join(fields) + "}\n")
            csv.write(",".join(str(r.get(c, "")) for c in columns) + "\n")


def main():
    n, prefix = int(sys.argv[1]), sys.argv[2]
    write(records(n, random.Random(20250119)), COLUMNS, prefix)


if __name__ == "__main__":
    main()

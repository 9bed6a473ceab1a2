#!/usr/bin/env python3
"""The counts of a ceasefire JSON report that the DuckDB checks compute:
violated occurrences, strikes in the window, and failing days.

    counts.py REPORT.json
"""
import json
import sys

report = json.load(open(sys.argv[1]))
counts = {}
for rule in report["rules"]:
    rid = rule["id"]
    # The `no` forms: DuckDB counts the observations in their window.
    if rid in ("quiet_north_january", "quiet_sector_seven"):
        finding = rule["instances"][0]["findings"]
        counts[rid] = sum(len(f["evidence"]) + f.get("evidence_omitted", 0) for f in finding if f["verdict"] == "violated")
    else:
        counts[rid] = sum(i["counts"]["violated"] for i in rule["instances"])
print(json.dumps(counts, sort_keys=True))

#!/usr/bin/env python3
"""The five checks of bench/sectors.cfr in DuckDB SQL: load the log, run
the queries, print the counts as JSON (as duckdb_checks.py does for the
first workload).

    duckdb_sectors.py LOG   (a .jsonl or .csv file)
"""
import json
import sys
import time

from duckdb_load import load

LOG = sys.argv[1]
started = time.perf_counter()
con, horizon = load(LOG, {'kind': 'VARCHAR', 'sector': 'BIGINT', 'unit': 'VARCHAR', 'severity': 'BIGINT',
                   'text': 'VARCHAR'})
START = "TIMESTAMPTZ '2020-01-01 00:00:00+00'"

counts = {}

# 1. for each sector: every incident is followed by a report from the same
#    sector within a day; incidents whose day has not passed by the horizon
#    are pending, not violated.
counts["incidents_reported"] = con.execute("""
    WITH i AS (SELECT time, sector FROM obs WHERE kind = 'incident'),
         r AS (SELECT time, sector FROM obs WHERE kind = 'report')
    SELECT count(*) FILTER (WHERE (r.time IS NULL OR r.time > i.time + INTERVAL 1 DAY)
                              AND i.time + INTERVAL 1 DAY <= ?)
    FROM i ASOF LEFT JOIN r ON i.sector = r.sector AND i.time <= r.time
""", [horizon]).fetchone()[0]

# 2. every incident of severity 4 or 5 comes at most ten minutes after some
#    patrol (in any sector).
counts["patrolled_before_serious"] = con.execute("""
    WITH i AS (SELECT time FROM obs WHERE kind = 'incident' AND severity >= 4),
         p AS (SELECT time FROM obs WHERE kind = 'patrol')
    SELECT count(*) FILTER (WHERE p.time IS NULL OR p.time < i.time - INTERVAL 10 MINUTE)
    FROM i ASOF LEFT JOIN p ON i.time >= p.time
""").fetchone()[0]

# 3. for each sector: at least ten patrols in every week from 1 January
#    2020, counting the weeks that have ended by the horizon.
counts["weekly_patrols"] = con.execute(f"""
    WITH weeks AS (
        SELECT range AS week FROM range({START}, CAST(? AS TIMESTAMPTZ), INTERVAL 7 DAY)
        WHERE range + INTERVAL 7 DAY <= ?),
    sectors AS (SELECT range AS sector FROM range(1, 101)),
    totals AS (
        SELECT time_bucket(INTERVAL 7 DAY, time, {START}) AS week, sector, count(*) AS n
        FROM obs WHERE kind = 'patrol' GROUP BY ALL)
    SELECT count(*) FROM weeks CROSS JOIN sectors LEFT JOIN totals USING (week, sector)
    WHERE coalesce(n, 0) < 10
""", [horizon, horizon]).fetchone()[0]

# 4. at most a thousand incidents of severity 5 in any thirty-day slice
#    from 1 January 2020 (a slice over the limit is violated even before it
#    ends).
counts["grave_monthly"] = con.execute(f"""
    SELECT count(*) FROM (
        SELECT time_bucket(INTERVAL 30 DAY, time, {START}) AS slice, count(*) AS n
        FROM obs WHERE kind = 'incident' AND severity = 5 GROUP BY 1)
    WHERE n > 1000
""").fetchone()[0]

# 5. no incident of severity 5 in sector 7 during 2021.
counts["quiet_sector_seven"] = con.execute("""
    SELECT count(*) FROM obs
    WHERE kind = 'incident' AND sector = 7 AND severity = 5
      AND time >= TIMESTAMPTZ '2021-01-01 00:00:00+00' AND time < TIMESTAMPTZ '2022-01-01 00:00:00+00'
""").fetchone()[0]

print(json.dumps(counts, sort_keys=True))
print(f"duckdb seconds: {time.perf_counter() - started:.3f}", file=sys.stderr)

#!/usr/bin/env python3
"""The five checks of bench/rules.cfr in DuckDB SQL, as an analyst would write
them: load the log, run the queries, print the counts as JSON.

    duckdb_checks.py LOG   (a .jsonl or .csv file)
"""
import json
import sys
import time

from duckdb_load import load

LOG = sys.argv[1]
started = time.perf_counter()
con, horizon = load(LOG, {'kind': 'VARCHAR', 'zone': 'VARCHAR', 'batch': 'BIGINT', 'hostages': 'BIGINT',
                   'detainees': 'BIGINT', 'trucks': 'BIGINT', 'actor': 'VARCHAR', 'source': 'VARCHAR'})

counts = {}

# 1. every release is preceded by drawdown within 1h: the latest drawdown at
#    or before each release must be at most an hour earlier.
counts["release_after_drawdown"] = con.execute("""
    WITH r AS (SELECT time FROM obs WHERE kind = 'release'),
         d AS (SELECT time FROM obs WHERE kind = 'drawdown')
    SELECT count(*) FILTER (WHERE d.time IS NULL OR d.time < r.time - INTERVAL 1 HOUR)
    FROM r ASOF LEFT JOIN d ON r.time >= d.time
""").fetchone()[0]

# 2. every release is followed by detainee_release within 30m: the first
#    detainee release at or after each release must be at most 30 minutes
#    later; releases whose half hour has not passed by the horizon are pending.
counts["detainees_follow"] = con.execute("""
    WITH r AS (SELECT time FROM obs WHERE kind = 'release'),
         d AS (SELECT time FROM obs WHERE kind = 'detainee_release')
    SELECT count(*) FILTER (WHERE (d.time IS NULL OR d.time > r.time + INTERVAL 30 MINUTE)
                              AND r.time + INTERVAL 30 MINUTE <= ?)
    FROM r ASOF LEFT JOIN d ON r.time <= d.time
""", [horizon]).fetchone()[0]

# 3. for each zone: every strike is preceded by no drawdown in the zone
#    within 10 minutes.
counts["quiet_after_drawdown"] = con.execute("""
    WITH s AS (SELECT time, zone FROM obs WHERE kind = 'strike'),
         d AS (SELECT time, zone FROM obs WHERE kind = 'drawdown')
    SELECT count(*) FILTER (WHERE d.time IS NOT NULL AND d.time >= s.time - INTERVAL 10 MINUTE)
    FROM s ASOF LEFT JOIN d ON s.zone = d.zone AND s.time >= d.time
""").fetchone()[0]

# 4. no strike in the north during January 2021.
counts["quiet_north_january"] = con.execute("""
    SELECT count(*) FROM obs
    WHERE kind = 'strike' AND zone = 'north'
      AND time >= TIMESTAMPTZ '2021-01-01 00:00:00+00' AND time < TIMESTAMPTZ '2021-02-01 00:00:00+00'
""").fetchone()[0]

# 5. at least 5,000 trucks a day: days (closed by the horizon) with fewer.
counts["aid_daily"] = con.execute("""
    WITH days AS (
        SELECT range AS day FROM range(TIMESTAMPTZ '2020-01-01 00:00:00+00', CAST(? AS TIMESTAMPTZ), INTERVAL 1 DAY)
        WHERE range + INTERVAL 1 DAY <= ?),
    totals AS (
        SELECT time_bucket(INTERVAL 1 DAY, time, TIMESTAMPTZ '2020-01-01 00:00:00+00') AS day, sum(trucks) AS trucks
        FROM obs WHERE kind = 'aid_convoy' GROUP BY 1)
    SELECT count(*) FROM days LEFT JOIN totals USING (day) WHERE coalesce(trucks, 0) < 5000
""", [horizon, horizon]).fetchone()[0]

print(json.dumps(counts, sort_keys=True))
# The time inside DuckDB, without starting Python and importing the module.
print(f"duckdb seconds: {time.perf_counter() - started:.3f}", file=sys.stderr)

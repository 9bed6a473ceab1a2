"""Loading a benchmark log into DuckDB, as both workloads' queries do
(bench/duckdb_checks.py, bench/duckdb_sectors.py)."""
import duckdb


def load(log, columns):
    """Connects to DuckDB on two threads and loads `log` (.jsonl or .csv)
    into the table `obs`: `time` as TIMESTAMPTZ, the other columns with the
    SQL types given. Returns the connection and the latest time."""
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    reader = "read_csv" if log.endswith(".csv") else "read_json"
    names = ", ".join(columns)
    types = ", ".join(f"'{name}': '{ty}'" for name, ty in {"time": "VARCHAR", **columns}.items())
    con.execute(f"""
        CREATE TABLE obs AS
        SELECT CAST(time AS TIMESTAMPTZ) AS time, {names}
        FROM {reader}('{log}', columns = {{{types}}})
    """)
    horizon = con.execute("SELECT max(time) FROM obs").fetchone()[0]
    return con, horizon

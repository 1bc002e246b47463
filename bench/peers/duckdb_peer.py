"""The DuckDB query a user would write: CASE WHEN regexp_matches(lower(answer), 'a|b|c') ...
per reason, GROUP BY. `python duckdb_peer.py FILE COLUMN KEYWORDS.json` prints the counts."""
import json
import re
import sys

import duckdb

path, column, keywords = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))


def quote(s):
    return "'" + s.replace("'", "''") + "'"


col = '"' + column.replace('"', '""') + '"'
cases = [f"WHEN {col} IS NULL OR trim({col}) = '' THEN '(no answer)'"]
for r in keywords:
    pattern = "|".join(re.escape(k) for k in r["keywords"])
    cases.append(f"WHEN regexp_matches(lower({col}), {quote(pattern)}) THEN {quote(r['id'])}")
query = f"""
SELECT CASE {' '.join(cases)} ELSE '(unclassified)' END AS reason, count(*) AS n
FROM read_csv({quote(path)}, all_varchar = true, header = true)
GROUP BY 1 ORDER BY 1
"""
rows = duckdb.sql(query).fetchall()
out = {r: n for r, n in rows}
tagged = sum(n for r, n in rows if not r.startswith("("))
print(json.dumps({"counts": out, "tagged": tagged}))

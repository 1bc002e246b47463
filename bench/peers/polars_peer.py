"""The polars-in-Python pipeline a user would write: read the answer column, lowercase it, tag
each row with the first reason whose keywords it contains (str.contains_any: Aho-Corasick),
count the shares. `python polars_peer.py FILE COLUMN KEYWORDS.json` prints the counts as JSON."""
import json
import sys

import polars as pl

path, column, keywords = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
text = pl.col(column).str.to_lowercase()
reason = pl.when(text.is_null() | (text.str.strip_chars() == "")).then(pl.lit("(no answer)"))
for r in keywords:
    reason = reason.when(text.str.contains_any(r["keywords"])).then(pl.lit(r["id"]))
reason = reason.otherwise(pl.lit("(unclassified)"))
counts = (
    pl.scan_csv(path, infer_schema=False)
    .select(reason.alias("reason"))
    .group_by("reason")
    .len()
    .collect()
)
total = counts.filter(~pl.col("reason").str.starts_with("("))["len"].sum()
out = {row["reason"]: row["len"] for row in counts.iter_rows(named=True)}
print(json.dumps({"counts": dict(sorted(out.items())), "tagged": total}))

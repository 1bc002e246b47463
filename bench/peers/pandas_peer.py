"""The pandas script a user would write: read the answer column, lowercase it, str.contains a
regex per reason, np.select the first match, value_counts.
`python pandas_peer.py FILE COLUMN KEYWORDS.json` prints the counts as JSON."""
import json
import re
import sys

import numpy as np
import pandas as pd

path, column, keywords = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
text = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)[column].str.lower()
conditions = [text.str.strip() == ""]
choices = ["(no answer)"]
for r in keywords:
    pattern = "|".join(re.escape(k) for k in r["keywords"])
    conditions.append(text.str.contains(pattern, regex=True))
    choices.append(r["id"])
reason = pd.Series(np.select(conditions, choices, default="(unclassified)"))
counts = reason.value_counts().to_dict()
tagged = sum(n for r, n in counts.items() if not r.startswith("("))
print(json.dumps({"counts": dict(sorted((k, int(v)) for k, v in counts.items())), "tagged": int(tagged)}))

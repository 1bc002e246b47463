"""Keyword lists for the peers, from the taxonomy in force (`churn taxonomy show -f json`).

Each reason's phrases in every language, lowercased, with churn's rule markers removed
(`=word` exact word, `word*` prefix): the peers match them as plain substrings, which is what
a `contains_any` / `regexp_matches` / `str.contains` pipeline does. Reasons are kept in
taxonomy order; the first reason whose keywords match wins, as in the peers' CASE WHEN chains.
"""
import json
import sys

taxonomy = json.load(sys.stdin)
out = []
for reason in taxonomy["reasons"]:
    words = set()
    for phrases in reason["phrases"].values():
        for p in phrases:
            p = p.lower().lstrip("=").rstrip("*").strip()
            if p:
                words.add(p)
    out.append({"id": reason["id"], "keywords": sorted(words)})
json.dump(out, sys.stdout, ensure_ascii=False, indent=1)

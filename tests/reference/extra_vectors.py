#!/usr/bin/env python3
"""Reference values that stats_vectors.json does not hold, computed the same way (scipy,
statsmodels) for the statistics and fixtures churn adds:

- newcombe: statsmodels confint_proportions_2indep(method="newcomb", compare="diff"), the
  interval `churn compare` gives for a change of share (after minus before).
- holm_before: exact two-sided binomial tests (scipy.stats.binomtest) of the reason counts of
  fixtures/stats/before.csv against the kennedy shares, Holm-adjusted (statsmodels
  multipletests), as `churn analyze` reports per reason.
- asq_before: fixtures/stats/before.csv against the asq benchmark (dissatisfaction 14,
  indifference 68, everything else 18): scipy.stats.chisquare and power_divergence (G).
- exact_small: the exact multinomial test (full enumeration with scipy.stats.multinomial.pmf,
  as stats_vectors.json) for the reason counts of fixtures/small/surveys.csv.

Run with scipy and statsmodels installed:
    python3 tests/reference/extra_vectors.py > tests/reference/extra_vectors.json
"""
import itertools
import json

import scipy
import statsmodels
from scipy.stats import binomtest, chisquare, multinomial, power_divergence
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    multinomial_proportions_confint,
)

BENCH = [0.01, 0.03, 0.05, 0.09, 0.14, 0.68]


def compositions(n, k):
    for cuts in itertools.combinations(range(n + k - 1), k - 1):
        prev = -1
        out = []
        for c in cuts:
            out.append(c - prev - 1)
            prev = c
        out.append(n + k - 1 - prev - 1)
        yield out


def exact(observed, p):
    n = sum(observed)
    p_obs = multinomial.pmf(observed, n, p)
    total = 0.0
    for x in compositions(n, len(p)):
        q = multinomial.pmf(x, n, p)
        if q <= p_obs * (1 + 1e-7):
            total += q
    return total


def main():
    newcombe = []
    # (after count, after n, before count, before n, confidence)
    for x1, n1, x2, n2, conf in [
        (68, 100, 40, 100, 0.95),
        (1, 100, 2, 100, 0.95),
        (14, 100, 26, 100, 0.95),
        (0, 50, 3, 60, 0.95),
        (412, 1000, 380, 900, 0.99),
        (30, 30, 25, 30, 0.9),
    ]:
        low, upp = confint_proportions_2indep(
            x1, n1, x2, n2, method="newcomb", compare="diff", alpha=1 - conf
        )
        newcombe.append({
            "x1": x1, "n1": n1, "x2": x2, "n2": n2, "confidence": conf,
            "lower": float(low), "upper": float(upp),
            "by": "statsmodels confint_proportions_2indep(method='newcomb', compare='diff')",
        })
    before = [2, 8, 6, 18, 26, 40]
    pvals = [binomtest(x, 100, p).pvalue for x, p in zip(before, BENCH)]
    adjusted = multipletests(pvals, method="holm")[1]
    asq_obs = [26, 40, 34]
    asq_exp = [14, 68, 18]
    chi = chisquare(asq_obs, asq_exp)
    g = power_divergence(asq_obs, asq_exp, lambda_="log-likelihood")
    small = [1, 1, 0, 1, 3, 3]
    # churn question: fixtures/questions/exit.csv, told_others (9 yes, 2 no) against 65/35 and
    # how_many_told (6 ten or more, 5 fewer) against 48/52.
    questions = []
    for column, name, observed, shares in [
        ("told_others", "told-others-bad", [9, 2], [0.65, 0.35]),
        ("how_many_told", "told-ten-bad", [6, 5], [0.48, 0.52]),
    ]:
        n = sum(observed)
        p = [binomtest(x, n, s).pvalue for x, s in zip(observed, shares)]
        conf = multinomial_proportions_confint(observed, alpha=0.05, method="goodman")
        expected = [s * n for s in shares]
        fit = chisquare(observed, expected)
        questions.append({
            "column": column, "set": name, "observed": observed, "shares": shares,
            "p_values": [float(x) for x in p],
            "adjusted": [float(x) for x in multipletests(p, method="holm")[1]],
            "goodman": [[float(lo), float(hi)] for lo, hi in conf],
            "exact_p": exact(observed, shares), "chi_square_p": float(fit.pvalue),
            "fixture": "fixtures/questions/exit.csv",
            "by": "scipy.stats.binomtest, statsmodels multipletests(method='holm') and "
                  "multinomial_proportions_confint(method='goodman'), scipy.stats.chisquare, "
                  "full enumeration with scipy.stats.multinomial.pmf",
        })
    out = {
        "about": f"computed with scipy {scipy.__version__}, statsmodels {statsmodels.__version__} by tests/reference/extra_vectors.py",
        "newcombe": newcombe,
        "holm_before": [{
            "observed": before, "benchmark": BENCH,
            "p_values": [float(p) for p in pvals],
            "adjusted": [float(p) for p in adjusted],
            "fixture": "fixtures/stats/before.csv",
            "by": "scipy.stats.binomtest, statsmodels multipletests(method='holm')",
        }],
        "asq_before": [{
            "observed": asq_obs, "benchmark": [0.14, 0.68, 0.18],
            "chi_square": float(chi.statistic), "chi_square_p": float(chi.pvalue),
            "g": float(g.statistic), "g_p": float(g.pvalue),
            "fixture": "fixtures/stats/before.csv",
            "by": "scipy.stats.chisquare, scipy.stats.power_divergence(lambda_='log-likelihood')",
        }],
        "exact_small": [{
            "observed": small, "benchmark": BENCH, "p_value": exact(small, BENCH),
            "fixture": "fixtures/small/surveys.csv",
            "by": "full enumeration with scipy.stats.multinomial.pmf",
        }],
        "questions": questions,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for the adjusted classify and count (ACC, Forman 2005/2008) prevalence
correction, computed with QuaPy (the Python quantification library; version recorded in the
output, 0.2.3 when this was written) through its own ACC class.

Inputs of each case, in the convention of the Rust side (classes 0..k-1):
- labelled[i][j]: number of labelled rows whose true class is i and predicted class is j;
- predicted[j]: number of target rows predicted as class j.
With M[i][j] = labelled[i][j] / sum_j labelled[i][j] = P(pred=j | true=i) and
q = predicted / sum(predicted), `prevalence` is
    p = argmin over the simplex (p >= 0, sum p = 1) of || M^T p - q ||_2^2.

What QuaPy computes (quapy/method/aggregative.py, class ACC):
- ACC.getPteCondEstim(classes, y, y_): `conf = confusion_matrix(y, y_, labels=classes).T`, then
  `conf[:, i] /= class_counts[i]`, i.e. entry (i, j) = P(pred=i | true=j). QuaPy's matrix is
  therefore indexed [pred, true] and equals M^T (the script asserts this).
- ACC.aggregate: `prevs_estim_cc = self.cc.aggregate(...)` (q, from the predicted labels), then
  `ACC.solve_adjustment(class_conditional_rates=M^T, unadjusted_counts=q, solver, method)` and
  `F.normalize_prevalence(estimate, method=self.norm)`.
- solve_adjustment with method='inversion' leaves A = M^T and B = q unchanged; solver='minimize'
  runs `loss(prev) = np.linalg.norm(A @ prev - B)` through `F.optim_minimize`
  (quapy/functional.py), which calls `scipy.optimize.minimize(loss, x0=uniform, method='SLSQP',
  bounds=[(0, 1)] * k, constraints={'type': 'eq', 'fun': lambda x: 1 - sum(x)})`. The argmin of
  the norm is the argmin of the squared norm: this is exactly the constrained least squares above.
  norm='clip' (the default) then clips to [0, 1] and L1-normalises, a no-op up to rounding for a
  point already on the simplex.
- solver='exact-raise' is `np.linalg.solve(A, B)` (plain inversion, may be negative); with
  norm='clip' negatives become 0 and the vector is rescaled. Recorded as `exact_clip` (and the
  unclipped solve as `exact_unclipped`), for documentation only: it is not the least-squares answer
  on the boundary.

The ACC object is used as shipped: ACC(fitted sklearn DummyClassifier over classes 0..k-1,
fit_classifier=False, val_split=None, solver='minimize', method='inversion', norm='clip'), fed with
label arrays expanded from the counts (aggregation_fit(predicted labels, true labels), then
aggregate(target predicted labels)).

One deviation, on precision only: F.optim_minimize passes no options to SLSQP, whose default
ftol=1e-6 leaves errors of ~1e-6 in p (and the plain norm is not smooth at a zero residual). For
`prevalence`, scipy.optimize.minimize is wrapped for the duration of the call to add
options={'ftol': 1e-15, 'maxiter': 10000}; everything else is QuaPy's code path. The untouched
QuaPy result is kept as `quapy_default_ftol` with its largest deviation from `prevalence`.

Checks (asserts): the QuaPy matrix equals M^T; `prevalence` is feasible; the KKT conditions of
min ||M^T p - q||^2 on the simplex hold to 1e-7 (g = M (M^T p - q), lam = sum p_i g_i:
g_i - lam >= -1e-7 for all i, |g_i - lam| <= 1e-7 where p_i > 1e-6, p_i |g_i - lam| <= 1e-7); and
it agrees to 1e-8 with an independent exact solution (numpy only): every support S is tried, the
equality-constrained least squares on S is solved from its KKT linear system, and the feasible
candidate of least objective is kept. That exact optimum is recorded as `prevalence_exact`
(accurate to rounding; where the plain inversion is already non-negative it is asserted equal, to
1e-12, to QuaPy's exact-raise solve). SLSQP works from finite-difference gradients (step ~1.5e-8),
so `prevalence` is accurate to about 1e-9 absolute (`independent_max_deviation`), not to rounding.

Run from the repository root:
    target/bench/venv-quapy/bin/python tests/reference/calibration_vectors.py > tests/reference/calibration_vectors.json
(the venv: python3 -m venv target/bench/venv-quapy; target/bench/venv-quapy/bin/pip install quapy numpy scipy)
"""
import contextlib
import itertools
import json
import sys
import warnings

import numpy as np
import quapy
import scipy
import scipy.optimize
import sklearn
from quapy.method.aggregative import ACC
from sklearn.dummy import DummyClassifier

CASES = [
    ("binary_simple", [[80, 20], [10, 90]], [450, 550]),
    # inversion gives p = (-1/3, 4/3): the constrained answer is on the boundary
    ("binary_clipped", [[60, 40], [30, 70]], [200, 800]),
    ("three_class", [[50, 5, 5], [10, 40, 10], [5, 5, 30]], [300, 400, 300]),
    # predicted = round(10000 * M^T p) for p = (.20, .15, .25, .10, .18, .14, -.02): class 6 has
    # a negative inverse solution and a constrained prevalence of 0
    ("seven_class",
     [[85, 5, 0, 3, 0, 4, 3],
      [4, 48, 3, 0, 2, 0, 3],
      [0, 6, 100, 5, 4, 0, 5],
      [2, 0, 3, 32, 0, 3, 0],
      [0, 3, 4, 0, 66, 5, 2],
      [1, 0, 0, 2, 0, 16, 1],
      [3, 2, 0, 0, 4, 0, 41]],
     [1908, 1485, 2323, 1104, 1602, 1388, 190]),
    ("perfect", [[30, 0, 0], [0, 30, 0], [0, 0, 30]], [10, 20, 70]),
    # six reasons and 'none' (class 6); diagonal 75-83 %, errors mostly into 'none' and class 4
    ("churn_like",
     [[30, 0, 1, 0, 3, 1, 5],
      [0, 40, 0, 1, 4, 0, 5],
      [1, 0, 45, 1, 5, 1, 7],
      [0, 1, 1, 62, 6, 2, 8],
      [1, 1, 2, 3, 100, 3, 10],
      [0, 1, 2, 3, 14, 165, 15],
      [1, 1, 2, 2, 8, 4, 82]],
     [12, 35, 40, 90, 210, 500, 113]),
]

TIGHT = {"ftol": 1e-15, "maxiter": 10000}


@contextlib.contextmanager
def tight_slsqp():
    """quapy.functional.optim_minimize does `from scipy import optimize` and calls
    optimize.minimize(..., method='SLSQP') without options: add a tight ftol for the call."""
    original = scipy.optimize.minimize

    def wrapped(*args, **kwargs):
        options = dict(kwargs.pop("options", None) or {})
        options.update(TIGHT)
        return original(*args, options=options, **kwargs)

    scipy.optimize.minimize = wrapped
    try:
        yield
    finally:
        scipy.optimize.minimize = original


def quapy_acc(labelled, predicted, **params):
    """Runs QuaPy's ACC on label arrays expanded from the counts; returns (estimate, QuaPy's
    matrix of class-conditional rates)."""
    k = len(predicted)
    true_labels = np.repeat(np.repeat(np.arange(k), k), np.asarray(labelled).ravel())
    pred_labels = np.repeat(np.tile(np.arange(k), k), np.asarray(labelled).ravel())
    target = np.repeat(np.arange(k), predicted)
    classifier = DummyClassifier().fit(np.zeros((k, 1)), np.arange(k))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acc = ACC(classifier, fit_classifier=False, val_split=None, **params)
    acc.aggregation_fit(pred_labels, true_labels)
    return np.asarray(acc.aggregate(target), dtype=float), acc.Pte_cond_estim_


def rust_inputs(labelled, predicted):
    lab = np.asarray(labelled, dtype=float)
    m = lab / lab.sum(axis=1, keepdims=True)
    q = np.asarray(predicted, dtype=float) / sum(predicted)
    return m, q


def kkt(m, q, p):
    g = m @ (m.T @ p - q)
    lam = float(p @ g)
    d = g - lam
    return {
        "dual": float(-min(d.min(), 0.0)),
        "stationarity": float(max([abs(x) for x, pi in zip(d, p) if pi > 1e-6], default=0.0)),
        "complementarity": float(np.max(np.abs(p * d))),
    }


def exact_by_supports(m, q):
    """Independent exact optimum: equality-constrained least squares on every support."""
    k = len(q)
    a = m.T
    best, best_obj = None, np.inf
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            s = list(support)
            a_s = a[:, s]
            kkt_matrix = np.zeros((size + 1, size + 1))
            kkt_matrix[:size, :size] = a_s.T @ a_s
            kkt_matrix[:size, size] = 1.0
            kkt_matrix[size, :size] = 1.0
            rhs = np.concatenate([a_s.T @ q, [1.0]])
            try:
                x = np.linalg.solve(kkt_matrix, rhs)[:size]
            except np.linalg.LinAlgError:
                continue
            if x.min() < -1e-12:
                continue
            p = np.zeros(k)
            p[s] = np.maximum(x, 0.0)
            obj = float(np.sum((a @ p - q) ** 2))
            if obj < best_obj - 1e-15:
                best, best_obj = p, obj
    return best


def main():
    cases = []
    for name, labelled, predicted in CASES:
        m, q = rust_inputs(labelled, predicted)
        with tight_slsqp():
            p, rates = quapy_acc(labelled, predicted, solver="minimize", method="inversion",
                                 norm="clip")
        assert np.allclose(rates, m.T, rtol=0, atol=1e-15), name
        default, _ = quapy_acc(labelled, predicted, solver="minimize", method="inversion",
                               norm="clip")
        exact_clip, _ = quapy_acc(labelled, predicted, solver="exact-raise", method="inversion",
                                  norm="clip")
        exact_raw, _ = quapy_acc(labelled, predicted, solver="exact-raise", method="inversion",
                                 norm=None)

        assert p.min() >= 0.0 and abs(p.sum() - 1.0) <= 1e-12, (name, p)
        conditions = kkt(m, q, p)
        assert max(conditions.values()) <= 1e-7, (name, conditions)
        independent = exact_by_supports(m, q)
        assert np.max(np.abs(p - independent)) <= 1e-8, (name, p, independent)
        if exact_raw.min() >= 0.0:
            assert np.max(np.abs(exact_raw - independent)) <= 1e-12, (name, exact_raw, independent)

        cases.append({
            "name": name,
            "labelled": labelled,
            "predicted": predicted,
            "prevalence": [float(x) for x in p],
            "prevalence_exact": [float(x) for x in independent],
            "exact_clip": [float(x) for x in exact_clip],
            "exact_unclipped": [float(x) for x in exact_raw],
            "quapy_default_ftol": [float(x) for x in default],
            "quapy_default_ftol_max_deviation": float(np.max(np.abs(default - p))),
            "kkt_residuals": conditions,
            "independent_max_deviation": float(np.max(np.abs(p - independent))),
            "objective": float(np.sum((m.T @ p - q) ** 2)),
        })
    out = {
        "generator": "tests/reference/calibration_vectors.py",
        "about": "ACC prevalence: argmin over the simplex of ||M^T p - q||^2, "
                 "M[i][j] = labelled[i][j] / row sum i = P(pred=j | true=i), q = predicted / sum",
        "by": "quapy.method.aggregative.ACC(solver='minimize', method='inversion', norm='clip') "
              "(solve_adjustment -> quapy.functional.optim_minimize, scipy SLSQP) with SLSQP "
              f"options {TIGHT}; exact_clip: ACC(solver='exact-raise', method='inversion', "
              "norm='clip'); exact_unclipped: the same with norm=None; prevalence_exact: "
              "exact optimum by enumeration of supports (numpy), for checking",
        "quapy": quapy.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "python": sys.version.split()[0],
        "cases": cases,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

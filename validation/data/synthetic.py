"""Synthetic data whose random-matrix theory is known.

* :func:`gaussian` — rows x_i ~ N(0, Σ) with Σ diagonal and its eigenvalues a given population
  (the spectrum is rotation invariant, so a diagonal Σ loses no generality for spectral tests). The
  sample covariance XᵀX/P then follows the generalized Marchenko-Pastur law (Silverstein & Bai 1995),
  which is what experiment 1 tests.
* :func:`gaussian_mixture` — C classes with random means of a given norm and identity covariance:
  the class-mean structure that produces Hessian outliers (Papyan 2020).
* :func:`teacher_student` — labels from a random linear teacher (regression, with noise) or from a
  logistic teacher (Bernoulli labels), for the GLM Hessians of Liao & Mahoney (2021).

The population is given as ``"identity"``, a list of eigenvalues, or ``(values, weights)``: d
eigenvalues are assigned in proportion to the weights by largest-remainder rounding (the same rule
as :class:`rmtheory.Atoms`'s sampler), so the finite population is as close to the law as d allows.
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.params import Integer, ParameterError, Real, check
from validation.data.dataset import Dataset

__all__ = ["gaussian", "gaussian_mixture", "teacher_student", "population_values"]


def population_values(d: int, population="identity") -> np.ndarray:
    """The d eigenvalues of Σ for a population spec (sorted ascending).

    >>> population_values(4, ([1.0, 9.0], [0.75, 0.25])).tolist()
    [1.0, 1.0, 1.0, 9.0]
    """
    d = check("d", d, Integer(1, None))
    if isinstance(population, str):
        if population != "identity":
            raise ParameterError("population", population, "'identity', a list of eigenvalues or (values, weights)")
        return np.ones(d)
    if isinstance(population, dict):
        population = (population.get("values"), population.get("weights"))
    if (isinstance(population, (tuple, list)) and len(population) == 2
            and isinstance(population[0], (list, tuple, np.ndarray))):
        values = np.asarray(population[0], dtype=float)
        weights = (np.full(values.size, 1.0 / values.size) if population[1] is None
                   else np.asarray(population[1], dtype=float))
    else:
        values = np.asarray(population, dtype=float).ravel()
        if values.size == d:
            return np.sort(_check_values(values))
        weights = np.full(values.size, 1.0 / values.size)
    _check_values(values)
    if weights.shape != values.shape or np.any(weights < 0) or not weights.sum() > 0:
        raise ParameterError("population weights", weights.tolist(),
                             "nonnegative weights, one per value, with a positive sum")
    weights = weights / weights.sum()
    exact = weights * d
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: d - counts.sum()]] += 1
    return np.sort(np.repeat(values, counts))


def _check_values(values):
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ParameterError("population values", values.tolist(), "positive finite eigenvalues")
    return values


def gaussian(d: int, P: int, population="identity", seed: int = 0, targets: int = 1,
             noise: float = 1.0) -> Dataset:
    """P samples x ~ N(0, diag(population)) in d dimensions; targets are pure noise N(0, noise²)
    (the least-squares Hessian XᵀX/P does not depend on them)."""
    d = check("d", d, Integer(1, None))
    P = check("P", P, Integer(1, None))
    targets = check("targets", targets, Integer(1, None))
    noise = check("noise", noise, Real(0, None))
    rng = np.random.default_rng(check("seed", seed, Integer(0, None)))
    lam = population_values(d, population)
    X = rng.standard_normal((P, d)) * np.sqrt(lam)[None, :]
    y = noise * rng.standard_normal((P, targets))
    return Dataset(X, y, "gaussian", 0, {"d": d, "P": P, "population_values": lam.tolist(),
                                          "seed": seed})


def gaussian_mixture(C: int, d: int, P: int, separation: float = 3.0, seed: int = 0) -> Dataset:
    """C balanced classes, x = μ_c + z with z ~ N(0, I_d) and class means of norm ``separation``
    drawn uniformly on that sphere (nearly orthogonal when d ≫ C)."""
    C = check("C", C, Integer(2, None))
    d = check("d", d, Integer(1, None))
    P = check("P", P, Integer(C, None))
    separation = check("separation", separation, Real(0, None))
    rng = np.random.default_rng(check("seed", seed, Integer(0, None)))
    means = rng.standard_normal((C, d))
    means *= separation / np.linalg.norm(means, axis=1, keepdims=True)
    y = np.arange(P) % C
    rng.shuffle(y)
    X = means[y] + rng.standard_normal((P, d))
    return Dataset(X, y.astype(np.int64), "gaussian_mixture", C,
                   {"C": C, "d": d, "P": P, "separation": separation, "seed": seed,
                    "means": means.tolist()})


def teacher_student(d: int, P: int, task: str = "regression", noise: float = 0.0,
                    teacher_norm: float = 1.0, seed: int = 0) -> Dataset:
    """x ~ N(0, I_d); a teacher w* uniform on the sphere of radius ``teacher_norm``.

    ``task="regression"``: y = w*·x + noise·ε.  ``task="logistic"``: y ~ Bernoulli(σ(w*·x)), labels 0/1
    (``num_classes`` = 2), the data model of Liao & Mahoney (2021, §4) for logistic regression.
    """
    d = check("d", d, Integer(1, None))
    P = check("P", P, Integer(1, None))
    noise = check("noise", noise, Real(0, None))
    teacher_norm = check("teacher_norm", teacher_norm, Real(0, None))
    if task not in ("regression", "logistic"):
        raise ParameterError("task", task, "{'regression', 'logistic'}")
    rng = np.random.default_rng(check("seed", seed, Integer(0, None)))
    w = rng.standard_normal(d)
    w *= teacher_norm / max(np.linalg.norm(w), 1e-300)
    X = rng.standard_normal((P, d))
    z = X @ w
    if task == "regression":
        y = (z + noise * rng.standard_normal(P))[:, None]
        return Dataset(X, y, "teacher_student", 0, {"d": d, "P": P, "task": task, "noise": noise,
                                                    "teacher": w.tolist(), "seed": seed})
    prob = 1.0 / (1.0 + np.exp(-z))
    y = (rng.random(P) < prob).astype(np.int64)
    return Dataset(X, y, "teacher_student", 2, {"d": d, "P": P, "task": task, "seed": seed,
                                                "teacher": w.tolist(), "teacher_norm": teacher_norm,
                                                "bayes_rate": float(np.mean(np.minimum(prob, 1 - prob)))
                                                if math.isfinite(prob.sum()) else None})

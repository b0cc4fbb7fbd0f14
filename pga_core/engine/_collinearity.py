"""Inputs that are (nearly) linear combinations of each other, found before a joint fit.

When one input is (almost) a weighted sum of others — a workout's duration and the minutes in
each heart-rate zone, which add up to it — a joint fit cannot tell their effects apart: any share
of the effect can move between them with the same fit, so "the effect of one, holding the others
fixed" is a number the data do not determine. Its bootstrap interval may even look narrow,
because the penalty, not the data, picks the split.

The check works on the standardised inputs (each column centred and divided by its standard
deviation), whose correlation matrix R has the *variance inflation factor* of each input on its
diagonal inverse: ``VIF_j = [R⁻¹]_jj = 1 / (1 − r²_j)``, r²_j being the share of input j's
variation explained by a linear fit on the others. ``VIF_j`` above :data:`VIF_LIMIT` (r²_j above
0.9) marks input j as (nearly) redundant. The redundant inputs are left out one at a time — the
most inflated first — until every remaining VIF is below the limit, so that the smallest set that
restores a well-posed fit goes. The condition number of the standardised design (the square root
of R's largest over smallest eigenvalue) is reported beside it.

Pure NumPy; nothing here knows about goals, behaviours or columns' names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "PARTNER_SHARE",
    "VIF_LIMIT",
    "Collinearity",
    "collinear_columns",
    "variance_inflation",
]

Array = NDArray[np.float64]

#: An input whose variance inflation factor is above this (r² on the others above 0.9) is left
#: out of a joint fit: the textbook threshold for "nearly a combination of the others".
VIF_LIMIT = 10.0
#: Eigenvalues of the correlation matrix below this (relative to its size) count as zero: an
#: exact combination, with an infinite inflation factor.
_EIGEN_FLOOR = 1e-12
#: A kept input "explains" a left-out one when its weight in the linear fit of the left-out
#: input on the kept ones is at least this share of the largest such weight.
PARTNER_SHARE = 0.2
#: Among inputs inflated alike (within this relative distance), the one that is correlated most
#: with all the others goes first: the sum rather than one of its parts.
_TIE_RTOL = 1e-6


@dataclass(frozen=True)
class Collinearity:
    """The result of :func:`collinear_columns`.

    Attributes
    ----------
    vif : array (d,) — each input's variance inflation factor among all d inputs (inf for an
        exact combination or a constant input).
    condition : the condition number of the standardised inputs (inf when singular).
    redundant : indices of the inputs to leave out, in the order they were found.
    explained_by : per left-out input, the indices of the kept inputs that explain it most.
    r2 : per left-out input, the share of its variation the kept inputs explain (1.0 exactly for
        an exact combination).
    limit : the VIF limit used.
    """

    vif: Array
    condition: float
    redundant: tuple[int, ...]
    explained_by: dict[int, tuple[int, ...]]
    r2: dict[int, float]
    limit: float

    @property
    def kept(self) -> tuple[int, ...]:
        """Indices of the inputs that stay, in order."""
        return tuple(j for j in range(len(self.vif)) if j not in self.redundant)

    @property
    def collinear(self) -> bool:
        """Whether any input had to be left out."""
        return bool(self.redundant)


def _correlation(X: Array) -> tuple[Array, NDArray[np.bool_]]:
    """The correlation matrix of the columns (d, d) and which columns are constant (d,)."""
    centred = X - X.mean(axis=0)
    sd = np.sqrt(np.mean(centred**2, axis=0))
    constant = ~(sd > 0)
    standardised = centred / np.where(constant, 1.0, sd)
    standardised[:, constant] = 0.0
    return standardised.T @ standardised / len(X), constant


def variance_inflation(X: Array) -> Array:
    """Each column's variance inflation factor among the columns of ``X``.

    Parameters
    ----------
    X : array, shape (n, d) — inputs in any units (they are standardised here).

    Returns
    -------
    array, shape (d,)
        ``1 / (1 − r²_j)``: 1 for an input unrelated to the others, inf for an exact linear
        combination of them or a constant input.
    """
    X = np.asarray(X, dtype=np.float64)
    d = X.shape[1]
    if d == 0:
        return np.zeros(0)
    corr, constant = _correlation(X)
    vif = np.full(d, np.inf)
    varying = np.flatnonzero(~constant)
    if varying.size == 0:
        return vif
    sub = corr[np.ix_(varying, varying)]
    values, vectors = np.linalg.eigh(sub)
    exact = values <= _EIGEN_FLOOR * max(1.0, float(values.max()))
    safe = np.where(exact, np.inf, values)
    inflation = (vectors**2 / safe).sum(axis=1)
    involved = (np.abs(vectors[:, exact]) > math.sqrt(_EIGEN_FLOOR)).any(axis=1)
    vif[varying] = np.where(involved, np.inf, np.maximum(inflation, 1.0))
    return vif


def _condition(X: Array) -> float:
    corr, constant = _correlation(X)
    if constant.any():
        return math.inf
    values = np.linalg.eigvalsh(corr)
    smallest = float(values.min())
    if smallest <= _EIGEN_FLOOR * max(1.0, float(values.max())):
        return math.inf
    return math.sqrt(float(values.max()) / smallest)


def _explanation(X: Array, target: int, kept: list[int]) -> tuple[tuple[int, ...], float]:
    """Which kept columns explain column ``target`` most, and the share they explain (r²)."""
    if not kept:
        return (), 0.0
    corr, constant = _correlation(X)
    if constant[target]:
        return (), 1.0
    usable = [k for k in kept if not constant[k]]
    if not usable:
        return (), 0.0
    weights, *_ = np.linalg.lstsq(corr[np.ix_(usable, usable)], corr[usable, target], rcond=None)
    r2 = float(np.clip(weights @ corr[usable, target], 0.0, 1.0))
    size = np.abs(weights)
    if size.max() <= 0:
        return (), r2
    order = np.argsort(-size, kind="stable")
    partners = tuple(usable[i] for i in order if size[i] >= PARTNER_SHARE * size.max())
    return partners, r2


def collinear_columns(
    X: Array, *, limit: float = VIF_LIMIT, keep: Iterable[int] = ()
) -> Collinearity:
    """The inputs to leave out of a joint fit so that no remaining one is (nearly) a linear
    combination of the others.

    Parameters
    ----------
    X : array, shape (n, d) — the inputs on the rows the fit uses, in any units.
    limit : the largest variance inflation factor allowed (:data:`VIF_LIMIT`).
    keep : indices never to leave out (an input a sub-goal models, say); when only those are
        inflated, they stay and the result still reports their VIF.

    Returns
    -------
    Collinearity
        Left out one at a time, the most inflated first (ties: the input most correlated with
        all the others, so the sum of several parts goes rather than one part), until every
        remaining input's VIF is at most ``limit``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"collinearity check: expected a 2-d array of inputs, got {X.ndim}-d")
    if not limit > 1:
        raise ValueError(f"collinearity check: the VIF limit must be above 1, got {limit}")
    protected = set(keep)
    d = X.shape[1]
    remaining = list(range(d))
    redundant: list[int] = []
    while len(remaining) > 1:
        vif = variance_inflation(X[:, remaining])
        candidates = [i for i, j in enumerate(remaining) if j not in protected and vif[i] > limit]
        if not candidates:
            break
        worst = max(vif[i] for i in candidates)
        tied = [
            i
            for i in candidates
            if vif[i] == worst or (math.isfinite(worst) and vif[i] >= worst * (1 - _TIE_RTOL))
        ]
        if len(tied) > 1:
            corr, _ = _correlation(X[:, remaining])
            togetherness = np.abs(corr).sum(axis=1)
            tied.sort(key=lambda i: -togetherness[i])
        redundant.append(remaining.pop(tied[0]))
    kept = [j for j in range(d) if j not in redundant]
    explained_by, r2 = {}, {}
    for j in redundant:
        explained_by[j], r2[j] = _explanation(X, j, kept)
    return Collinearity(
        vif=variance_inflation(X),
        condition=_condition(X) if d else 1.0,
        redundant=tuple(redundant),
        explained_by=explained_by,
        r2=r2,
        limit=float(limit),
    )

"""Our gradient-ascent routine: maximise ``fun`` for one problem or a batch of them at once.

Three step rules share one loop:

* **accelerated** (default): Nesterov momentum with a monotone safeguard and function-value
  restarts, steps from a backtracking estimate of the curvature, optionally in the metric of a fixed
  preconditioner ``P`` (an approximation of the inverse negative Hessian);
* **Newton-type** (``accelerate=False``): steps ``P g`` tried at full length first, with an Armijo
  backtracking line search. ``P`` is fixed, or a callable ``P(x)`` (e.g. the exact inverse
  negative Hessian) evaluated at every new iterate;
* **quasi-Newton** (``memory > 0``): the inverse curvature is built from the last ``memory`` steps
  and gradient changes (the L-BFGS two-loop recursion) on top of a fixed preconditioner if one is
  given, with the same Armijo line search.

A batch of independent problems (``x0`` of shape ``(B, d)``) advances together with array
operations: each problem keeps its own step size, momentum and stopping state, and a problem that
has converged is frozen while the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["AscentResult", "DivergenceError", "check_gradient", "gradient_ascent"]

#: ``fun(x) -> (value, gradient)``: a float for one problem ``x`` (d,), arrays for a batch.
Objective = Callable[[NDArray[np.float64]], tuple[float | NDArray[np.float64], NDArray[np.float64]]]
#: An objective on a batch (B, d) only: values (B,) and gradients (B, d).
_BatchObjective = Callable[[NDArray[np.float64]], tuple[NDArray[np.float64], NDArray[np.float64]]]
Preconditioner = NDArray[np.float64] | Callable[[NDArray[np.float64]], NDArray[np.float64]]
Exhausted = NDArray[np.bool_] | bool

#: Armijo constant for Newton-type steps, and the fraction of the model increase that an
#: accelerated step must reach (1/2 is the quadratic upper bound with curvature 1/step).
ARMIJO_NEWTON = 1e-4
ARMIJO_ACCELERATED = 0.5
#: Backtracking halves the step at most this many times per iteration before giving up.
MAX_BACKTRACKS = 60
#: After a successful accelerated step the next first try is this much longer.
STEP_GROWTH = 1.25
#: A fixed step that lowers the objective this many iterations running is diverging.
DIVERGENCE_PATIENCE = 10
#: Iterates larger than this are treated as divergence before they overflow.
MAX_ABS_X = 1e150
#: The objective gap is measured relative to max(|f|, RELATIVE_FLOOR * |f(x0)|).
RELATIVE_FLOOR = 1e-6
#: When no step increases the objective, the search has hit rounding noise if the gain it
#: predicted was at most this (relative); a larger predicted gain means a wrong gradient.
PRECISION_LIMIT = 1e-8
#: A curvature pair is kept only if sᵀy exceeds this fraction of ‖s‖‖y‖ (positive curvature).
CURVATURE_MIN_COSINE = 1e-10


class DivergenceError(ArithmeticError):
    """The iterates or the objective ran away (non-finite or growing without bound)."""


@dataclass(frozen=True)
class AscentResult:
    """What :func:`gradient_ascent` found.

    For a single problem the fields are scalars and ``x``/``history`` are 1-D; for a batch of B
    problems each field has a leading axis of length B.

    Attributes
    ----------
    x : array, shape (d,) or (B, d) — the maximiser found.
    value : float or array (B,) — the objective at ``x``.
    grad_norm : float or array (B,) — Euclidean norm of the gradient at ``x``.
    n_iter : int or array (B,) — iterations used.
    converged : bool or array (B,) — whether the stopping rule was met before ``max_iter``.
    history : array, shape (n_iter + 1,) or (B, T) — objective at the start and after every
        iteration (a batch's rows are padded with their final value after they stop).
    """

    x: NDArray[np.float64]
    value: float | NDArray[np.float64]
    grad_norm: float | NDArray[np.float64]
    n_iter: int | NDArray[np.int64]
    converged: bool | NDArray[np.bool_]
    history: NDArray[np.float64]


def gradient_ascent(
    fun: Objective,
    x0: ArrayLike,
    *,
    precondition: Preconditioner | None = None,
    step: float | None = None,
    accelerate: bool | None = None,
    memory: int = 0,
    max_iter: int = 1000,
    tol: float = 1e-10,
) -> AscentResult:
    """Maximise ``fun`` by (preconditioned, accelerated) gradient ascent.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (value, gradient)``. For ``x`` of shape (d,) it returns a float and an array
        (d,); for a batch ``x`` of shape (B, d) it returns arrays (B,) and (B, d).
    x0 : array, shape (d,) or (B, d)
        Starting point(s).
    precondition : array or callable, optional
        Symmetric positive definite ``P`` approximating the inverse negative Hessian, shape (d, d)
        (shared) or (B, d, d); or a callable ``x -> P(x)`` evaluated at every iterate, which makes
        the steps Newton-type. The search direction is ``P @ gradient``.
    step : float, optional
        A fixed step length (no line search). Left as None, the step is found by backtracking.
    accelerate : bool, optional
        Nesterov momentum with curvature-estimating steps (True), or Newton-type full steps with
        an Armijo line search (False). Defaults to True unless ``precondition`` or ``memory``
        is given.
    memory : int
        If positive, take quasi-Newton steps from the curvature of the last ``memory`` iterations,
        starting from a fixed ``precondition`` matrix if one is given (not a callable).
    max_iter : int
        Iteration budget per problem.
    tol : float
        Stop when the estimated objective gap ``½ gᵀ P g`` is at most ``tol`` times
        ``max(|f|, 1e-6 |f(x0)|)``; ``P`` is the preconditioner, the quasi-Newton inverse
        curvature with ``memory``, or ``step·I`` otherwise. With the exact inverse Hessian as
        ``P`` this is the true gap of a quadratic, and its second-order estimate elsewhere.

    Returns
    -------
    AscentResult

    Raises
    ------
    DivergenceError
        The objective or the iterates became non-finite, a fixed step kept lowering the
        objective, or the line search found no increase along the ascent direction.
    ValueError
        ``x0`` is not 1-D or 2-D, or ``fun(x0)`` is not finite.
    """
    x0 = np.asarray(x0, dtype=np.float64)
    if x0.ndim not in (1, 2) or x0.shape[-1] == 0:
        raise ValueError(f"x0 must have shape (d,) or (B, d) with d ≥ 1, got {x0.shape}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    if memory and callable(precondition):
        raise ValueError("quasi-Newton memory starts from a fixed preconditioner, not a callable")
    single = x0.ndim == 1
    state = _Ascent(
        _batched(fun, single), np.atleast_2d(x0).copy(), precondition, step, accelerate, tol, memory
    )
    state.run(max_iter)
    return state.result(single)


def check_gradient(
    fun: Objective, x: ArrayLike, *, eps: float = 1e-6
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The gradient ``fun`` reports at ``x`` and its central finite-difference estimate.

    Returns
    -------
    analytic, numeric : arrays with the shape of ``x`` (a single problem, shape (d,)).
    """
    x = np.asarray(x, dtype=np.float64)
    _, analytic = fun(x)
    numeric = np.empty_like(x)
    for i in range(x.size):
        shift = np.zeros_like(x)
        shift.flat[i] = eps
        numeric.flat[i] = (fun(x + shift)[0] - fun(x - shift)[0]) / (2 * eps)
    return np.asarray(analytic, dtype=np.float64), numeric


def _batched(fun: Objective, single: bool) -> _BatchObjective:
    """Wrap ``fun`` so that it always takes (B, d) and returns (B,), (B, d)."""
    if not single:
        return cast(_BatchObjective, fun)  # on a batch it returns arrays

    def wrapped(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        value, grad = fun(x[0])
        return np.atleast_1d(np.asarray(value, dtype=np.float64)), np.atleast_2d(grad)

    return wrapped


class _Ascent:
    """The iteration state of a batch of problems (rows)."""

    def __init__(
        self,
        fun: _BatchObjective,
        x0: NDArray[np.float64],
        precondition: Preconditioner | None,
        step: float | None,
        accelerate: bool | None,
        tol: float,
        memory: int,
    ) -> None:
        self.fun = fun
        self.memory: _CurvatureMemory | None = None
        self.precondition = precondition
        self.fixed_step = step
        if accelerate is None:
            accelerate = precondition is None and memory <= 0
        self.accelerate = accelerate
        self.newton = not accelerate
        self.tol = tol
        self.x = x0
        self.f, self.g = self._evaluate(x0)
        if not (np.isfinite(self.f).all() and np.isfinite(self.g).all()):
            raise ValueError("the objective or its gradient is not finite at the starting point")
        n_problems = len(x0)
        self.scale_floor = RELATIVE_FLOOR * np.abs(self.f) + np.finfo(float).tiny
        self.P = self._precondition_at(self.x)
        if memory > 0:
            self.memory = _CurvatureMemory(memory, n_problems, x0.shape[1], self.P)
        self.t = np.full(n_problems, 1.0) if step is None else np.full(n_problems, float(step))
        if step is None and precondition is None and memory <= 0:
            self.t = self._initial_step()
        self.x_prev = self.x.copy()
        self.momentum_k = np.zeros(n_problems)
        self.n_iter = np.zeros(n_problems, dtype=np.int64)
        self.worse_streak = np.zeros(n_problems, dtype=np.int64)
        self.converged = self._gap_small()
        self.history = [self.f.copy()]

    def _evaluate(self, x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        value, grad = self.fun(x)
        return np.asarray(value, dtype=np.float64).reshape(len(x)), np.asarray(grad, np.float64)

    def _precondition_at(self, x: NDArray[np.float64]) -> NDArray[np.float64] | None:
        if self.precondition is None:
            return None
        P = self.precondition(x) if callable(self.precondition) else self.precondition
        return np.asarray(P, dtype=np.float64)

    def _direction(self, g: NDArray[np.float64], P: NDArray[np.float64] | None) -> NDArray:
        if self.memory is not None:
            return self.memory.apply(g)
        if P is None:
            return g
        return _apply(P, g)

    def _initial_step(self) -> NDArray[np.float64]:
        """A first step from a finite-difference probe of the curvature along the gradient."""
        g_norm = np.linalg.norm(self.g, axis=1)
        probe = 1e-4 / np.maximum(g_norm, 1e-12)
        f_probe, g_probe = self._evaluate(self.x + probe[:, None] * self.g)
        change = np.linalg.norm(g_probe - self.g, axis=1) / np.maximum(probe * g_norm, 1e-300)
        ok = np.isfinite(change) & (change > 0) & np.isfinite(f_probe)
        return np.where(ok, 1.0 / np.where(ok, change, 1.0), 1.0)

    def _gap_small(self) -> NDArray[np.bool_]:
        """Whether each problem's estimated gap is within tolerance; keeps the direction at x."""
        self.direction = self._direction(self.g, self.P)
        self.gap = 0.5 * _row_dot(self.g, self.direction)
        if self.P is None and self.memory is None:
            self.gap *= self.t
        return self.gap <= self.tol * np.maximum(np.abs(self.f), self.scale_floor)

    def run(self, max_iter: int) -> None:
        for _ in range(max_iter):
            if self.converged.all():
                return
            self._iterate()
            self.history.append(self.f.copy())

    def _iterate(self) -> None:
        active = ~self.converged
        if self.accelerate:
            y, f_y, g_y, direction = self._momentum_point(active)
        else:
            y, f_y, g_y, direction = self.x, self.f, self.g, self.direction
        x_new, f_new, g_new, exhausted = self._line_search(y, f_y, g_y, direction, active)

        improved = f_new >= self.f
        if self.fixed_step is None:
            # Monotone safeguard: a momentum step that lost ground is undone and momentum restarts.
            accept = active & improved
        else:
            accept = active
            self.worse_streak = np.where(active & ~improved, self.worse_streak + 1, 0)
            if (self.worse_streak >= DIVERGENCE_PATIENCE).any():
                raise DivergenceError(
                    f"gradient ascent diverged: with the fixed step {self.fixed_step:g} the "
                    f"objective fell {DIVERGENCE_PATIENCE} iterations running; use a smaller step "
                    "or leave step=None for the line search"
                )
        if self.memory is not None:
            self.memory.record(x_new - self.x, self.g - g_new, accept)
        if self.accelerate:
            # Momentum continues from where accepted rows came from; rejected rows restart.
            self.x_prev = self.x
            self.momentum_k = np.where(accept, self.momentum_k + 1, 0.0)
        if accept.all():
            self.x, self.f, self.g = x_new, f_new, g_new
        else:
            self.x = _pick(accept, x_new, self.x)
            self.f = _pick(accept, f_new, self.f)
            self.g = _pick(accept, g_new, self.g)
        self.n_iter += active
        # A search that cannot improve on the objective at machine precision has converged. The
        # gap is first estimated with the curvature of the previous iterate: near the optimum it
        # barely changes, and a final, unused curvature evaluation is saved.
        self.converged |= active & (exhausted | self._gap_small())
        if callable(self.precondition):
            refresh = accept & ~self.converged
            if not refresh.any():
                return
            fresh = self._precondition_at(self.x)
            assert fresh is not None  # a callable preconditioner gives arrays
            if refresh.all():
                self.P = fresh
            else:
                kept = self._expand(self.P)
                assert kept is not None
                self.P = np.where(refresh[:, None, None], fresh, kept)
            self.converged |= active & self._gap_small()

    def _momentum_point(
        self, active: NDArray[np.bool_]
    ) -> tuple[NDArray, NDArray, NDArray, NDArray]:
        """The extrapolated point y = x + β (x − x_prev), its value, gradient and direction."""
        beta = np.where(active, self.momentum_k / (self.momentum_k + 3.0), 0.0)
        if not (beta > 0).any():
            return self.x, self.f, self.g, self.direction
        y = self.x + beta[:, None] * (self.x - self.x_prev)
        f_y, g_y = self._evaluate(y)
        fall_back = (beta == 0) | ~(np.isfinite(f_y) & np.isfinite(g_y).all(axis=1))
        y[fall_back], f_y[fall_back], g_y[fall_back] = (
            self.x[fall_back],
            self.f[fall_back],
            self.g[fall_back],
        )
        return y, f_y, g_y, self._direction(g_y, self.P)

    def _expand(self, P: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        if P is None or P.ndim == 3:
            return P
        return np.broadcast_to(P, (len(self.x), *P.shape))

    def _line_search(
        self,
        y: NDArray[np.float64],
        f_y: NDArray[np.float64],
        g_y: NDArray[np.float64],
        direction: NDArray[np.float64],
        active: NDArray[np.bool_],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], Exhausted]:
        """Backtrack from the current step until the increase is sufficient (per problem).

        Also returns which problems could not increase the objective beyond rounding noise
        (False: none).
        """
        slope = _row_dot(g_y, direction)
        c = ARMIJO_NEWTON if self.newton else ARMIJO_ACCELERATED
        if self.newton:
            self.t = np.ones_like(self.t)
        predicted_gain = self.t * slope
        pending = active  # copied before the first backtrack changes it
        x_new, f_new, g_new = y, f_y, g_y
        exhausted: Exhausted = False
        for attempt in range(MAX_BACKTRACKS):
            # A Newton-type step is tried at full length first.
            trial = (
                y + direction if self.newton and attempt == 0 else y + self.t[:, None] * direction
            )
            if (
                np.abs(trial).max() > MAX_ABS_X
                and np.abs(trial[pending]).max(initial=0.0) > MAX_ABS_X
            ):
                self._diverged("the iterates grew beyond 1e150")
            f_t, g_t = self._evaluate(trial)
            gain = f_t - f_y
            # Finite iff the objective and every gradient entry are (f_y is finite).
            finite = np.isfinite(gain + g_t.sum(axis=1))
            if self.fixed_step is not None:
                if not finite[pending].all():
                    self._diverged("the objective became non-finite")
                ok = pending
            else:
                ok = pending & finite & (gain > 0) & (gain >= c * self.t * slope)
            if attempt == 0 and ok[pending].all():
                # The common case: every first try is accepted (rows not searched are ignored).
                x_new, f_new, g_new = trial, f_t, g_t
                break
            if attempt == 0:
                x_new, f_new, g_new = y.copy(), f_y.copy(), g_y.copy()
                pending = active.copy()
            x_new[ok], f_new[ok], g_new[ok] = trial[ok], f_t[ok], g_t[ok]
            pending &= ~ok
            if not pending.any():
                break
            self.t[pending] *= 0.5
        else:
            limit = PRECISION_LIMIT * np.maximum(np.abs(f_y), self.scale_floor)
            exhausted = pending & (predicted_gain <= limit)
            if (pending & ~exhausted).any():
                raise DivergenceError(
                    "the line search found no increase along the ascent direction; the gradient "
                    "returned by the objective may be wrong (check it with check_gradient)"
                )
        if self.fixed_step is None and not self.newton:
            self.t = np.where(active, self.t * STEP_GROWTH, self.t)
        return x_new, f_new, g_new, exhausted

    def _diverged(self, what: str) -> None:
        hint = (
            f"the fixed step {self.fixed_step:g} is too large for this problem; use a smaller one "
            "or leave step=None for the line search"
            if self.fixed_step is not None
            else "check that the objective is bounded above"
        )
        raise DivergenceError(
            f"gradient ascent diverged at iteration {int(self.n_iter.max()) + 1}: {what}; {hint}"
        )

    def result(self, single: bool) -> AscentResult:
        history = np.stack(self.history, axis=1)
        grad_norm = np.linalg.norm(self.g, axis=1)
        if single:
            n = int(self.n_iter[0])
            return AscentResult(
                self.x[0],
                float(self.f[0]),
                float(grad_norm[0]),
                n,
                bool(self.converged[0]),
                history[0, : n + 1],
            )
        return AscentResult(self.x, self.f, grad_norm, self.n_iter, self.converged, history)


class _CurvatureMemory:
    """The last steps and gradient changes of each problem, applied as an inverse curvature.

    Pairs are ``s = x_new − x`` and ``y = g − g_new`` (the change of the gradient of −f), kept in a
    ring shared by the batch; a pair without positive curvature is stored with weight zero. The
    starting inverse curvature H₀ is the fixed preconditioner ``P`` (symmetric), or the scale
    ``sᵀy / yᵀy`` of the newest kept pair.
    """

    def __init__(
        self, size: int, n_problems: int, n_params: int, P: NDArray[np.float64] | None
    ) -> None:
        self.P = P
        self.S = np.zeros((size, n_problems, n_params))
        self.Y = np.zeros((size, n_problems, n_params))
        self.rho = np.zeros((size, n_problems))
        self.gamma = np.ones(n_problems)
        self.newest = -1
        self.stored = 0

    def record(self, s: NDArray, y: NDArray, accepted: NDArray[np.bool_]) -> None:
        sy, yy = _row_dot(s, y), _row_dot(y, y)
        keep = accepted & (sy > CURVATURE_MIN_COSINE * np.sqrt(_row_dot(s, s) * yy))
        if not keep.all():
            s, y = np.where(keep[:, None], s, 0.0), np.where(keep[:, None], y, 0.0)
            sy, yy = np.where(keep, sy, 1.0), np.where(keep, yy, 1.0)
        self.newest = (self.newest + 1) % len(self.S)
        self.stored = min(self.stored + 1, len(self.S))
        self.S[self.newest], self.Y[self.newest] = s, y
        self.rho[self.newest] = np.where(keep, 1.0 / sy, 0.0)
        self.gamma = np.where(keep, sy / yy, self.gamma)

    def apply(self, g: NDArray) -> NDArray:
        """The two-loop recursion: an approximation of (−∇²f)⁻¹ g for each problem (B, d)."""
        order = [(self.newest - i) % len(self.S) for i in range(self.stored)]
        q = g.copy()
        alphas = []
        for i in order:
            alpha = self.rho[i] * _row_dot(self.S[i], q)
            q -= alpha[:, None] * self.Y[i]
            alphas.append(alpha)
        r = self.gamma[:, None] * q if self.P is None else _apply(self.P, q)
        for i, alpha in zip(reversed(order), reversed(alphas), strict=True):
            r += (alpha - self.rho[i] * _row_dot(self.Y[i], r))[:, None] * self.S[i]
        return r


def _row_dot(a: NDArray, b: NDArray) -> NDArray:
    """``a[k] · b[k]`` for each row: (B, d), (B, d) → (B,)."""
    return np.einsum("bi,bi->b", a, b)


def _apply(P: NDArray[np.float64], g: NDArray[np.float64]) -> NDArray[np.float64]:
    """``P g`` for each row of g (B, d); P is shared (d, d) or one per row (B, d, d)."""
    if P.ndim == 2:
        return g @ P
    return (P @ g[:, :, None])[:, :, 0]


def _pick(mask: NDArray[np.bool_], new: NDArray, old: NDArray) -> NDArray:
    """Rows of ``new`` where ``mask`` holds, else of ``old`` (``new`` itself when all hold)."""
    if mask.all():
        return new
    return np.where(mask.reshape(-1, *([1] * (new.ndim - 1))), new, old)

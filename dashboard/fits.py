"""Goal-tree fits at the page edge, shared by the Goals and Personal gradient pages.

Where a fit lives:

- On the person's own data, a fit is saved in the workspace (``save_fit``, JSON) under its
  tree's name, with the tree itself, so that later visits show it without refitting. Each
  session keeps the fits it has read or made, so a slider move does not read them again.
- While the sample person is shown (an empty workspace), fits live in this session only:
  nothing derived from the sample is ever written into the person's workspace.

Every fit is filed under the data it belongs to (the sample, or the workspace's imports, and
the date range in use), so that a fit of other data is never shown as if it were of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard import session
from pga_core import views
from pga_core.goals import GoalTree, TreeFit, fit_tree
from pga_core.views import escape_markdown

#: Bootstrap resamples of a fit unless the person (or a test) sets ``fit_n_boot``.
N_BOOT = 200
_SAMPLE_KEY = ("sample",)
#: Where a saved fit records the date range it was fitted on (absent: all days).
_DAYS_FIELD = "days"


@dataclass(frozen=True)
class KeptFit:
    """A fit this session can show.

    Attributes
    ----------
    fit : the fitted tree.
    current : False when it was fitted on other imports than the workspace has now; None when
        it does not say (the command line's fits).
    saved : True when it is in the workspace (False: this session only).
    """

    fit: TreeFit
    current: bool | None
    saved: bool


def init() -> None:
    """Session-state defaults of fitting (both pages call this)."""
    session.init_state(fit_n_boot=N_BOOT, fits_kept={}, fits_last_name=None)


def data_key(active: views.ActiveData) -> tuple[Any, ...]:
    """Which data a fit belongs to: the sample, or the workspace at its current imports; and
    the date range (last)."""
    path, revision, days = session.data_key()
    if active.is_sample:
        return (*_SAMPLE_KEY, days)
    return (path, revision, days)


def _kept() -> dict[tuple[Any, ...], dict[str, KeptFit]]:
    return st.session_state.fits_kept


def find(active: views.ActiveData, name: str) -> KeptFit | None:
    """The fit of the tree ``name`` for the active data: kept by this session, else (own data
    only) read from the workspace; None when there is none."""
    key = data_key(active)
    kept = _kept().setdefault(key, {})
    if name in kept or active.is_sample:
        return kept.get(name)
    document = session.workspace().load_fit(name)
    if document is None:
        return None
    try:
        fit = views.fit_from_document(document)
    except ValueError as error:
        st.warning(escape_markdown(f"Saved fit of {name!r}: {error}"), icon=":material/warning:")
        return None
    imports = views.fitted_imports(document)
    current = None if imports is None else imports == key[1] and _fitted_days(document) == key[2]
    kept[name] = KeptFit(fit=fit, current=current, saved=True)
    return kept[name]


def _fitted_days(document: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """The date range a saved fit was fitted on (None: all days, as every fit before ranges)."""
    days = document.get(views.DATA_KEY, {}).get(_DAYS_FIELD)
    return None if days is None else (days[0], days[1])


def say_if_stale(kept: KeptFit) -> None:
    """Under a fit: a warning when the data changed since, a note when it cannot be told."""
    if kept.current is False:
        st.warning(
            "Your data changed since this fit (imports added or removed, or other days chosen): "
            "fit the tree again to update it.",
            icon=":material/update:",
        )
    elif kept.current is None:
        st.caption(
            "This fit does not record which imports it was fitted on (fits made by the command "
            "line do not): fit it again here to be sure it covers all your data."
        )


def names(active: views.ActiveData) -> list[str]:
    """The trees with a fit for the active data, sorted."""
    found = set(_kept().get(data_key(active), {}))
    if not active.is_sample:
        found.update(n for n in session.workspace().goal_names() if find(active, n) is not None)
    return sorted(found)


def run(active: views.ActiveData, name: str, tree: GoalTree) -> TreeFit | None:
    """Fit ``tree`` with a progress bar; keep the fit (and on own data save it and the tree
    under ``name``). Shows the reason and returns None when it cannot be fitted."""
    with st.status("Fitting…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")
        try:
            fit = fit_tree(
                tree,
                active.daily,
                n_boot=int(st.session_state.fit_n_boot),
                progress=lambda fraction, text: bar.progress(
                    min(max(fraction, 0.0), 1.0), text=escape_markdown(text)
                ),
            )
        except ValueError as error:
            status.update(label="Not fitted", state="error")
            st.error(escape_markdown(error), icon=":material/error:")
            return None
        key = data_key(active)
        if not active.is_sample:
            workspace = session.workspace()
            workspace.save_goals(name, tree.to_json())
            document = views.fit_document(fit, imports=key[1])
            if key[2] is not None:
                document[views.DATA_KEY][_DAYS_FIELD] = list(key[2])
            workspace.save_fit(name, document)
        status.update(label="Fitted", state="complete", expanded=False)
    _kept().setdefault(key, {})[name] = KeptFit(fit=fit, current=True, saved=not active.is_sample)
    st.session_state.fits_last_name = name
    return fit

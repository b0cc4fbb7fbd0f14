"""Personal Gradient Ascent: the engine behind the dashboard (never imports Streamlit).

The engine is a stack of sub-packages; each one's ``__init__`` is the one public home of its
names, and each imports only from the layers below it:

- :mod:`pga_core.words` — number formats, signs, lag wording and plurals shared by the views and
  the command line (imports nothing of ours).
- :mod:`pga_core.engine` — our gradient ascent, the goal models and block-bootstrap resampling.
- :mod:`pga_core.data` — the daily table, feature expressions and the workspace;
  :mod:`pga_core.data.readers` reads each export format into the daily table.
- :mod:`pga_core.stats` — behaviour statistics: impact, lag scan, habits, lagged correlations.
- :mod:`pga_core.goals` — goal trees: the tree as written, its fit and the personal gradient.
- :mod:`pga_core.sample` — the synthetic sample person and their exports.
- :mod:`pga_core.views` — what each dashboard page shows, and the charts.
- :mod:`pga_core.cli` — the command line (``python -m pga_core``).
"""

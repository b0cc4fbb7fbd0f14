"""A person's data: the one daily table, feature expressions and the local workspace.

- ``_daily``: :class:`DailyData`, the day-indexed table with its column registry, and merging.
- ``_features``: feature expressions (``"alcohol@lag1"``, ``"zone5_min@sum28"``).
- ``_workspace``: :class:`Workspace`, the SQLite file with atomic, idempotent imports.
- :mod:`pga_core.data.readers`: one reader per export format, each giving a daily table.

Flow: files → readers → daily table → workspace → features.
"""

from pga_core.data._daily import (
    AGGREGATIONS,
    KINDS,
    SOURCE_PRIORITY,
    DailyData,
    Variable,
    merge_daily,
    slugify,
)
from pga_core.data._features import (
    SUM_MIN_SHARE,
    TRANSFORMS,
    Feature,
    feature_frame,
    max_lag_window,
    parse_feature,
    sustained_factor,
)
from pga_core.data._workspace import (
    DEFAULT_WORKSPACE,
    READ_SHARE,
    WORKSPACE_ENV,
    FormatImport,
    ImportSummary,
    Workspace,
    default_workspace_path,
)

__all__ = [
    "AGGREGATIONS",
    "DEFAULT_WORKSPACE",
    "KINDS",
    "READ_SHARE",
    "SOURCE_PRIORITY",
    "SUM_MIN_SHARE",
    "TRANSFORMS",
    "WORKSPACE_ENV",
    "DailyData",
    "Feature",
    "FormatImport",
    "ImportSummary",
    "Variable",
    "Workspace",
    "default_workspace_path",
    "feature_frame",
    "max_lag_window",
    "merge_daily",
    "parse_feature",
    "slugify",
    "sustained_factor",
]

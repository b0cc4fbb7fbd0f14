"""The sample person: a synthetic self-tracker with planted, documented effects.

- ``_person``: :func:`generate_person` simulates the person (pure numpy and pandas).
- ``_exports``: :func:`write_sample` writes their exports in the real formats.
- ``_apps``: :func:`loop_export`, :func:`daylio_export`, :func:`bearable_export` and
  :func:`write_app_exports`: their habit and mood apps' exports, with the daily table each gives.
- ``_formats``: the headers, record types and time zones they share.
"""

from pga_core.sample._apps import (
    AppExport,
    bearable_export,
    daylio_export,
    loop_export,
    write_app_exports,
)
from pga_core.sample._exports import (
    APPLE_EXPORT_HEADER,
    write_sample,
)
from pga_core.sample._person import (
    DEFAULT_JOURNAL_QUESTIONS,
    QUESTIONS,
    Question,
    SamplePerson,
    generate_person,
    planted_truth,
)

__all__ = [
    "APPLE_EXPORT_HEADER",
    "DEFAULT_JOURNAL_QUESTIONS",
    "QUESTIONS",
    "AppExport",
    "Question",
    "SamplePerson",
    "bearable_export",
    "daylio_export",
    "generate_person",
    "loop_export",
    "planted_truth",
    "write_app_exports",
    "write_sample",
]

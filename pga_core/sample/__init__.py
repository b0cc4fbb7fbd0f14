"""The sample person: a synthetic self-tracker with planted, documented effects.

- ``_person``: :func:`generate_person` simulates the person (pure numpy and pandas).
- ``_exports``: :func:`write_sample` writes their exports in the real formats.
- ``_formats``: the headers, record types and time zones both share.
"""

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
    "Question",
    "SamplePerson",
    "generate_person",
    "planted_truth",
    "write_sample",
]

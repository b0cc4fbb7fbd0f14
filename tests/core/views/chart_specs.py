"""Reading Vega-Lite specifications (``chart.to_dict()``) in the chart tests."""

from __future__ import annotations


def titles(node: object) -> list[object]:
    """Every ``title`` in a specification (chart, axis and legend titles)."""
    if isinstance(node, dict):
        found = [node["title"]] if "title" in node else []
        return found + [t for value in node.values() for t in titles(value)]
    if isinstance(node, list):
        return [t for value in node for t in titles(value)]
    return []

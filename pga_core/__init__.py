"""Personal Gradient Ascent: the engine behind the dashboard (never imports Streamlit)."""

from pga_core.daily import DailyData, Variable

__all__ = ["DailyData", "Variable"]

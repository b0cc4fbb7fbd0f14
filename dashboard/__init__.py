"""The Streamlit side its pages share: the workspace, the cached data, goal-tree fits.

Pages in ``app_pages/`` call these one step at a time; everything they compute is a
``pga_core`` call.
"""

"""Streamlit entry point: routes to the pages, nothing else."""

import streamlit as st

st.set_page_config(page_title="Personal Gradient Ascent", page_icon="⛰️", layout="wide")
router = st.navigation(
    [
        st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:", default=True),
        st.Page("app_pages/behaviours.py", title="Behaviours", icon=":material/insights:"),
        st.Page("app_pages/goals.py", title="Goals", icon=":material/flag:"),
        st.Page("app_pages/gradient.py", title="Personal gradient", icon=":material/trending_up:"),
        st.Page("app_pages/experiments.py", title="Experiments", icon=":material/science:"),
    ]
)
router.run()

"""Behaviours page."""

import streamlit as st

st.title("Behaviours")
st.caption(
    "What each yes/no behaviour and numeric habit does to an outcome, with honest intervals."
)
st.info("This page is not built yet: nothing here is computed from your data.")

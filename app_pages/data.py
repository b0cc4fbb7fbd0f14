"""Data page."""

import streamlit as st

st.title("Data")
st.caption("Import your exports, see what was recognised and how much of each variable you have.")
st.info("This page is not built yet: nothing here is computed from your data.")

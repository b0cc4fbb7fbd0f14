"""Goals page."""

import streamlit as st

st.title("Goals")
st.caption("Your goals as a tree of models trained by gradient ascent.")
st.info("This page is not built yet: nothing here is computed from your data.")

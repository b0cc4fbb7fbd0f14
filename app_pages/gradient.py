"""Personal gradient page."""

import streamlit as st

st.title("Personal gradient")
st.caption("Which behaviours to change, and which way, for the biggest gain on your top goal.")
st.info("This page is not built yet: nothing here is computed from your data.")

"""Streamlit entry point: the server with its guards, and the routes to the pages.

``streamlit run app.py`` finds ``app`` below, Streamlit's server with the guards of
:mod:`dashboard.server` in front, and serves the pages through it; it then runs this same file as
the page script, named ``__main__``, where it only routes.
"""

import streamlit as st

if __name__ == "__main__":
    from dashboard import session

    st.set_page_config(page_title="Personal Gradient Ascent", page_icon="⛰️", layout="wide")
    # Once the person has data, the Overview comes first; while only the sample person is
    # shown, the Data page does (the first thing to do is import), the Overview right after.
    own = session.has_own_data()
    data = st.Page(
        "app_pages/data.py", title="Data", icon=":material/upload_file:", default=not own
    )
    overview = st.Page(
        "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=own
    )
    router = st.navigation(
        [
            *([overview, data] if own else [data, overview]),
            st.Page("app_pages/behaviours.py", title="Behaviours", icon=":material/insights:"),
            st.Page("app_pages/goals.py", title="Goals", icon=":material/flag:"),
            st.Page(
                "app_pages/gradient.py", title="Personal gradient", icon=":material/trending_up:"
            ),
            st.Page("app_pages/experiments.py", title="Experiments", icon=":material/science:"),
        ]
    )
    session.date_range_control()  # drawn here, around every page, so that it keeps its state
    router.run()
else:  # imported by the server: build it (it runs this file again as the page script)
    from dashboard.server import middleware

    app = st.App(__file__, middleware=middleware())

"""UI logic for the Streamlit app: importable, testable without a browser.

Page scripts in ``app_pages/`` stay thin and call into these modules; nothing in
``matcher/`` imports from here.
"""

"""How tables and focus look: the columns a person decides on fit a 1280 px laptop.

Streamlit's grid wraps text only in rows taller than 4 rem (64 px), so tables whose titles
or reasons are long use :data:`WRAPPED_ROW_PX` rows (four lines; more is cut at a line) and narrow text columns;
a cell's full text opens with Enter or a double click on it. Widths are in CSS pixels: at
1280x800 with the sidebar open the main column is 820 px wide, the row-selection boxes take
33 of them, so the deciding columns of a table add up to at most :data:`LAPTOP_TABLE_PX`.
"""

from __future__ import annotations

__all__ = ["FOCUS_CSS", "LAPTOP_TABLE_PX", "WRAPPED_ROW_PX"]

WRAPPED_ROW_PX = 76
LAPTOP_TABLE_PX = 760

# Keyboard focus must be visible (WCAG 2.4.7). Streamlit's own rings cover links and buttons;
# its text fields, select boxes, date fields and sliders only change a 1 px border colour and
# its toggles, checkboxes and radio options show nothing, so those get the same ring.
# Selectors use Streamlit's test ids and ``:has(:focus-visible)`` (no user text is involved).
FOCUS_CSS = """
<style>
[data-testid="stSidebarNav"] a:focus-visible,
button:focus-visible,
summary:focus-visible,
[role="tab"]:focus-visible,
[data-testid="stTextInputRootElement"]:has(input:focus-visible),
[data-testid="stNumberInputContainer"]:has(input:focus-visible),
[data-testid="stTextAreaRootElement"]:has(textarea:focus-visible),
[data-testid="stDateInputField"]:has(:focus-visible),
.react-aria-ComboBox:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible),
[data-testid="stRadioOption"]:has(input:focus-visible),
[data-testid="stSlider"] div:has(> div > input[type="range"]:focus-visible),
[data-testid="stDataFrame"]:focus-within,
[data-testid="stFileUploaderDropzone"]:focus-within {
    outline: 3px solid #1565c0 !important;
    outline-offset: 2px;
}
</style>
"""

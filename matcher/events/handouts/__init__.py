"""What people carry into a roundtable: the event workbook, one-page donor briefs, CSV tables.

The functions take plain frames and a mapping (inputs described in
:mod:`matcher.events.handouts.tables`) and return bytes, ready for ``st.download_button``.
"""

from matcher.events.handouts.brief import donor_brief_pdf, event_briefs_pdf
from matcher.events.handouts.tables import proposal_table, schedule_table
from matcher.events.handouts.workbook import event_workbook

__all__ = [
    "donor_brief_pdf",
    "event_briefs_pdf",
    "event_workbook",
    "proposal_table",
    "schedule_table",
]

"""LifeWeb events: roundtables from invitation to pledge.

``matcher.events.schedule`` places donor x delegation meetings in slots and tables;
``matcher.events.handouts`` writes what people carry into the room (workbook, briefs).
"""

"""LifeWeb events: roundtables from invitation to pledge.

``matcher.events.pipeline`` turns an event's stored list and pipeline log into the event
list (score, explanation, decision, stage per donor-proposal pair) and its totals;
``matcher.events.plan`` plans an event's open requests with the budgets brought to it;
``matcher.events.schedule`` places donor x delegation meetings in slots and tables;
``matcher.events.handouts`` writes what people carry into the room (workbook, briefs).
The event itself is stored by :mod:`matcher.store` (``Store.create_event`` and friends).
"""

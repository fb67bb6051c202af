"""Co-funding plan: who pays for what across the open funding gaps, and what if."""

from ui import plan

plan.render()

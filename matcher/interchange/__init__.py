"""Data others publish, in and out: IATI activity XML and countries' GBF national targets.

``iati_read`` turns an IATI 2.03 activity file into the table :func:`matcher.load.load`
normalises (proposals or funding history); ``iati_write`` writes funded proposals and their
pledges as IATI XML valid against the shipped 2.03 schema; ``iati_prior`` gives donors with
no LifeWeb history a cold-start prior from their IATI activities; ``national_targets`` reads
an Online Reporting Tool national-targets export and says which targets a proposal serves.
"""

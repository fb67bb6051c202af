"""How a file comes in: header words, column mapping, header fingerprints, generated ids.

The reading steps :mod:`matcher.read` and :mod:`matcher.load` call into; the public
names are re-exported by :mod:`matcher.load`.
"""

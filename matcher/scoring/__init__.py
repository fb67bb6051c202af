"""Scoring, in the order it runs: ``text`` -> ``features`` -> ``components`` -> ``score_set``.

``text`` folds and vectorises text (word and character TF-IDF); ``features`` turns each side
into arrays (proposal features, donor vectors); ``components`` computes the six component
matrices; ``score_set`` keeps them as one float32 stack that re-weights with one weighted sum
and ranks both ways; ``chunks`` scores any number of proposals in chunks over processes.
"""

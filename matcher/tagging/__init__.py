"""The target tagger's parts: text and lexicon, targets and crosswalk, the encoder path,
reviewer flags, NBSAP citations and evaluation. ``matcher.tagger`` is the entry point."""

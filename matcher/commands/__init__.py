"""Sub-commands of the ``lifeweb-match`` console script, one module each (see ``matcher.cli``)."""

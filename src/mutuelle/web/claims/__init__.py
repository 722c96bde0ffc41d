"""Claims in, settlements out: the Django shell of :mod:`mutuelle.claims`."""

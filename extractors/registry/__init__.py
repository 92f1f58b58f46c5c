"""Registries read from data files: the gazetteer (this package) and cases (``case.py``)."""

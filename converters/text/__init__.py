"""Shared text machinery: TeX <-> Unicode, markup spans, names, identifiers."""

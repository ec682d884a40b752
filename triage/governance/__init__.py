"""Tooling for the people who keep the knowledge base: `rules check` (check.py), review
metadata (metadata.py), `rules diff` (diff.py, diff_render.py) and case corpora (cases.py).
"""

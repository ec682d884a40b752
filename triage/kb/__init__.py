"""The knowledge base: its records, loading (parse, cache) and the condition language.

Imports nothing else from triage but triage.io (atomic writes for the cache).
"""

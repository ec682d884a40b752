"""The reasoning: the knowledge base's rules compiled into an experta engine (engine.py),
its matcher (matcher.py), the one module that imports experta (_experta.py), and the CLIPS
oracle used by the differential tests (clips.py). Imports only triage.kb.
"""

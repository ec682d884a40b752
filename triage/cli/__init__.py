"""The terminal front end: the `triage` command (main.py; start.py is the console script)
and the questionnaire on a terminal (questionnaire.py, terminal_text.py, answers_store.py).
Kept empty so that `triage --help` loads only what it needs."""

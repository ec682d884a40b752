"""Reading input safely (reading.py) and writing files atomically, owner-only (files.py).
The lowest layer: imports nothing from triage."""

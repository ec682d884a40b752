"""python -m triage"""

from .cli.start import run

run()

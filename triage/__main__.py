"""python -m triage"""

from .cli_start import run

run()

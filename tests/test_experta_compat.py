"""experta 1.9.4 imports on Python 3.10+ only through triage/engine/_experta.py: checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_fresh(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_engine_imports_in_a_fresh_interpreter_with_warnings_as_errors():
    result = run_fresh(
        "import triage.engine.engine, triage; "
        "print(triage.assess({'age': 30, 'injury': False, 'can_bear_weight': True, 'foot_cold_numb': False,"
        " 'calf_swelling': False, 'locking': 'never', 'swelling': 'none', 'warmth': False, 'redness': False,"
        " 'fever': False, 'knee_surgery': 'none', 'unexplained_weight_loss': False, 'night_pain': False,"
        " 'calf_pain': False, 'breathless': False, 'breathless_other': False, 'blood_thinners': False,"
        " 'pregnant': False, 'cancer_history': False,"
        " 'giving_way': 'never', 'pain_score': 0, 'walking_effect': 'no-pain'}).disposition.id)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "walk-normally"


def test_only_one_module_imports_experta():
    importers = [
        path.name
        for path in (ROOT / "triage").rglob("*.py")
        if any(line.lstrip().startswith(("import experta", "from experta")) for line in path.read_text().splitlines())
    ]
    assert importers == ["_experta.py"]

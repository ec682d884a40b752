"""triage.kb.digest.sha256 is hashlib's sha256 (it only avoids importing hashlib at start-up)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from triage.kb.digest import sha256


@given(st.lists(st.binary(max_size=300), max_size=5))
def test_same_digest_as_hashlib(chunks: list[bytes]) -> None:
    ours, theirs = sha256(), hashlib.sha256()
    for chunk in chunks:
        ours.update(chunk)
        theirs.update(chunk)
    assert ours.hexdigest() == theirs.hexdigest()
    assert sha256(b"".join(chunks)).hexdigest() == theirs.hexdigest()


def test_loading_the_knowledge_base_does_not_import_hashlib() -> None:
    code = "import sys, triage; triage.load_knowledge_base(); print('hashlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

"""The built wheel carries the knowledge base and templates; installs work from any folder.

These build and install for real (a few seconds each, pip may fetch hatchling from PyPI).
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from helpers import CASES, load_case

ROOT = Path(__file__).resolve().parent.parent


def sh(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, ROOT)
    return next(out.glob("knee_triage-*.whl"))


def test_wheel_contains_knowledge_base_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = {p.name for p in (ROOT / "rules").glob("*.toml")}
    assert rules and all(f"triage/_data/rules/{name}" in names for name in rules)
    assert all(f"triage/_data/rules/sources/{p.name}" in names for p in (ROOT / "rules" / "sources").glob("*.txt"))
    templates = [p.relative_to(ROOT).as_posix() for p in (ROOT / "reports").rglob("*") if p.is_file()]
    assert templates and all(f"triage/_data/{t}" in names for t in templates)


def test_wheel_contains_the_web_templates_and_static_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    web = ROOT / "triage" / "web"
    files = [p.relative_to(ROOT).as_posix() for folder in ("templates", "static") for p in (web / folder).iterdir()]
    assert files and all(f in names for f in files), sorted(set(files) - names)


def _venv_with(tmp_path: Path, *install: str | Path) -> Path:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    sh(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *install)
    return env_dir / "bin"


def _assess_from_elsewhere(bin_dir: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    case = load_case(next(p for p in CASES if p.stem == "V33"))
    (elsewhere / "a.json").write_text(json.dumps(case["answers"]), encoding="utf-8")
    out = sh(bin_dir / "triage", "assess", "a.json", "--format", "json", cwd=elsewhere)
    assert json.loads(out.stdout)["disposition"] == case["expected"]
    sh(bin_dir / "triage", "rules", "check", cwd=elsewhere)
    sh(bin_dir / "python", "-m", "triage", "rules", "list", cwd=elsewhere)
    return None


def test_non_editable_install_works_from_another_folder(wheel, tmp_path):
    bin_dir = _venv_with(tmp_path, wheel)
    where = sh(bin_dir / "python", "-c", "import triage.kb.paths as p; print(p.rules_dir())", cwd=tmp_path).stdout
    assert "site-packages" in where and "_data" in where
    _assess_from_elsewhere(bin_dir, tmp_path)


def test_editable_install_works_from_another_folder(tmp_path):
    bin_dir = _venv_with(tmp_path, "-e", ROOT)
    where = sh(bin_dir / "python", "-c", "import triage.kb.paths as p; print(p.rules_dir())", cwd=tmp_path).stdout
    assert where.strip() == str(ROOT / "rules")
    _assess_from_elsewhere(bin_dir, tmp_path)

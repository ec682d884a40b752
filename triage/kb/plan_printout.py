"""The printed plan's words and drawings: rules/plan.toml [walking_plan.printout] and
[[walking_plan.drawing]], as one immutable record.

Loaded only when a plan is printed (triage/report/plan_report.py), once per file content.
Shape is checked here, every problem at once (KnowledgeBaseError); `triage rules check`
checks the drawings' citations and files (triage/governance/plan_check.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

from .paths import reports_dir
from .plan_params import PLAN_FILE, plan_file_bytes, walking_plan_table
from .records import Citation, KnowledgeBase, KnowledgeBaseError

DRAWINGS_DIR = "drawings"  # under reports/: the SVG files
SHOW = ("strengthening", "backward_walking")  # when a drawing is shown

# The printout keys the template fills in (rules/plan.toml [walking_plan.printout]).
PRINTOUT_KEYS = (
    "title", "subtitle", "for_result", "weeks_span", "this_week", "get_help", "checkin_from", "stopped", "finished",
    "calendar_title", "calendar_intro", "calendar_caption", "week_label", "walk_cell", "strength_cell", "backward_cell",
    "checkin_cell", "walk_blank_cell", "blank_label", "later_row", "later_row_days", "pace_comfortable", "pace_brisk",
    "minimum_note", "stopped_row", "tick", "blank_key",
    "progress_title", "progress_intro", "chart_title", "chart_pain", "chart_minutes", "table_caption", "col_week",
    "col_walks", "col_minutes", "col_pain", "col_morning", "col_colour", "col_next", "walks_of", "minutes_of",
    "not_answered", "next_up", "next_repeat", "next_back", "next_escalate", "next_finished", "exercises_title",
    "exercises_intro", "sources_title", "footer",
)  # fmt: skip


class Drawing(NamedTuple):
    id: str
    file: str  # under reports/drawings/
    show: str  # strengthening | backward_walking
    title: str
    alt: str  # the drawing's text alternative (aria-label)
    steps: tuple[str, ...]
    cite: tuple[Citation, ...]


class Printout(NamedTuple):
    words: dict[str, str]
    drawings: tuple[Drawing, ...]


def drawings_dir() -> Path:
    return reports_dir() / DRAWINGS_DIR


def load_printout(kb: KnowledgeBase) -> Printout:
    return _parse(plan_file_bytes(kb))


@cache
def _parse(data: bytes) -> Printout:
    table = walking_plan_table(data)
    problems: list[str] = []
    words = table.get("printout")
    words = words if isinstance(words, dict) else {}
    lacking = [k for k in PRINTOUT_KEYS if not isinstance(words.get(k), str)]
    if lacking:
        problems.append(f"{PLAN_FILE}: walking_plan.printout lacks {', '.join(lacking)}")
    entries = table.get("drawing", [])
    drawings = []
    for n, entry in enumerate(entries if isinstance(entries, list) else [], 1):
        where = f"{PLAN_FILE}: walking_plan.drawing {n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a table")
            continue
        texts = {k: entry.get(k) for k in ("id", "file", "show", "title", "alt")}
        bad = [k for k, v in texts.items() if not isinstance(v, str) or not v.strip()]
        if bad:
            problems.append(f"{where}: needs {', '.join(bad)} (text)")
            continue
        steps, cites = entry.get("steps"), entry.get("cite")
        if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s for s in steps):
            problems.append(f"{where} ({texts['id']}): steps must be a list of sentences")
            continue
        if texts["show"] not in SHOW:
            problems.append(f"{where} ({texts['id']}): show must be one of {', '.join(SHOW)}")
        if not isinstance(cites, list) or not cites or not all(isinstance(c, dict) for c in cites):
            problems.append(f"{where} ({texts['id']}): needs a citation")
            cites = []
        if "/" in texts["file"] or "\\" in texts["file"] or not texts["file"].endswith(".svg"):
            problems.append(f"{where} ({texts['id']}): file must be a name ending in .svg, in reports/drawings/")
        cited = tuple(Citation(str(c.get("source")), c.get("quote"), c.get("locator")) for c in cites)
        drawings.append(Drawing(**texts, steps=tuple(steps), cite=cited))
    if problems:
        raise KnowledgeBaseError(problems)
    return Printout({k: words[k] for k in PRINTOUT_KEYS}, tuple(drawings))

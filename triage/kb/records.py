"""The knowledge base as plain, immutable records: what every layer above reads.

parse.py builds them from the TOML (checking only shape: types, ids, known keys), cache.py
stores and restores them, load.py decides which knowledge base to load; `triage rules check`
(triage/governance/check.py) checks meaning (every reference resolves, every quote is in its
article, every rule can fire).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .changelog import ChangeEntry
from .conditions import Condition

# The texts of rules/wording.toml the code fills in and shows.
WORDING_KEYS = (
    "disclaimer",
    "emergency_check",
    "early_stop",
    "not_asked_early",
    "stopped_by_person",
    "unanswered_emergency",
    "emergency_check_answer",
)
# Optional (added in 1.2): a knowledge base without them still loads, so that `rules diff`
# can compare it; the hint for a file missing answers is then left out.
WORDING_OPTIONAL = ("missing_answers", "finish_answers", "unanswered_emergency_count")


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# The knowledge base's records are immutable NamedTuples, not frozen dataclasses: creating a
# frozen dataclass class takes 1-2 ms (it compiles six generated methods), about 15 ms of a
# cold start for these records, a NamedTuple class a quarter of that. Code reads them by
# field name only; cache.py knows them by their ``_fields``.


class Citation(NamedTuple):
    source: str
    quote: str | None = None
    locator: str | None = None


class Question(NamedTuple):
    id: str
    type: str
    text: str
    help: str = ""
    required: bool = False
    red_flag: bool = False
    min: float | None = None
    max: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    asked_when: Condition = ()
    # History (type H, medicines, conditions, recent events): "not sure" allowed, counts as yes.
    history: bool = False

    @property
    def allows_unsure(self) -> bool:
        """Is null ("not sure") a real answer? On red-flag and history questions."""
        return self.red_flag or self.history

    @property
    def choice_values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def label(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def answer_words(self, value: Any) -> str:
        """An answer in plain words: the choice label, yes/no, not sure, the number or the text."""
        if value is None:
            return "not sure"
        if self.type == "choice":
            return self.label(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


class Rule(NamedTuple):
    id: str
    title: str
    because: str
    when: Condition
    cite: tuple[Citation, ...]
    file: str
    finding: str | None = None
    floor: str | None = None
    compute: str | None = None
    advice: tuple[str, ...] = ()
    # Shown to the person (reason, "also noted", explanation) only up to this urgency: a rule
    # whose words are about walking or exercise is left out of more urgent results (the JSON
    # keeps every fired rule). Like Advice.max_urgency.
    max_urgency: int = 4
    status: str | None = None  # draft | active | retired; None (missing) fires, and rules check rejects it
    reviewed: str | None = None  # 'YYYY-MM-DD' (anything else is kept as given, for rules check)
    since: str | None = None  # the knowledge-base version that added or last changed it


class Advice(NamedTuple):
    id: str
    group: str
    text: str
    max_urgency: int
    cite: tuple[Citation, ...]
    details: str = ""
    # Left out when this condition holds on the answers: a habit the answers show is already
    # right (cushioned shoes, no high-impact sport). Unknown (left out) never matches.
    unless: Condition = ()
    status: str | None = None
    reviewed: str | None = None
    since: str | None = None
    # 1.2: given only from this urgency up (``max_urgency`` is the top): "while you wait" by level.
    min_urgency: int = 0
    # A list item by item (the signs of a safety-net tier): ``lead`` introduces them; ``text``
    # is the same as one sentence, for any view that shows text only.
    lead: str = ""
    points: tuple[str, ...] = ()
    # A safety-net tier: the disposition it sends the person to (shown only below it).
    points_to: str | None = None


class Headline(NamedTuple):
    """A title and summary that replace the disposition's own when ``when`` holds on the answers."""

    when: Condition
    title: str
    summary: str


class Disposition(NamedTuple):
    id: str
    urgency: int
    rank: int
    title: str
    timeframe: str
    summary: str
    advice: tuple[str, ...]
    # 1.2: the headline fits the reason (see-a-professional: "rest from the walks that hurt"
    # only when walking hurts); the first that holds on the answers replaces title and summary.
    headlines: tuple[Headline, ...] = ()


class Source(NamedTuple):
    key: str
    kind: str
    title: str
    file: str | None = None


class KnowledgeBase(NamedTuple):  # built in one place (_Loader.load), every field given
    root: Path
    version: str
    sha256: str
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    advice: dict[str, Advice]
    dispositions: tuple[Disposition, ...]
    safety_net: tuple[str, ...]
    # Asked before an early stop at urgent-care-today, besides the questions that could still
    # make it an emergency: they change where to go and what the receiving clinician needs.
    ask_before_stop: tuple[str, ...]
    under_18: tuple[str, ...]  # advice ids shown when the tool stops for someone under 18
    sources: dict[str, Source]
    fhir: dict[str, Any]  # the [fhir*] tables: canonical URL, priority map
    wording: dict[str, str]  # rules/wording.toml: texts shown by every front end
    question_by_id: dict[str, Question]
    disposition_by_id: dict[str, Disposition]
    # Retired rules and advice stay in the files but are kept apart here, so that nothing
    # (engine, checks, questionnaire) ever sees them in `rules` or `advice`.
    retired_rules: tuple[Rule, ...]
    retired_advice: dict[str, Advice]
    changelog: tuple[ChangeEntry, ...]
    changelog_problems: tuple[str, ...]
    # rules/screens.toml: a short name for a question ("fever"), for lists on the end screen
    # and the report's clinical summary; ``label`` falls back to the question's text.
    labels: dict[str, str]
    # rules/screens.toml: the urgency each safety-net item sends a person to (end screen only)
    safety_net_points_to: dict[str, int]
    # rules/screens.toml: the report's clinical summary, (heading, question ids) in order
    report_summary: tuple[tuple[str, tuple[str, ...]], ...]
    # rules/screens.toml: questions whose answer may be typed in other units (length, mass)
    units: dict[str, str]
    # rules/screens.toml: said after an advice item that quotes pounds (the answers are in kg)
    advice_unit_notes: dict[str, str]

    def advice_text(self, item: Advice) -> str:
        """An advice item's text as shown, with its note in kilograms if it has one."""
        note = self.advice_unit_notes.get(item.id)
        return f"{item.text} {note}" if note else item.text

    def label(self, question_id: str) -> str:
        return self.labels.get(question_id) or self.question_by_id[question_id].text

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if q.red_flag)

    @property
    def history_questions(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if q.history)

    @property
    def unsure_allowed(self) -> tuple[str, ...]:
        """Questions where null ("not sure") is a real answer: red flags and history."""
        return tuple(q.id for q in self.questions if q.allows_unsure)

    def article_text(self, key: str) -> str:
        source = self.sources[key]
        if source.file is None:
            raise KeyError(f"{key} is not an article")
        return (self.root / source.file).read_text(encoding="utf-8")

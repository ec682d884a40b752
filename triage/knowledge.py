"""Load the knowledge base (rules/*.toml) into plain, immutable objects.

Loading only checks shape (types, ids, known keys); `triage rules check` checks meaning
(every reference resolves, every quote is in its article, every rule can fire).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from .changelog import ChangeEntry, as_date, parse_changelog
from .conditions import Condition, ConditionError, parse_condition
from .digest import sha256
from .paths import knowledge_base_dir, rules_dir

# The texts of rules/wording.toml the code fills in and shows.
WORDING_KEYS = ("disclaimer", "emergency_check", "early_stop", "not_asked_early")


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


_META = ("status", "reviewed", "since")  # governance metadata on every rule and advice item

# The knowledge base's records are immutable NamedTuples, not frozen dataclasses: creating a
# frozen dataclass class takes 1-2 ms (it compiles six generated methods), about 15 ms of a
# cold start for these records, a NamedTuple class a quarter of that. Code reads them by
# field name only; kb_cache.py knows them by their ``_fields``.


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


class Disposition(NamedTuple):
    id: str
    urgency: int
    rank: int
    title: str
    timeframe: str
    summary: str
    advice: tuple[str, ...]


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

    @property
    def red_flags(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions if q.red_flag)

    def article_text(self, key: str) -> str:
        source = self.sources[key]
        if source.file is None:
            raise KeyError(f"{key} is not an article")
        return (self.root / source.file).read_text(encoding="utf-8")


def fingerprint(root: Path) -> str:
    """sha256 over every file of the knowledge base, by relative path, in a fixed order."""
    digest = sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".toml", ".txt")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """Load and cache a knowledge base: ``root``, else TRIAGE_KB, else the shipped one (paths.py)."""
    return _load(Path(root).resolve() if root else knowledge_base_dir())


@cache
def _load(root: Path) -> KnowledgeBase:
    if root != rules_dir().resolve():
        return _Loader(root).load()
    # The shipped knowledge base is also cached parsed, on disk, keyed by its sha256 (kb_cache.py).
    from .kb_cache import read_cached, write_cached

    kb = read_cached(root, fingerprint(root))
    if kb is None:
        kb = _Loader(root).load()
        write_cached(kb)
    return kb


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []

    def load(self) -> KnowledgeBase:
        import tomllib  # only when parsing: a cached knowledge base needs no TOML

        if not self.root.is_dir():
            raise KnowledgeBaseError([f"{self.root}: no such knowledge-base folder"])
        tables: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        meta: dict[str, Any] = {}
        for path in sorted(self.root.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                self.problems.append(f"{path.name}: {error}")
                continue
            for key, value in data.items():
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    tables.setdefault(key, []).extend((path.name, item) for item in value)
                else:
                    meta[key] = value
        questions = tuple(self._question(f, t) for f, t in tables.get("question", []))
        all_rules = tuple(self._rule(f, t) for f, t in tables.get("rule", []))
        all_advice = {t.get("id", "?"): self._advice(f, t) for f, t in tables.get("advice", [])}
        rules = tuple(r for r in all_rules if r.status != "retired")
        advice = {k: a for k, a in all_advice.items() if a.status != "retired"}
        changelog, changelog_problems = parse_changelog([t for _, t in tables.get("changelog", [])])
        dispositions = tuple(self._disposition(f, t, rank) for rank, (f, t) in enumerate(tables.get("disposition", [])))
        sources = {t.get("key", "?"): self._source(f, t) for f, t in tables.get("source", [])}
        self._unique("question", [q.id for q in questions])
        self._unique("rule", [r.id for r in all_rules])
        self._unique("advice", [f"{t.get('id')}" for _, t in tables.get("advice", [])])
        self._unique("source", [f"{t.get('key')}" for _, t in tables.get("source", [])])
        if not dispositions:
            self.problems.append("no [[disposition]] ladder found")
        wording = meta.get("wording", {})
        if not isinstance(wording, dict) or not all(isinstance(v, str) for v in wording.values()):
            self.problems.append("[wording]: every entry must be text")
            wording = {}
        missing = [key for key in WORDING_KEYS if key not in wording]
        if missing:
            self.problems.append(f"[wording]: missing {', '.join(missing)}")
        if self.problems:
            raise KnowledgeBaseError(self.problems)
        return KnowledgeBase(
            root=self.root,
            version=str(meta.get("version", "0")),
            sha256=fingerprint(self.root),
            questions=questions,
            rules=rules,
            advice=advice,
            dispositions=dispositions,
            safety_net=tuple(meta.get("safety_net", ())),
            sources=sources,
            fhir={k: v for k, v in meta.items() if k.startswith("fhir") and isinstance(v, dict)},
            wording=wording,
            question_by_id={q.id: q for q in questions},
            disposition_by_id={d.id: d for d in dispositions},
            retired_rules=tuple(r for r in all_rules if r.status == "retired"),
            retired_advice={k: a for k, a in all_advice.items() if a.status == "retired"},
            changelog=changelog,
            changelog_problems=tuple(changelog_problems),
        )

    def _unique(self, what: str, ids: list[str]) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                self.problems.append(f"{what} id {item!r} is used more than once")
            seen.add(item)

    def _get(self, where: str, table: dict[str, Any], key: str, kind: type, default: Any = ...) -> Any:
        if key not in table:
            if default is ...:
                self.problems.append(f"{where}: missing '{key}'")
                return kind()
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problems.append(f"{where}: '{key}' should be {kind.__name__}, not {value!r}")
            return kind() if default is ... else default
        return value

    def _condition(self, where: str, table: dict[str, Any], key: str) -> Condition:
        try:
            return parse_condition(table, key)
        except ConditionError as error:
            self.problems.append(f"{where}: {error}")
            return ()

    def _citations(self, where: str, table: dict[str, Any]) -> tuple[Citation, ...]:
        cites = []
        for item in self._get(where, table, "cite", list, []):
            if not isinstance(item, dict) or "source" not in item:
                self.problems.append(f"{where}: each citation needs a source: {item!r}")
                continue
            cites.append(Citation(str(item["source"]), item.get("quote"), item.get("locator")))
        return tuple(cites)

    def _question(self, file: str, t: dict[str, Any]) -> Question:
        where = f"{file}: question {t.get('id', '?')}"
        choices = tuple(tuple(pair) for pair in self._get(where, t, "choices", list, []))
        return Question(
            id=self._get(where, t, "id", str),
            type=self._get(where, t, "type", str),
            text=self._get(where, t, "text", str),
            help=self._get(where, t, "help", str, ""),
            required=self._get(where, t, "required", bool, False),
            red_flag=self._get(where, t, "red_flag", bool, False),
            min=self._get(where, t, "min", float, None),
            max=self._get(where, t, "max", float, None),
            min_length=self._get(where, t, "min_length", int, None),
            max_length=self._get(where, t, "max_length", int, None),
            choices=choices,  # type: ignore[arg-type]
            asked_when=self._condition(where, t, "asked_when"),
        )

    def _rule(self, file: str, t: dict[str, Any]) -> Rule:
        where = f"{file}: rule {t.get('id', '?')}"
        known = {
            *("id", "title", "because", "when", "when_any", "finding", "floor"),
            *("compute", "advice", "cite", "max_urgency", *_META),
        }
        if set(t) - known:
            self.problems.append(f"{where}: unknown key(s) {sorted(set(t) - known)}")
        when = self._condition(where, t, "when")
        if not when:
            self.problems.append(f"{where}: needs 'when' or 'when_any'")
        return Rule(
            id=self._get(where, t, "id", str),
            title=self._get(where, t, "title", str),
            because=self._get(where, t, "because", str),
            when=when,
            cite=self._citations(where, t),
            file=file,
            finding=self._get(where, t, "finding", str, None),
            floor=self._get(where, t, "floor", str, None),
            compute=self._get(where, t, "compute", str, None),
            advice=tuple(self._get(where, t, "advice", list, [])),
            max_urgency=self._get(where, t, "max_urgency", int, 4),
            **self._meta(t),
        )

    def _advice(self, file: str, t: dict[str, Any]) -> Advice:
        where = f"{file}: advice {t.get('id', '?')}"
        return Advice(
            id=self._get(where, t, "id", str),
            group=self._get(where, t, "group", str),
            text=self._get(where, t, "text", str),
            max_urgency=self._get(where, t, "max_urgency", int),
            cite=self._citations(where, t),
            details=self._get(where, t, "details", str, ""),
            unless=self._condition(where, t, "unless"),
            **self._meta(t),
        )

    @staticmethod
    def _meta(t: dict[str, Any]) -> dict[str, str | None]:
        """status, reviewed, since as given (or None): judged by `triage rules check`, not here."""
        reviewed = t.get("reviewed")
        return {
            "status": None if t.get("status") is None else str(t["status"]),
            "reviewed": as_date(reviewed) or (None if reviewed is None else str(reviewed)),
            "since": None if t.get("since") is None else str(t["since"]),
        }

    def _disposition(self, file: str, t: dict[str, Any], rank: int) -> Disposition:
        where = f"{file}: disposition {t.get('id', '?')}"
        return Disposition(
            id=self._get(where, t, "id", str),
            urgency=self._get(where, t, "urgency", int),
            rank=rank,
            title=self._get(where, t, "title", str),
            timeframe=self._get(where, t, "timeframe", str),
            summary=self._get(where, t, "summary", str),
            advice=tuple(self._get(where, t, "advice", list, [])),
        )

    def _source(self, file: str, t: dict[str, Any]) -> Source:
        where = f"{file}: source {t.get('key', '?')}"
        return Source(
            key=self._get(where, t, "key", str),
            kind=self._get(where, t, "kind", str),
            title=self._get(where, t, "title", str),
            file=self._get(where, t, "file", str, None),
        )

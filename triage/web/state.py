"""The questionnaire's state on the web: it travels in a hidden form field, never on the server.

Every page that moves the questionnaire on is a POST form carrying ``state`` (JSON): the
answers so far, the order they were given in, the optional questions skipped and the
emergency answers the person confirmed. The server keeps nothing, so any worker can serve
any request, and answers never appear in a URL. The state is untrusted input: it is
size-capped and re-validated with the same validator as an answers file on every request.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..answers import AnswersError, validate
from ..flow import Progress, forget_stale
from ..kb.records import KnowledgeBase, Question
from ..replies import number_words

MAX_STATE = 32_000  # characters; a full questionnaire with 2,000 characters of notes is ~4,000
NOT_SURE = "not-sure"
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")


class StateError(ValueError):
    """The hidden state could not be read (tampered, truncated or from another version)."""


@dataclass
class WebState:
    progress: Progress = field(default_factory=Progress)
    confirmed: set[str] = field(default_factory=set)  # "qid=value" of emergency answers confirmed

    def encode(self, kb: KnowledgeBase) -> str:
        answers = self.progress.answers
        data = {
            "answers": {q.id: answers[q.id] for q in kb.questions if q.id in answers},
            "history": self.progress.history,
            "skipped": [q.id for q in kb.questions if q.id in self.progress.skipped],
            "confirmed": sorted(self.confirmed),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def confirmation_key(question: Question, value: Any) -> str:
    return f"{question.id}={json.dumps(value)}"


def decode(text: str | None, kb: KnowledgeBase) -> WebState:
    """Read the hidden state; an empty one is a new questionnaire. Raises StateError."""
    if not text:
        return WebState()
    if len(text) > MAX_STATE:
        raise StateError("too long")
    try:
        data = json.loads(text)
        text.encode("utf-8")  # a lone surrogate cannot be shown or saved
    except (ValueError, RecursionError, UnicodeEncodeError):
        raise StateError("not JSON") from None
    if not isinstance(data, dict):
        raise StateError("not an object")
    answers, history = data.get("answers", {}), data.get("history", [])
    skipped, confirmed = data.get("skipped", []), data.get("confirmed", [])
    lists = (history, skipped, confirmed)
    if not isinstance(answers, dict) or not all(
        isinstance(x, list) and all(isinstance(i, str) for i in x) for x in lists
    ):
        raise StateError("wrong shape")
    try:
        valid = validate(answers, kb, partial=True)
    except AnswersError as error:
        raise StateError("; ".join(error.problems)) from None
    state = WebState(Progress(answers=dict(valid.answers), history=list(history), skipped=set(skipped)), set(confirmed))
    forget_stale(kb, state.progress)
    return state


def tidy(kb: KnowledgeBase, state: WebState) -> None:
    """After a change: drop answers to questions no longer asked, and any skip or history entry
    that no longer means anything (the same rules as a resumed terminal questionnaire)."""
    state.progress.answers = dict(validate(state.progress.answers, kb, partial=True).answers)
    forget_stale(kb, state.progress)


# --- reading one reply from a form ----------------------------------------------------------------


@dataclass(frozen=True)
class FormReply:
    kind: str  # answer | skip | invalid | too-young
    value: Any = None
    message: str = ""


def read_reply(question: Question, raw: str | None, *, skip: bool = False) -> FormReply:
    """The reply posted for ``question`` (the form field ``value``), checked like a typed one."""
    from ..answers import check_value

    text = (raw or "").strip()
    if skip and not question.required:
        return FormReply("skip")
    if question.allows_unsure and text == NOT_SURE:
        return FormReply("answer", None)
    kind = question.type
    if not text:
        if not question.required and kind in ("integer", "number", "string"):
            return FormReply("skip")
        return FormReply("invalid", message=missing_message(question))
    value: Any
    if kind == "boolean":
        if text not in ("yes", "no"):
            return FormReply("invalid", message=missing_message(question))
        value = text == "yes"
    elif kind == "choice":
        if text not in question.choice_values:
            return FormReply("invalid", message=missing_message(question))
        value = text
    elif kind in ("integer", "number"):
        if not PLAIN_NUMBER.fullmatch(text):  # no "1e2", "inf" or "0x10": digits as people write them
            return FormReply("invalid", message=f"Enter {number_words(question)}")
        number = float(text.replace(",", "."))
        if kind == "integer" and not number.is_integer():
            return FormReply("invalid", message=f"Enter {number_words(question)}")
        value = int(number) if number.is_integer() and abs(number) < 1e15 else number
        if question.id == "age" and question.min is not None and 0 <= value < question.min:
            return FormReply("too-young", value)
    else:
        value = raw or ""
    value, problem = check_value(question, value)
    if problem:
        if kind in ("integer", "number"):
            return FormReply("invalid", message=f"Enter {number_words(question)}")
        return FormReply("invalid", message=problem.split(": ", 1)[-1].capitalize())
    return FormReply("answer", value)


def missing_message(question: Question) -> str:
    unsure = ", or not sure" if question.allows_unsure else ""
    if question.type == "boolean":
        return f"Select yes or no{unsure}"
    if question.type == "choice":
        return f"Select an answer{unsure}"
    if question.type in ("integer", "number"):
        return f"Enter {number_words(question)}"
    return "Enter an answer"

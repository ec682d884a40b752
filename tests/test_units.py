"""Height and weight in the units people use (triage/units.py, through replies.parse_reply):
round trips, every accepted spelling, refusals that name the accepted forms."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import triage
from triage import units
from triage.cli.main import main
from triage.replies import parse_reply
from triage.units import FORMS, LENGTH, MASS, as_imperial, read_length, read_mass

KB = triage.load_knowledge_base()
HEIGHT = KB.question_by_id["height_cm"]
WEIGHT = KB.question_by_id["weight_kg"]

FIVE_FOUR = [  # 5 ft 4 in, every way a person might type it
    "5ft 4", "5ft4", "5 ft 4", "5 ft 4 in", "5ft 4in", "5 FT 4 IN", "5' 4\"", "5'4\"", "5'4", "5' 4",
    "5’ 4”", "5' 4''", "5 feet 4 inches", "5 foot 4", "5 feet 4", "64 in", "64in", "64\"", "64 inches",
]  # fmt: skip
ELEVEN_FOUR = ["11 st 4 lb", "11st 4lb", "11st4", "11 st 4", "11 stone 4", "11 stone 4 pounds", "11 ST 4 LBS"]


@pytest.mark.parametrize("typed", FIVE_FOUR)
def test_every_spelling_of_feet_and_inches(typed: str) -> None:
    assert read_length(typed).value == 163
    assert read_length(typed).shown.endswith("= 163 cm")


@pytest.mark.parametrize("typed", ["163", "163cm", "163 cm", "163 CM", "163 centimetres", "1.63 m", "1,63 m", "1.63"])
def test_every_spelling_of_a_metric_height(typed: str) -> None:
    assert read_length(typed).value == 163


@pytest.mark.parametrize("typed", ELEVEN_FOUR)
def test_every_spelling_of_stones_and_pounds(typed: str) -> None:
    assert read_mass(typed) == units.Reading(71.7, "11 st 4 lb = 71.7 kg")


@pytest.mark.parametrize(
    ("typed", "kg"),
    [("70", 70), ("70kg", 70), ("70 kg", 70), ("70,5", 70.5), ("70.5 kilos", 70.5), ("11 st", 69.9), ("11st", 69.9),
     ("154 lb", 69.9), ("154lbs", 69.9), ("154 pounds", 69.9)],
)  # fmt: skip
def test_every_spelling_of_a_weight(typed: str, kg: float) -> None:
    assert read_mass(typed).value == kg


@settings(max_examples=200, deadline=None)
@given(tenths=st.integers(1000, 2500), comma=st.booleans(), unit=st.sampled_from(["", " cm", "cm"]))
def test_centimetres_round_trip(tenths: int, comma: bool, unit: str) -> None:
    cm = tenths / 10
    text = f"{cm:g}".replace(".", "," if comma else ".") + unit
    assert read_length(text).value == pytest.approx(cm)


@settings(max_examples=200, deadline=None)
@given(cm=st.integers(100, 250))
def test_metres_and_feet_round_trip(cm: int) -> None:
    assert read_length(f"{cm / 100:g} m").value == pytest.approx(cm)
    back = read_length(as_imperial(LENGTH, cm)).value  # to feet and inches and back
    assert abs(back - cm) <= 1.3  # within half an inch: feet and inches are whole inches


@settings(max_examples=200, deadline=None)
@given(tenths=st.integers(250, 3500), comma=st.booleans())
def test_kilograms_and_stones_round_trip(tenths: int, comma: bool) -> None:
    kg = tenths / 10
    assert read_mass(f"{kg:g}".replace(".", "," if comma else ".")).value == pytest.approx(kg)
    back = read_mass(as_imperial(MASS, kg)).value
    assert abs(back - kg) <= 0.3  # within half a pound


@settings(max_examples=300, deadline=None)
@given(text=st.text(min_size=1, max_size=20))
def test_anything_else_is_refused_naming_the_accepted_forms(text: str) -> None:
    for kind, reader in ((LENGTH, read_length), (MASS, read_mass)):
        reading = reader(text)  # never raises
        if reading.value is None:
            assert FORMS[kind] in reading.shown
        else:
            assert isinstance(reading.value, int | float) and reading.value >= 0


@pytest.mark.parametrize("typed", ["5ft 12", "5 ft 13 in", "tall", "5 ft 4 cm", "1.63 kg", "--", "5 4"])
def test_refusals_for_heights(typed: str) -> None:
    reading = read_length(typed)
    assert reading.value is None and FORMS[LENGTH] in reading.shown


@pytest.mark.parametrize("typed", ["11 st 14", "11 st 20 lb", "heavy", "70 cm", "11 lb 4 st"])
def test_refusals_for_weights(typed: str) -> None:
    reading = read_mass(typed)
    assert reading.value is None and FORMS[MASS] in reading.shown


def test_the_question_reply_stores_metric_and_says_the_conversion() -> None:
    unit = KB.units["height_cm"]
    reply = parse_reply(HEIGHT, "5ft 4", unit)
    assert (reply.kind, reply.value, reply.note) == ("answer", 163, "5 ft 4 in = 163 cm")
    assert parse_reply(HEIGHT, "163", unit).note == ""  # nothing to convert: nothing said
    assert parse_reply(WEIGHT, "70,5", KB.units["weight_kg"]).note == "70.5 kg"  # the comma read as a point
    out_of_range = parse_reply(HEIGHT, "9 ft", unit)
    assert out_of_range.kind == "invalid"
    expected = "9 ft 0 in = 274 cm: please type a height from 100 to 250 cm (3 ft 3 in to 8 ft 2 in)"
    assert expected in out_of_range.message
    assert FORMS[LENGTH] in out_of_range.message
    assert parse_reply(HEIGHT, "", unit).kind == "skip"  # optional: Enter skips, as before


def test_a_broken_conversion_is_caught(monkeypatch) -> None:
    """The spelling tests bite: with a wrong inch, 5 ft 4 is no longer 163 cm."""
    monkeypatch.setattr(units, "CM_PER_INCH", 2.5)
    assert read_length("5ft 4").value != 163


def test_ask_takes_feet_and_stones_and_says_what_it_stored(tmp_path) -> None:
    import json

    answers = {k: v for k, v in triage.assess(_case("V01")).answers.items() if k not in ("height_cm", "weight_kg")}
    answers.pop("name", None), answers.pop("notes", None)
    pre = tmp_path / "pre.json"
    pre.write_text(json.dumps(answers), encoding="utf-8")
    saved = tmp_path / "a.json"
    result = CliRunner().invoke(main, ["ask", "-a", str(saved), "--answers", str(pre)], input="5ft 4\n11 st 4 lb\n\n\n")
    assert result.exit_code == 0, result.output
    assert "5 ft 4 in = 163 cm" in result.output and "11 st 4 lb = 71.7 kg" in result.output
    stored = json.loads(saved.read_text(encoding="utf-8"))
    assert stored["height_cm"] == 163 and stored["weight_kg"] == 71.7


def test_advice_in_pounds_also_says_kilograms() -> None:
    weight = KB.advice["weight"]
    assert "pound" in weight.text
    assert "kilogram" in KB.advice_text(weight) and KB.advice_text(weight).startswith(weight.text)


def _case(stem: str) -> dict:
    from ask_helpers import CASE_FILES, load_case

    return load_case(next(p for p in CASE_FILES if p.stem == stem))["answers"]

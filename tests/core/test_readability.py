"""Flesch reading ease, as the editor sees it beside the Markdown (core.text)."""

import pytest

from core.text import flesch_band, flesch_reading_ease, syllables


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("make", 1), ("table", 2), ("agree", 2), ("sanctions", 2), ("beautiful", 3)],
)
def test_syllables_by_the_rule_of_thumb(word, count):
    assert syllables(word) == count


def test_the_formula_on_a_text_counted_by_hand():
    # 13 words in 2 sentences; 17 syllables: one each, but "sunny" and "happy" have two,
    # "everyone" three.
    score = flesch_reading_ease("The cat sat on the mat. It was a sunny day, everyone happy.")
    assert score == pytest.approx(206.835 - 1.015 * 13 / 2 - 84.6 * 17 / 13)


def test_plain_prose_reads_easier_than_academic_prose():
    plain = "We went to the shop. It was shut. So we went home and had tea."
    academic = (
        "Institutional considerations notwithstanding, multilateral enforcement "
        "mechanisms demonstrate considerable organisational heterogeneity."
    )
    assert flesch_reading_ease(plain) > 80 > 20 > flesch_reading_ease(academic)


def test_a_line_break_ends_a_sentence_as_headings_have_no_full_stop():
    run_on = flesch_reading_ease("The river economy trade along the river has doubled")
    headed = flesch_reading_ease("The river economy\nTrade along the river has doubled")
    assert headed > run_on


def test_no_words_no_score():
    assert flesch_reading_ease("  — 42 … ") is None


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (95, "very easy"),
        (65, "standard"),
        (55, "fairly difficult"),
        (48, "difficult"),
        (-5, "very difficult"),
    ],
)
def test_flesch_named_the_bands(score, band):
    assert flesch_band(score) == band

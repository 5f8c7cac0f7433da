"""Property-based tests (issue 9, part 3): the text normaliser, the moderation screen and the
two importers hold their promises on arbitrary input."""

import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from moderation.screening import screen
from moderation.screening.personal_data import is_valid_national_id, national_id_check_digit
from moderation.screening.text import strip_invisible
from sentiment.nlp.normalize import normalize_text
from tests.security.payloads import ALL, BIDI, ZERO_WIDTH

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
INVISIBLE = set(BIDI + ZERO_WIDTH) - {"\u200e", "\u200f"}
_ALPHABET = "民意政策贊成反對 <>&\"'=@+-\u202e\u200b\x00ab1"
# Text that looks like what citizens write, plus every kind of character.
texts = st.one_of(
    st.text(max_size=400),
    st.text(
        alphabet=st.sampled_from(list("民意政策贊成反對 <>&\"'=@+-\u202e\u200b\x00ab1")),
        max_size=200,
    ),
    st.sampled_from(ALL),
    st.builds(lambda a, b: a + b, st.sampled_from(ALL), st.text(max_size=50)),
)


@FAST
@given(texts)
def test_normalize_text_is_idempotent_and_strips_invisible(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    # A zero-width joiner survives only between two symbols of an emoji sequence, by design.
    emoji_joins = re.sub(r"(?<=[\u2600-\U0001faff])\u200d(?=[\u2600-\U0001faff])", "", once)
    assert not set(emoji_joins) & INVISIBLE


@FAST
@given(texts)
def test_screen_never_raises_and_spans_stay_in_bounds(text):
    result = screen(text)
    assert result.outcome in ("publish", "publish_masked", "hold", "reject")
    for reason in result.reasons:
        start, end = reason.span
        assert 0 <= start <= end <= len(text), reason
    assert not set(result.published_text) & INVISIBLE


_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f" + BIDI + ZERO_WIDTH + "]")


def _strip_unsafe(text: str) -> str:
    # What screening reads: the text without invisible characters, width-folded (not the NLP
    # normaliser, whose @mention placeholders would hide a glued digit).
    return unicodedata.normalize("NFKC", strip_invisible(text))


def test_an_invisible_character_does_not_unmask_a_national_id():
    # Split by a zero-width space the ID escaped detection, and was published whole once
    # screening removed the invisible character.
    for hidden in ("A1234\u200b56789", "A123456789\u200b", "電話A12345\u2060\u200b6789號"):
        published = screen(hidden).published_text
        assert "A123456789" not in published
        assert "A12****789" in published
    # Glued to a digit it is part of a longer token, with or without the invisible character.
    assert screen("0\u200bA123456789").published_text == screen("0A123456789").published_text


@st.composite
def national_ids(draw):
    letter = draw(st.sampled_from(_LETTERS))
    body = draw(st.sampled_from("12")) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=7))
    )
    prefix = letter + body
    return prefix + str(national_id_check_digit(prefix))


@FAST
@given(national_ids(), st.text(max_size=40), st.text(max_size=40))
def test_published_text_never_contains_a_valid_national_id(national_id, before, after):
    assert is_valid_national_id(national_id)
    # An ID glued to a letter or digit is part of a longer token, not an ID; the same after the
    # invisible characters that screening removes.
    visible_before, visible_after = (_strip_unsafe(before), _strip_unsafe(after))
    assume(not re.search(r"[A-Za-z0-9]$", visible_before))
    assume(not re.match(r"[A-Za-z0-9]", visible_after))
    result = screen(f"{before}{national_id}{after}")
    assert national_id not in result.published_text


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(comments=st.binary(max_size=400), votes=st.binary(max_size=400))
def test_polis_import_of_random_bytes_stores_nothing(make_consultation, comments, votes):
    from participation.models import ConsultationPage, Statement, Vote
    from participation.polis import polis_import

    page = ConsultationPage.objects.filter(slug="polis").first() or make_consultation(slug="polis")
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "comments.csv").write_bytes(comments)
        Path(directory, "votes.csv").write_bytes(votes)
        before = (Statement.objects.count(), Vote.objects.count())
        try:
            polis_import(consultation=page, directory=Path(directory))
        except ValidationError as error:
            assert error.messages and all(message.strip() for message in error.messages)
            assert (Statement.objects.count(), Vote.objects.count()) == before


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.binary(max_size=600), name=st.sampled_from(["p.csv", "p.xlsx", "programs.csv", "x.zip"])
)
def test_program_import_of_random_bytes_stores_nothing(make_user, make_agency, data, name):
    from minyi.agencies.models import Agency
    from minyi.agencies.services import agency_staff_add
    from performance.importing import ImportFailed
    from performance.models import Program
    from performance.services import programs_import

    agency = Agency.objects.filter(code="NDC").first() or make_agency("NDC")
    from minyi.accounts.models import User

    user = User.objects.filter(email="importer@example.org").first()
    if user is None:
        user = make_user(email="importer@example.org", display_name="匯入者")
        agency_staff_add(agency=agency, user=user)
    before = Program.objects.count()
    try:
        programs_import(files=[(name, data)], user=user)
    except ImportFailed as failure:
        assert failure.errors
        assert all(str(error) for error in failure.errors)
    assert Program.objects.count() == before

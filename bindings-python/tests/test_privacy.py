"""The Redactor: the shared cases of tests/fixtures/redaction_cases.json, batches, and argument errors."""

import pytest

import aybiza_analytics as aa
from conftest import load_redaction_cases

CASES = load_redaction_cases()
ALL_KINDS = ["card", "ssn", "phone", "email", "iban", "dob", "spoken_digits"]


def shape(entity):
    """The entity without the fixture's `value`: the Rust serde shape."""
    return {k: entity[k] for k in ("kind", "start", "end", "char_start", "char_end")}


def test_the_fixture_file_has_cases():
    assert len(CASES) >= 8
    assert any(len(c["text"]) != len(c["text"].encode("utf-16-le")) // 2 for c in CASES), "an astral char"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_case(case):
    redactor = aa.Redactor(case["kinds"])
    expected = [shape(e) for e in case["entities"]]
    assert redactor.redact(case["text"]) == {"text": case["redacted"], "entities": expected}
    assert redactor.find(case["text"]) == expected
    encoded = case["text"].encode("utf-8")
    for entity in case["entities"]:
        # char offsets are str indices; byte offsets index the UTF-8 encoding.
        assert case["text"][entity["char_start"]:entity["char_end"]] == entity["value"]
        assert encoded[entity["start"]:entity["end"]].decode("utf-8") == entity["value"]


def test_an_emoji_before_an_entity_shifts_byte_offsets_but_not_str_indices():
    text = "😀 card 4111 1111 1111 1111"
    [entity] = aa.Redactor().find(text)
    assert entity == {"kind": "card", "start": 10, "end": 29, "char_start": 7, "char_end": 26}
    assert text[entity["char_start"]:entity["char_end"]] == "4111 1111 1111 1111"


def test_redact_batch_matches_redact_in_order():
    redactor = aa.Redactor()
    texts = [c["text"] for c in CASES] + ["", "nothing here"]
    expected = [redactor.redact(t) for t in texts]
    assert redactor.redact_batch(texts) == expected
    assert redactor.redact_batch(iter(texts)) == expected
    assert redactor.redact_batch(tuple(texts)) == expected
    assert redactor.redact_batch([]) == []


def test_kinds_repr_and_equality():
    assert aa.Redactor().kinds == ALL_KINDS
    assert aa.Redactor(None).kinds == ALL_KINDS
    assert aa.Redactor(["email", "card", "email"]).kinds == ["card", "email"]
    assert aa.Redactor([]).kinds == []
    assert repr(aa.Redactor(("email", "card"))) == "Redactor(kinds=['card', 'email'])"
    assert aa.Redactor(["card", "email"]) == aa.Redactor(["email", "card"])
    assert aa.Redactor(["card"]) != aa.Redactor()


def test_invalid_kinds():
    with pytest.raises(aa.InvalidArgumentError, match=r"unknown PII kind \"credit_card\"; the kinds are card, ssn"):
        aa.Redactor(["card", "credit_card"])
    with pytest.raises(aa.InvalidArgumentError, match="unknown PII kind"):
        aa.Redactor(["Card"])
    with pytest.raises(TypeError, match="kinds must be an iterable of str, got str"):
        aa.Redactor("card")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="kinds must hold only str, got int"):
        aa.Redactor([1])  # type: ignore[list-item]


def test_invalid_texts():
    redactor = aa.Redactor()
    with pytest.raises(TypeError):
        redactor.find(b"4111 1111 1111 1111")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="texts must be an iterable of str, got str"):
        redactor.redact_batch("4111 1111 1111 1111")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="texts must hold only str, got NoneType"):
        redactor.redact_batch(["ok", None])  # type: ignore[list-item]

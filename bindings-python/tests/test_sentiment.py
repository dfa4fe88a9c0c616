"""SentimentAnalyzer: result shape, VADER's known faults, batches over lists and tables, and bad input."""

import math

import pytest

import aybiza_analytics as aa

EMOTIONS = ["frustrated", "angry", "confused", "satisfied", "happy"]
FLAT_COLUMNS = ["score", "label", "intensity", *EMOTIONS, "urgency"]


@pytest.fixture(scope="module")
def analyzer():
    return aa.SentimentAnalyzer()


def check_shape(result):
    assert set(result) == {"score", "label", "intensity", "emotions", "urgency"}
    assert -1.0 <= result["score"] <= 1.0
    assert result["label"] in ("negative", "neutral", "positive")
    assert 0.0 <= result["intensity"] <= 1.0
    assert 0.0 <= result["urgency"] <= 1.0
    assert sorted(result["emotions"]) == sorted(EMOTIONS)
    assert all(0.0 <= v <= 1.0 for v in result["emotions"].values())


def test_analyze_returns_the_documented_shape_and_label_band(analyzer):
    result = analyzer.analyze("I've been on hold for an hour and I want to cancel my account!")
    check_shape(result)
    assert result["label"] == "negative"
    assert result["score"] <= -0.05
    assert result["emotions"]["frustrated"] > 0.3
    happy = analyzer.analyze("Thank you so much, that fixed it!")
    assert happy["label"] == "positive" and happy["score"] >= 0.05


@pytest.mark.parametrize("text", ["no problems", "not bad", "No problems at all, it works."])
def test_vader_faults_are_not_negative(analyzer, text):
    assert analyzer.analyze(text)["score"] > -0.05


def test_a_long_text_does_not_drift(analyzer):
    sentence = "The agent was polite but the refund took three calls. "
    one = analyzer.analyze(sentence)["score"]
    many = analyzer.analyze(sentence * 200)["score"]
    assert abs(many - one) < 0.3


def test_bytes_and_str_give_the_same_result(analyzer):
    text = "Très bien, merci 😀"
    assert analyzer.analyze(text.encode("utf-8")) == analyzer.analyze(text)
    assert analyzer.analyze(bytearray(text.encode("utf-8"))) == analyzer.analyze(text)


def test_invalid_utf8_is_a_typed_error(analyzer):
    with pytest.raises(aa.InvalidArgumentError, match="not valid UTF-8.*offset 3"):
        analyzer.analyze(b"bad\xff\xfe bytes")
    with pytest.raises(aa.InvalidArgumentError, match="surrogate"):
        analyzer.analyze("lone \ud800 surrogate")
    with pytest.raises(aa.InvalidArgumentError, match=r"texts\[1\].*UTF-8"):
        analyzer.analyze_batch(["fine", b"\xc3\x28"])


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_empty_text_is_an_invalid_argument(analyzer, text):
    with pytest.raises(aa.InvalidArgumentError, match="empty"):
        analyzer.analyze(text)


def test_the_length_limit_is_configurable_and_enforced():
    small = aa.SentimentAnalyzer(max_text_bytes=10)
    assert small.max_text_bytes == 10
    assert repr(small) == "SentimentAnalyzer(max_text_bytes=10)"
    small.analyze("ten bytes!")
    with pytest.raises(aa.InvalidArgumentError, match="over the limit of 10"):
        small.analyze("eleven byte")
    # the limit counts UTF-8 bytes, not characters: 4 emoji are 16 bytes
    with pytest.raises(aa.InvalidArgumentError, match="16 bytes"):
        small.analyze("😀😀😀😀")
    assert aa.SentimentAnalyzer().max_text_bytes == 16 * 1024
    with pytest.raises(aa.InvalidArgumentError):
        aa.SentimentAnalyzer(max_text_bytes=0)


def test_wrong_types_are_type_errors(analyzer):
    with pytest.raises(TypeError):
        analyzer.analyze(42)
    with pytest.raises(TypeError, match="single str"):
        analyzer.analyze_batch("one text")
    with pytest.raises(TypeError, match=r"texts\[1\] must be str or bytes, got NoneType"):
        analyzer.analyze_batch(["fine", None])
    with pytest.raises(ValueError, match="output"):
        analyzer.analyze_batch(["fine"], output="polars")


TEXTS = ["thanks, that fixed it", "still not working, this is ridiculous", "my order number is 12345"]


def test_batch_matches_analyze_in_order(analyzer):
    expected = [analyzer.analyze(t) for t in TEXTS]
    assert analyzer.analyze_batch(TEXTS) == expected
    assert analyzer.analyze_batch(tuple(TEXTS)) == expected
    assert analyzer.analyze_batch([]) == []
    assert analyzer.analyze_batch([{"text": t} for t in TEXTS]) == expected
    assert analyzer.analyze_batch({"body": TEXTS}, text_column="body") == expected


def test_batch_errors_name_the_index(analyzer):
    with pytest.raises(aa.InvalidArgumentError, match=r"texts\[2\]: text is empty"):
        analyzer.analyze_batch(["a fine text", "another", ""])


def test_pandas_in_and_out(analyzer):
    pandas = pytest.importorskip("pandas")
    expected = analyzer.analyze_batch(TEXTS)
    assert analyzer.analyze_batch(pandas.Series(TEXTS)) == expected
    frame = pandas.DataFrame({"id": [1, 2, 3], "utterance": TEXTS})
    assert analyzer.analyze_batch(frame, text_column="utterance") == expected
    table = analyzer.analyze_batch(frame, text_column="utterance", output="pandas")
    assert isinstance(table, pandas.DataFrame)
    assert list(table.columns) == FLAT_COLUMNS
    assert len(table) == 3
    for row, want in zip(table.to_dict("records"), expected):
        assert row["label"] == want["label"]
        assert math.isclose(row["score"], want["score"])
        for emotion in EMOTIONS:
            assert math.isclose(row[emotion], want["emotions"][emotion])
    with pytest.raises(KeyError, match="text"):
        analyzer.analyze_batch(frame)
    with pytest.raises(TypeError, match="got float"):
        analyzer.analyze_batch(pandas.Series(["fine", float("nan")]))


def test_arrow_in_and_out(analyzer):
    pyarrow = pytest.importorskip("pyarrow")
    expected = analyzer.analyze_batch(TEXTS)
    assert analyzer.analyze_batch(pyarrow.array(TEXTS)) == expected
    table = pyarrow.table({"text": TEXTS, "n": [1, 2, 3]})
    assert analyzer.analyze_batch(table) == expected
    out = analyzer.analyze_batch(table, output="arrow")
    assert isinstance(out, pyarrow.Table)
    assert out.column_names == FLAT_COLUMNS
    assert out.column("label").to_pylist() == [e["label"] for e in expected]

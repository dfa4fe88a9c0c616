"""The README's Python tour runs as written and prints what its comments say."""

import contextlib
import io

import aybiza_analytics as aa
from conftest import REPO_ROOT

TONES = {"apologetic_understanding", "patient_explanatory", "friendly_efficient", "professional_neutral"}


def readme_block(heading, language):
    """The first fenced `language` block under the README's `### heading`."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(f"\n### {heading}\n") :]
    start = section.index(f"```{language}\n") + len(f"```{language}\n")
    return section[start : section.index("```\n", start)]


def test_the_python_tour_runs_as_written(tmp_path, monkeypatch):
    sample = aa.simulate_jsonl({"seed": 3, "tenants": 1, "days": 3, "calls_per_day": 20, "anomaly_days": 1})
    (tmp_path / "calls.jsonl").write_text(sample, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(readme_block("Python", "python"), "README.md (Python tour)", "exec"), {})

    ingested, redacted, label, live = printed.getvalue().splitlines()
    assert ingested == f"{len(sample.splitlines())} []"
    assert redacted == "card [CARD]"
    assert label == "negative"
    risk, tone = live.split()
    assert 0.0 <= float(risk) <= 1.0
    assert tone in TONES
    assert (tmp_path / "calls.db").is_file()
    assert (tmp_path / "out" / "report.html").is_file()
    assert (tmp_path / "out" / "report.json").is_file()

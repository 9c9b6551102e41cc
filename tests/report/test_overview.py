"""The overview chart at the top of the report (every claim's gap over its tolerance against
the ±1 band), the SVG writer behind every chart, and the folding of claims without runs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_report import CARD, EPOCH, make_example, write

from starter.report import model as report_model
from starter.report import overview, svg
from starter.report import write as report
from starter.track.values import ClaimStatus

SVG = "{http://www.w3.org/2000/svg}"


def claim(claim_id: str, verdict: str, **fields) -> ClaimStatus:
    base = dict(
        metric="error", reported=5.0, reported_text="5.0", unit="%", direction="lower",
        tolerance=0.5, tolerance_origin="stated", n=5, mean=5.1, sd=0.1, ci95=(-0.3, 0.1),
        best=4.9, gap=-0.1,
    )  # fmt: skip
    base.update(fields)
    return ClaimStatus(id=claim_id, verdict=verdict, **base)  # type: ignore[arg-type]


def visible(element: ET.Element) -> str:
    """A <text>'s shown words, without its <title> tooltip."""
    title = element.find(f"{SVG}title")
    return (element.text or "") if title is None else (title.tail or "")


def chart_texts(text: str) -> list[str]:
    return [visible(t) for t in ET.fromstring(text).iter(f"{SVG}text")]


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_example(tmp_path / "example2020-repro")


def test_overview_puts_each_claim_in_tolerances_and_lists_the_rest_by_why() -> None:
    claims = [
        claim("ok", "reproduced", tolerance=0.5, gap=-0.1, ci95=(-0.3, 0.1)),
        claim("bad", "not-reproduced", tolerance=0.2, gap=-1.0, ci95=(-1.2, -0.8)),
        claim("one", "indicative", n=1, sd=None, ci95=None, gap=0.2, detail="consistent"),
        claim("todo", "pending", n=0, mean=None, ci95=None, gap=None),
        claim("nt", "needs-tolerance", tolerance=None, gap=0.3),
        claim("size", "not-judged", direction="none", n=0, gap=None),
    ]

    data = overview.data(claims, report_model.VERDICT_ORDER, {"one": "indicative: consistent"})

    rows = {r["id"]: r for r in data["rows"]}
    assert [r["id"] for r in data["rows"]] == ["bad", "ok", "one"]  # not reproduced first
    assert rows["bad"]["gap"] == pytest.approx(-5.0)
    assert (rows["bad"]["low"], rows["bad"]["high"]) == pytest.approx((-6.0, -4.0))
    assert rows["ok"]["low"] == pytest.approx(-0.6) and rows["ok"]["kind"] == "interval"
    assert rows["one"]["kind"] == "point" and rows["one"]["low"] is None
    assert rows["one"]["words"] == "indicative: consistent"
    assert data["off_chart"] == [  # in the report's order of verdicts
        {"why": "needs a tolerance", "claims": ["nt"]},
        {"why": "no runs yet", "claims": ["todo"]},
        {"why": "not judged (qualitative claims and facts)", "claims": ["size"]},
    ]


def test_overview_chart_marks_what_lies_off_the_axis_with_its_value() -> None:
    claims = [
        claim("far", "not-reproduced", tolerance=0.1, gap=-0.9, ci95=(-1.0, -0.8)),
        claim("wide", "inconclusive", tolerance=0.1, gap=0.1, ci95=(-0.2, 0.75)),
        claim("ok", "reproduced"),
    ]
    data = overview.data(claims, report_model.VERDICT_ORDER, {})

    text = overview.figure(data)

    assert text == overview.figure(data)  # the same data, the same bytes
    texts = chart_texts(text)
    assert "gap −9.00 (−10.00 to −8.00)" in texts  # the whole interval off the left edge
    assert "to +7.50" in texts  # one end off the right edge
    assert {"far", "wide", "ok", "within tolerance", "−1", "0", "+1"} <= set(texts)
    assert text.count("<polygon") == 2 + 2  # two arrowheads, two diamonds (one clipped)


def test_overview_chart_without_runs_says_so_and_names_every_claim() -> None:
    claims = [claim(f"c{i}", "pending", n=0, mean=None, ci95=None, gap=None) for i in range(3)]

    texts = chart_texts(overview.figure(overview.data(claims, report_model.VERDICT_ORDER, {})))

    assert "no claim has runs and a tolerance yet" in texts
    assert "Not on the chart: no runs yet (3): c0, c1, c2" in texts


def test_every_report_opens_with_the_overview(example: Path) -> None:
    md = report.generate(example, "md")
    html = report.generate(example, "html").output.read_text(encoding="utf-8")
    data = json.loads(report.generate(example, "json", "-").text)["overview"]

    text = md.output.read_text(encoding="utf-8")
    chart = (example / "report" / "plots" / "overview.svg").read_text(encoding="utf-8")
    assert text.index("](plots/overview.svg)") < text.index("## Claims")
    assert html.index('<figure class="overview"') < html.index('<section id="claims">')
    assert [r["id"] for r in data["rows"]] == ["accuracy", "train-error", "test-error"]
    assert "accuracy" in chart_texts(chart) and chart.rstrip("\n") in html  # the same chart
    assert "No runs yet: train-size." in text


def test_many_claims_without_runs_fold_into_one_line(tmp_path: Path) -> None:
    root = tmp_path / "many"
    extra = "".join(
        f'\n[[claims]]\nid = "fact-{i}"\nmetric = "count"\nvalue = {i}\nunit = "items"\n'
        'direction = "none"\n'
        for i in range(5)
    )
    write(root / "paper.toml", CARD.format(train_tolerance="") + extra)

    model = json.loads(report.generate(root, "json", "-").text)
    md = report.generate(root, "md", "-").text
    html = report.generate(root, "html", "-").text

    group = next(g for g in model["groups"] if g["title"] == "No runs yet")
    assert len(group["claims"]) == 9
    assert group["folded"].startswith("test-error (central): 5.0 %; accuracy (central): 76.2 %")
    assert "fact-4: 4 items" in group["folded"]
    assert "### No runs yet (9)\n\ntest-error (central): 5.0 %;" in md
    assert md.count("**no runs yet**") == 0 and 'data-claim="fact-0"' not in html
    assert '<p class="folded" data-folded="test-error accuracy' in html


def test_a_few_claims_without_runs_keep_their_rows(example: Path) -> None:
    model = json.loads(report.generate(example, "json", "-").text)

    assert all(g["folded"] is None for g in model["groups"])


# ----------------------------------------------------------------------------- svg


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [(0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1.0]), (4.2, 5.5, [4.25, 4.5, 4.75, 5.0, 5.25, 5.5])],
)
def test_ticks_are_round_numbers_covering_the_range(low, high, ticks) -> None:
    found, _ = svg.nice_ticks(low, high)

    assert found == pytest.approx(ticks)


@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_ticks_stay_inside_the_range_and_are_few(low: float, span: float) -> None:
    ticks, step = svg.nice_ticks(low, low + span)

    slack = step * 1e-6 + abs(low) * 1e-12  # float rounding of index * step
    assert 1 <= len(ticks) <= 13
    assert all(low - slack <= t <= low + span + slack for t in ticks)


def test_tick_text_uses_a_real_minus_and_the_decimals_of_its_step() -> None:
    assert svg.tick_text(-0.5, 0.25) == "−0.50"
    assert svg.tick_text(2.5, 2.5) == "2.5"
    assert svg.tick_text(1e-17, 0.2) == "0.0"
    assert svg.tick_text(64660, 10000) == "64,660"


def test_chart_text_is_escaped_and_labels_that_do_not_fit_are_shortened() -> None:
    long_id = "a<b>&" + "x" * 200
    text = overview.figure(
        overview.data([claim(long_id, "reproduced")], report_model.VERDICT_ORDER, {})
    )

    root = ET.fromstring(text)  # well-formed despite <, > and &
    label = next(t for t in root.iter(f"{SVG}text") if visible(t).endswith("…"))
    assert label.find(f"{SVG}title").text == long_id  # the whole id as a tooltip
    assert svg.text_width(visible(label)) < 640 * 0.35


def test_a_claim_named_overview_gets_a_file_of_its_own() -> None:
    from starter.report.plots import file_name

    assert file_name("overview") == "claim-overview"
    assert file_name("top-1 acc") == "top-1-acc"


def test_claim_chart_of_a_range_claim_shades_the_range() -> None:
    from starter.report.plots import claim_figure

    ranged = replace(claim("r", "reproduced"), reported=(1.2, 1.5), reported_text="1.2–1.5")

    text = claim_figure(ranged)

    assert 'class="st-range"' in text and "paper 1.2–1.5 %" in chart_texts(text)

"""The score pictures are well-formed SVG that say what the scores say."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from ingest.classify.charts import PLOT, confusion_heatmap, heat_colour, reliability_diagram
from ingest.classify.metrics import scores

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def stored_scores():
    """Scores of a noisy 14-category model, through JSON as ModelVersion stores them."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 14, 700)
    proba = rng.dirichlet(np.full(14, 0.3), size=700)
    proba[np.arange(350), labels[:350]] += 2.0  # half the clauses confidently right
    proba /= proba.sum(axis=1, keepdims=True)
    return json.loads(json.dumps(scores(proba, labels)))


def darkness(fill: str) -> int:
    """0 for white, larger for darker."""
    return 3 * 255 - sum(int(fill[i : i + 2], 16) for i in (1, 3, 5))


def cells(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(".//svg:rect[@class='cell']", NS)


def test_heatmap_is_svg_with_one_cell_per_matrix_entry(stored_scores):
    svg = confusion_heatmap(stored_scores, [f"类别{i}" for i in range(15)])
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    found = cells(svg)
    assert len(found) == 15 * 15  # the 14 instruments and 非政策工具
    matrix = stored_scores["confusion_matrix"]
    assert [int(c.get("data-count")) for c in found] == [n for row in matrix for n in row]
    labels = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert "0 类别0" in labels and "13 类别13" in labels


def test_heatmap_colours_scale_with_counts_within_a_row():
    matrix = [[0, 1, 5, 20], [3, 0, 0, 0], [0, 0, 50, 50], [0, 0, 0, 0]]
    row = [darkness(c.get("fill")) for c in cells(confusion_heatmap({"confusion_matrix": matrix}))]
    first = row[:4]
    assert first == sorted(first) and len(set(first)) == 4  # 0 < 1 < 5 < 20
    assert first[0] == 0  # an empty cell is white
    # Colour is the share of the true category: 3 of 3 is as dark as it gets,
    # and 50 of 100 is lighter than 20 of 26.
    assert row[4] == darkness(heat_colour(1.0)) == max(row)
    assert row[10] == row[11] < first[3]
    assert row[12:] == [0, 0, 0, 0]  # a category with no clauses draws no colour


def test_heatmap_escapes_names():
    names = ['<script>alert("x")</script>', "A & B", *map(str, range(2, 14))]
    matrix = [[1 if i == j else 0 for j in range(14)] for i in range(14)]
    svg = confusion_heatmap({"confusion_matrix": matrix}, names)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "A &amp; B" in svg
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert '0 <script>alert("x")</script>' in texts  # parsed back, the name is intact


def test_reliability_diagram_draws_each_filled_bin(stored_scores):
    svg = reliability_diagram(stored_scores)
    root = ET.fromstring(svg)
    filled = [b for b in stored_scores["calibration"] if b["count"]]
    assert len(filled) >= 3
    bars = root.findall(".//svg:rect[@class='bin']", NS)
    counts = root.findall(".//svg:rect[@class='count']", NS)
    assert len(bars) == len(counts) == len(filled)
    assert len(root.findall(".//svg:line[@class='diagonal']", NS)) == 1
    points = root.find(".//svg:polyline[@class='curve']", NS).get("points").split()
    assert len(points) == len(filled)
    # Accuracy bars grow upwards with accuracy; count bars with the count.
    heights = [float(r.get("height")) for r in bars]
    assert np.allclose(heights, [PLOT * b["accuracy"] for b in filled], atol=0.1)
    count_heights = [float(r.get("height")) for r in counts]
    biggest = max(range(len(filled)), key=lambda i: filled[i]["count"])
    assert count_heights[biggest] == max(count_heights)
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {str(b["count"]) for b in filled} <= texts


def test_reliability_diagram_of_a_perfect_model_lies_on_the_diagonal():
    calibration = [
        {"lower": i / 10, "upper": (i + 1) / 10, "count": 0, "confidence": None, "accuracy": None}
        for i in range(10)
    ]
    calibration[9].update(count=40, confidence=1.0, accuracy=1.0)
    root = ET.fromstring(reliability_diagram({"calibration": calibration}))
    diagonal = root.find(".//svg:line[@class='diagonal']", NS)
    end = (diagonal.get("x2"), diagonal.get("y2"))
    point = root.find(".//svg:polyline[@class='curve']", NS).get("points")
    assert point == ",".join(end)
    assert len(root.findall(".//svg:rect[@class='count']", NS)) == 1

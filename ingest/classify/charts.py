"""The classifier's scores as pictures: inline SVG drawn on the server.

Each function takes the ``scores`` dict of ``metrics.scores`` as
``ModelVersion.scores`` stores it (JSON, so per-category keys may be strings)
and returns one ``<svg>`` element as a string. No JavaScript and no external
asset, so the pictures show in any browser, offline, and tests can parse
them. Every piece of text is escaped; the caller may mark the result safe.
Lines and labels use ``currentColor`` and follow the page's text colour
(the admin has a dark theme).
"""

import math
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"
HEAT_LOW = (255, 255, 255)
HEAT_HIGH = (23, 63, 110)
BAR_FILL = "#9ecae1"
CURVE = "#d6604d"

# Confusion matrix layout (px): row names at the left, category ids on top.
CELL = 32
HEAT_LEFT = 160
HEAT_TOP = 44

# Reliability diagram layout (px): the curve above, the bin counts below.
PLOT = 300
LEFT = 52
TOP = 14
GAP = 14
COUNTS = 80
BOTTOM = 44
TICKS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="img" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x, y, content, anchor="start", **attributes) -> str:
    extra = "".join(
        f' {name.replace("_", "-")}="{escape(str(v))}"' for name, v in attributes.items()
    )
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="currentColor"{extra}>'
        f"{escape(str(content))}</text>"
    )


def heat_colour(share: float) -> str:
    """White for 0, dark blue for 1. The square root lifts small shares: the
    errors off the diagonal (a few per cent) must show beside a diagonal of
    60–80 %."""
    t = math.sqrt(min(max(share, 0.0), 1.0))
    r, g, b = (round(low + (high - low) * t) for low, high in zip(HEAT_LOW, HEAT_HIGH, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def confusion_heatmap(scores: dict, names: list[str] | None = None) -> str:
    """The confusion matrix, true category per row, predicted per column.

    A cell's colour is its share of the row (of the clauses truly in that
    category, how many got this prediction), so a rare category's confusions
    show as clearly as a common one's; the number in the cell is the count.
    ``names`` label the rows (default: the category ids).
    """
    matrix = scores["confusion_matrix"]
    size = len(matrix)
    names = names or [str(i) for i in range(size)]
    width = HEAT_LEFT + size * CELL + 8
    height = HEAT_TOP + size * CELL + 8
    body = [
        _text(HEAT_LEFT + size * CELL / 2, 14, "预测类别", "middle", font_weight="bold"),
        _text(HEAT_LEFT - 8, HEAT_TOP - 8, "真实类别 ↓", "end", font_weight="bold"),
    ]
    for column in range(size):
        body.append(_text(HEAT_LEFT + (column + 0.5) * CELL, HEAT_TOP - 8, column, "middle"))
    for row, counts in enumerate(matrix):
        total = sum(counts)
        y = HEAT_TOP + row * CELL
        body.append(_text(HEAT_LEFT - 8, y + CELL / 2 + 4, f"{row} {names[row]}", "end"))
        for column, count in enumerate(counts):
            share = count / total if total else 0.0
            x = HEAT_LEFT + column * CELL
            tip = f"真实：{names[row]} → 预测：{names[column]}：{count} 条（占该类 {share:.1%}）"
            body.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
                f'fill="{heat_colour(share)}" stroke="#ffffff" stroke-width="1" '
                f'data-count="{count}"><title>{escape(tip)}</title></rect>'
            )
            if count:
                ink = "#ffffff" if share > 0.3 else "#222222"
                body.append(
                    f'<text x="{x + CELL / 2:.1f}" y="{y + CELL / 2 + 4:.1f}" '
                    f'text-anchor="middle" font-size="10" fill="{ink}">{count}</text>'
                )
    return _svg(width, height, "混淆矩阵（行：真实类别，列：预测类别）", body)


def reliability_diagram(scores: dict) -> str:
    """Accuracy against confidence per confidence bin, with the diagonal of a
    perfectly calibrated model, and below it how many clauses fall in each bin."""
    bins = scores["calibration"]
    filled = [b for b in bins if b["count"]]
    most = max((b["count"] for b in filled), default=1)

    def x(value):
        return LEFT + value * PLOT

    def y(value):
        return TOP + (1 - value) * PLOT

    counts_top = TOP + PLOT + GAP
    body = []
    for tick in TICKS:
        body.append(
            f'<line x1="{x(0):.1f}" y1="{y(tick):.1f}" x2="{x(1):.1f}" y2="{y(tick):.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        body.append(_text(x(0) - 6, y(tick) + 4, f"{tick:.1f}", "end"))
        body.append(_text(x(tick), counts_top + COUNTS + 16, f"{tick:.1f}", "middle"))
    for b in filled:
        tip = (
            f"置信度 {b['lower']:.1f}–{b['upper']:.1f}：{b['count']} 条，"
            f"平均置信度 {b['confidence']:.3f}，准确率 {b['accuracy']:.1%}"
        )
        left, right = x(b["lower"]) + 1, x(b["upper"]) - 1
        body.append(
            f'<rect class="bin" x="{left:.1f}" y="{y(b["accuracy"]):.1f}" '
            f'width="{right - left:.1f}" height="{y(0) - y(b["accuracy"]):.1f}" '
            f'fill="{BAR_FILL}" fill-opacity="0.7"><title>{escape(tip)}</title></rect>'
        )
        bar = COUNTS * b["count"] / most
        body.append(
            f'<rect class="count" x="{left:.1f}" y="{counts_top + COUNTS - bar:.1f}" '
            f'width="{right - left:.1f}" height="{bar:.1f}" fill="currentColor" '
            f'fill-opacity="0.35"><title>{escape(tip)}</title></rect>'
        )
        body.append(
            _text(
                (left + right) / 2,
                counts_top + COUNTS - bar - 3,
                b["count"],
                "middle",
                font_size="10",
            )
        )
    body.append(
        f'<line class="diagonal" x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" '
        f'y2="{y(1):.1f}" stroke="currentColor" stroke-opacity="0.6" stroke-dasharray="5 4"/>'
    )
    points = " ".join(f"{x(b['confidence']):.1f},{y(b['accuracy']):.1f}" for b in filled)
    if points:
        body.append(
            f'<polyline class="curve" points="{points}" fill="none" stroke="{CURVE}" '
            f'stroke-width="2"/>'
        )
    for b in filled:
        body.append(
            f'<circle cx="{x(b["confidence"]):.1f}" cy="{y(b["accuracy"]):.1f}" r="3.5" '
            f'fill="{CURVE}"/>'
        )
    body += [
        f'<rect x="{x(0):.1f}" y="{y(1):.1f}" width="{PLOT}" height="{PLOT}" fill="none" '
        f'stroke="currentColor" stroke-opacity="0.6"/>',
        f'<line x1="{x(0):.1f}" y1="{counts_top + COUNTS:.1f}" x2="{x(1):.1f}" '
        f'y2="{counts_top + COUNTS:.1f}" stroke="currentColor" stroke-opacity="0.6"/>',
        _text(x(0.5), counts_top + COUNTS + 36, "置信度（模型给出的最高概率）", "middle"),
        _text(14, y(0.5), "准确率", "middle", transform=f"rotate(-90 14 {y(0.5):.1f})"),
        _text(
            14,
            counts_top + COUNTS / 2,
            "条数",
            "middle",
            transform=f"rotate(-90 14 {counts_top + COUNTS / 2:.1f})",
        ),
    ]
    height = counts_top + COUNTS + BOTTOM
    return _svg(LEFT + PLOT + 16, height, "校准曲线：各置信度区间的准确率与条数", body)

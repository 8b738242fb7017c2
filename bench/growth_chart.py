"""p95 search latency against corpus size, as an SVG drawn by hand.

    .venv/bin/python bench/growth_chart.py

Reads every bench/results/search-N.json that bench/search_bench.py wrote and
draws the overall p95 and each query class's p95 of the application, and the
overall p95 of FTS5, on logarithmic axes (clauses × milliseconds), into
bench/results/search_growth.svg.
"""

import json
import math
import re
from html import escape
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
WIDTH, HEIGHT = 800, 440
LEFT, RIGHT, TOP, BOTTOM = 70, 240, 40, 50
# Overall lines are bold; the application's classes are thin lines in their own colours.
SERIES_STYLE = {
    ("app", "overall"): ("#c0392b", 3, "/api/search, all queries"),
    ("fts5", "overall"): ("#2c7fb8", 3, "SQLite FTS5, all queries"),
}
CLASS_COLOURS = ["#e67e22", "#8e44ad", "#16a085", "#7f8c8d", "#d35400", "#27ae60", "#f1c40f"]


def load() -> list[dict]:
    # search-100000.json, not the runs kept under other names (search-100000-postings.json)
    paths = [p for p in RESULTS_DIR.glob("search-*.json") if re.fullmatch(r"search-\d+", p.stem)]
    results = [json.loads(p.read_text()) for p in paths]
    return sorted(results, key=lambda r: r["clauses"])


def series(results: list[dict]) -> list[tuple[str, int, str, list[tuple[int, float]]]]:
    """(colour, stroke width, label, points) of every line."""
    lines = []
    classes = [name for name in results[0]["app"] if name != "overall"]
    for index, name in enumerate(classes):
        label = f"/api/search, {name}"
        points = [(r["clauses"], r["app"][name]["p95"]) for r in results]
        lines.append((CLASS_COLOURS[index % len(CLASS_COLOURS)], 1, label, points))
    for (engine, name), (colour, width, label) in SERIES_STYLE.items():
        lines.append(
            (colour, width, label, [(r["clauses"], r[engine][name]["p95"]) for r in results])
        )
    return lines


def log_scale(low: float, high: float, start: float, end: float):
    low, high = math.log10(low), math.log10(high)
    span = (high - low) or 1.0
    return lambda value: start + (math.log10(value) - low) / span * (end - start)


def decades(low: float, high: float) -> list[float]:
    return [10.0**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


def draw(results: list[dict]) -> str:
    lines = series(results)
    xs = [x for _, _, _, points in lines for x, _ in points]
    ys = [y for _, _, _, points in lines for _, y in points]
    y_ticks = decades(min(ys), max(ys))
    x_of = log_scale(min(xs) / 1.3, max(xs) * 1.3, LEFT, WIDTH - RIGHT)
    y_of = log_scale(y_ticks[0], y_ticks[-1], HEIGHT - BOTTOM, TOP)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="15">p95 of a search (ms) against clauses indexed, log scales</text>',
    ]
    for tick in y_ticks:
        y = y_of(tick)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    for clauses in sorted(set(xs)):
        x = x_of(clauses)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
            f"{clauses // 1000:,}k</text>"
        )
    out.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 12}" text-anchor="middle">clauses</text>'
    )
    for index, (colour, width, label, points) in enumerate(lines):
        path = " ".join(f"{x_of(x):.1f},{y_of(y):.1f}" for x, y in points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width}"/>'
        )
        for x, y in points:
            out.append(f'<circle cx="{x_of(x):.1f}" cy="{y_of(y):.1f}" r="3" fill="{colour}"/>')
        legend_y = TOP + 10 + index * 20
        out.append(
            f'<line x1="{WIDTH - RIGHT + 15}" x2="{WIDTH - RIGHT + 40}" y1="{legend_y}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="{width}"/>'
        )
        out.append(f'<text x="{WIDTH - RIGHT + 46}" y="{legend_y + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    results = load()
    if not results:
        raise SystemExit(f"no search-N.json in {RESULTS_DIR}: run bench/search_bench.py first")
    out = RESULTS_DIR / "search_growth.svg"
    out.write_text(draw(results), encoding="utf-8")
    print(f"{out} ({', '.join(str(r['clauses']) for r in results)} clauses)")


if __name__ == "__main__":
    main()

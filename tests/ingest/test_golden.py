"""The pipeline's output for real and synthetic inputs equals the reviewed golden JSON.

On a mismatch the failure shows a unified diff of the JSON text. When the
change is intended, run ``.venv/bin/python -m tests.golden.regenerate`` and
commit the golden files with the code, so the reviewer reads the diff.
"""

import difflib

import pytest

from tests.golden.regenerate import REPO, cases, parsed, render

# Enough of the diff to see what changed without flooding the terminal.
MAX_DIFF_LINES = 120

CASES = cases()


def test_every_seed_and_input_has_a_golden_file():
    missing = [str(golden.relative_to(REPO)) for _, golden in CASES if not golden.exists()]
    assert len(CASES) >= 6, "expected the 3 seeds and at least 3 synthetic inputs"
    assert not missing, f"run `python -m tests.golden.regenerate` to create {missing}"


@pytest.mark.parametrize(("source", "golden"), CASES, ids=[source.name for source, _ in CASES])
def test_parse_output_matches_golden(source, golden):
    if not golden.exists():
        pytest.fail(f"no golden file {golden.name}: run `python -m tests.golden.regenerate`")
    expected = golden.read_text(encoding="utf-8")
    actual = render(parsed(source))
    if actual == expected:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            fromfile=f"golden/{golden.name}",
            tofile=f"parse_path({source.name})",
            lineterm="",
            n=2,
        )
    )
    shown = "\n".join(diff[:MAX_DIFF_LINES])
    if len(diff) > MAX_DIFF_LINES:
        shown += f"\n… {len(diff) - MAX_DIFF_LINES} more diff lines"
    pytest.fail(
        f"parse output differs from {golden.relative_to(REPO)}; if intended, run "
        f"`.venv/bin/python -m tests.golden.regenerate` and review the diff:\n{shown}",
        pytrace=False,
    )

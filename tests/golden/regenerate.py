"""Rewrite the golden JSON of every parser input from the current pipeline.

    .venv/bin/python -m tests.golden.regenerate

Then read ``git diff tests/golden``: every changed line is a change in what
the pipeline makes of real input, to be accepted or fixed.

Inputs are the seed files of the sample corpus (golden JSON in this folder,
named after the seed) and the small synthetic files in ``inputs/`` (golden
JSON beside each input). Parsing is pure, so no Django setup is needed.
"""

import json
import sys
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent
REPO = GOLDEN.parent.parent
SAMPLE = REPO / "data" / "sample"
INPUTS = GOLDEN / "inputs"
# Classification is a later step than parsing; parse_path leaves these None.
NOT_PARSED = ("category", "confidence")

if str(REPO) not in sys.path:  # run as a script from elsewhere
    sys.path.insert(0, str(REPO))


def cases() -> list[tuple[Path, Path]]:
    """(input file, golden JSON) pairs, seeds first."""
    seeds = [(seed, GOLDEN / f"{seed.stem}.json") for seed in sorted(SAMPLE.glob("*.txt"))]
    synthetic = [
        (path, path.with_suffix(".json"))
        for path in sorted(INPUTS.iterdir())
        if path.is_file() and path.suffix != ".json"
    ]
    return seeds + synthetic


def parsed(path: Path) -> list[dict]:
    from ingest.parse import parse_path

    documents = [draft.as_contract() for draft in parse_path(path)]
    for document in documents:
        for clause in document["clauses"]:
            for key in NOT_PARSED:
                del clause[key]
    return documents


def render(documents: list[dict]) -> str:
    """The golden text: one field per line so that diffs point at the field."""
    return json.dumps(documents, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main() -> None:
    for source, golden in cases():
        text = render(parsed(source))
        old = golden.read_text(encoding="utf-8") if golden.exists() else None
        if text != old:
            golden.write_text(text, encoding="utf-8")
        state = "unchanged" if text == old else ("new" if old is None else "updated")
        print(f"{state:9}  {golden.relative_to(REPO)}")


if __name__ == "__main__":
    main()

"""Documents the pipeline finds in the seed files, with their metadata.

.venv/bin/python bench/count_seeds.py [SEED_DIR]
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.clean import clean  # noqa: E402 (after sys.path)
from ingest.parse import parse_path  # noqa: E402
from ingest.readers import read  # noqa: E402
from ingest.split import table_of_contents  # noqa: E402

SEEDS = (
    "002_newsletter_dashuju_dongtai_2023_32.txt",
    "003_compilation_data_asset_policies_2024.txt",
    "004_webpage_data_elements_x_plan_traditional.txt",
)


def describe(draft) -> str:
    region = draft.region
    place = "/".join(filter(None, [region.province, region.city, region.district]))
    return " | ".join(
        str(value)
        for value in (
            draft.title,
            draft.issuer,
            draft.doc_number,
            f"{region.level}:{place}" if region.level else None,
            draft.publish_date,
            draft.effective_date,
            draft.expiry_date,
            draft.doc_type,
            ",".join(draft.status) or "-",
            f"{len(draft.clauses)} clauses" if draft.has_full_text else "no text",
        )
    )


def main(seed_dir: Path) -> None:
    for name in SEEDS:
        path = seed_dir / name
        drafts = parse_path(path)
        full = sum(d.has_full_text for d in drafts)
        print(f"## {name}: {len(drafts)} documents, {full} with full text")
        if name.startswith("003"):
            entries = table_of_contents(clean(read(path).text))
            print(f"   table of contents: {len(entries)} entries")
        for number, draft in enumerate(drafts, 1):
            print(f"{number:4}. {describe(draft)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "data" / "sample")

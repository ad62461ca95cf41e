"""The decision JSON's schema, generated from the API's model into docs/decision.schema.json.

`api.schemas.DecisionPublic` describes the JSON `screening.decision_json` builds (the API's
OpenAPI document uses it), so the documented schema is written from that model rather than by
hand. After changing either, run `python -m api.decision_schema`; tests/test_docs.py fails
while the committed file differs from what this module generates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from api.schemas import DecisionPublic

#: The committed schema, in the checkout's docs/ folder.
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "decision.schema.json"

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_COMMENT = (
    "Generated from api.schemas.DecisionPublic by `python -m api.decision_schema`; "
    "do not edit by hand."
)


def decision_schema() -> dict[str, Any]:
    """The JSON Schema of the decision JSON, as it comes out of the CLI and the API."""
    # Serialization mode: the shape that is written, not what a request may leave out.
    schema = DecisionPublic.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": _DIALECT, "$comment": _COMMENT, **schema}


def render_schema() -> str:
    """The schema file's text: indented JSON, keys in the model's order, a final newline."""
    return json.dumps(decision_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema file, or with --check say whether the committed one is current."""
    parser = argparse.ArgumentParser(prog="python -m api.decision_schema", description=main.__doc__)
    parser.add_argument("--out", type=Path, default=SCHEMA_FILE, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the file differs"
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    text = render_schema()
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current != text:
            print(f"{out} is out of date: run python -m api.decision_schema", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

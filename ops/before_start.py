"""What the runner does before the Rasa server starts, in one process: checks that the stores answer
(ops/check_stores.py), then deletes the conversations older than the retention period (ops/purge.py).

One process rather than one per step: each step imports Rasa's stores, about 1.5 s of a cold start.

Usage: before_start.py --endpoints endpoints.yml --days 30
Exit status: the first failing step's (its own message says why), 0 when both succeed.
"""

from __future__ import annotations

import argparse
import sys

from ops import check_stores, purge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--days", required=True, help="the retention period (ops/purge.py)")
    args = parser.parse_args(argv)
    status = check_stores.main(["--endpoints", args.endpoints])
    if status != 0:
        return status
    return purge.main(["--days", args.days, "--endpoints", args.endpoints])


if __name__ == "__main__":
    sys.exit(main())

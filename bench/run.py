"""`make bench`: every benchmark of the project, one after another (figures on stdout)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_engine.py",
    "bench_pages.py",
    "bench_matching.py",
    "bench_imports.py",
]


def main() -> int:
    status = 0
    for name in BENCHMARKS:
        print(f"\n=== {name} ===", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent, check=False)  # noqa: S603
        status = status or result.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())

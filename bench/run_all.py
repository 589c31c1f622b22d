"""Run every benchmark in this folder, one after another, and print their reports.

The scale benchmarks (issue 12) need PostgreSQL: with `BENCH_DATABASE_URL` set they load a tenth of the
national scale into that database (`generate.py --requests 10000 --sources 100000`) and measure it; the
full size is `make bench-scale` (bench/README.md). Without it they are skipped.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Scripts that need the PostgreSQL database of BENCH_DATABASE_URL, in order, with their quick arguments.
SCALE = {
    "generate.py": ["--requests", "10000", "--sources", "100000"],
    "scale.py": ["--runs", "5"],
    "sources_csv.py": ["--runs", "1"],
    "throughput.py": ["--runs", "3", "--duration", "5"],
}
# Modules the benchmarks load, not benchmarks.
SUPPORT = {"throughput_settings.py", "throughput_urls.py"}


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name in {"run_all.py", "__init__.py", *SCALE, *SUPPORT} or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False).returncode != 0
    database = os.environ.get("BENCH_DATABASE_URL")
    if not database:
        print("== scale benchmarks skipped: set BENCH_DATABASE_URL to a PostgreSQL database (bench/README.md)")
        return 1 if failed else 0
    for name, arguments in SCALE.items():
        print(f"== {name} {' '.join(arguments)}", flush=True)
        env = {**os.environ, "DATABASE_URL": database}
        command = [sys.executable, str(HERE / name), *arguments]
        failed += subprocess.run(command, cwd=HERE.parent, env=env, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run every ``benchmarks/bench_*.py`` and rewrite the table in docs/performance.md.

Usage: ``make bench`` (or ``python benchmarks/run_all.py [name ...]``).
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(a in s.stem for a in argv)]
    rows, failed = [], []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("RESULT "):
                rows.append(json.loads(line[len("RESULT ") :]))
            else:
                print(line)
        if proc.returncode != 0:
            failed.append(script.name)
            print(proc.stderr[-3000:], file=sys.stderr)
    _rewrite_table(rows)
    missed = [r for r in rows if not r["ok"]]
    print(f"{len(rows)} figures, {len(missed)} missed target(s), {len(failed)} script(s) failed")
    return 1 if failed else 0


def _rewrite_table(rows: list[dict]) -> None:
    if not rows:
        return
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        START,
        f"Measured by `make bench` on {machine}.",
        "",
        "| benchmark | figure | value | target | met | note |",
        "|---|---|---:|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['benchmark']} | {r['metric']} | {r['value']:g} {r['unit']} | {r['target']} | "
            f"{'yes' if r['ok'] else '**no**'} | {r.get('note', '')} |"
        )
    lines.append(END)
    text = (
        DOC.read_text(encoding="utf-8")
        if DOC.exists()
        else "# Performance\n\n" + START + "\n" + END + "\n"
    )
    if START not in text:
        text += "\n" + START + "\n" + END + "\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + "\n".join(lines) + tail, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

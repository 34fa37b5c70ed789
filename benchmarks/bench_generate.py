"""Benchmark of the synthetic generator: 1,000,000 cases in ≤ 30 s and ≤ 4 GiB peak.

Each measurement runs in a fresh Python process (peak RSS is per process), in this
order, in the same run:

1. baseline: 100,000 cases, scaled linearly to 1M (shows the generator scales
   linearly, so the 1M figure is not a lucky cache effect);
2. baseline: a straightforward pure-Python version of the indicator stage (one
   loop per case: copula draws, then ``derive_case_type``) on 5,000 cases, scaled
   to 1M (what the vectorised numpy version replaces);
3. ``generate(cases=1_000_000)``: time and peak RSS;
4. ``generate`` then ``toolkit.model.write`` (validation + Parquet) to a temp dir.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_gib, result, timer

N = 1_000_000
SEED = 7
TIME_TARGET_S = 30.0
RSS_TARGET_GIB = 4.0


def _child(mode: str, n: int) -> dict:
    from toolkit.model import write
    from toolkit.synthetic import generate

    generate(cases=50, seed=1)  # imports and caches outside the timing
    out = {}
    if mode == "python_indicators":
        with timer() as t:
            _python_indicators(n)
        out["seconds"] = t()
    else:
        with timer() as t:
            book = generate(cases=n, seed=SEED)
        out["seconds"] = t()
        if mode == "write":
            with tempfile.TemporaryDirectory() as tmp, timer() as tw:
                write(book, Path(tmp) / "bench")
            out["write_seconds"] = tw()
    out["peak_rss_gib"] = peak_rss_gib()
    return out


def _python_indicators(n: int) -> list[str]:
    """The indicator stage written case by case in plain Python (the naive baseline)."""
    import math
    import random
    from statistics import NormalDist

    from toolkit import taxonomy as tx
    from toolkit.model.schemas import ARCHETYPES
    from toolkit.synthetic import GeneratorParams

    p = GeneratorParams()
    rho = p.copula_loading
    rnd = random.Random(SEED)
    inv = NormalDist().inv_cdf
    types = []
    for _ in range(n):
        arch = rnd.choices(ARCHETYPES, weights=[p.archetype_shares[a] for a in ARCHETYPES])[0]
        z = rnd.gauss(0, 1)
        codes = []
        for code, rate in p.base_rates[arch].items():
            if rate <= 0:
                continue
            latent = rho * z + math.sqrt(1 - rho * rho) * rnd.gauss(0, 1)
            if rate >= 1 or inv(rate) > -latent:
                codes.append(code)
        types.append(tx.derive_case_type(codes))
    return types


def _run(mode: str, n: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    small = _run("generate", 100_000)
    naive = _run("python_indicators", 5_000)
    gen = _run("generate", N)
    full = _run("write", N)
    scaled_small = small["seconds"] * N / 100_000
    scaled_naive = naive["seconds"] * N / 5_000
    name = "generate 1M cases"
    result(
        name,
        "baseline: 100k cases x10 (linear scaling)",
        scaled_small,
        "s",
        "-",
        True,
        f"100k took {small['seconds']:.2f} s",
    )
    result(
        name,
        "baseline: pure-Python indicator stage (5k x200)",
        scaled_naive,
        "s",
        "-",
        True,
        f"5k took {naive['seconds']:.2f} s; indicators only",
    )
    result(
        name,
        "generate(cases=1_000_000)",
        gen["seconds"],
        "s",
        f"<= {TIME_TARGET_S:g} s",
        gen["seconds"] <= TIME_TARGET_S,
        f"{gen['seconds'] / scaled_small:.2f}x the 100k-scaled time; "
        f"{scaled_naive / gen['seconds']:.1f}x faster than the pure-Python indicator stage alone",
    )
    result(
        name,
        "generate: peak RSS",
        gen["peak_rss_gib"],
        "GiB",
        f"<= {RSS_TARGET_GIB:g} GiB",
        gen["peak_rss_gib"] <= RSS_TARGET_GIB,
    )
    total = full["seconds"] + full["write_seconds"]
    result(
        name,
        "generate + write (validate, Parquet)",
        total,
        "s",
        f"<= {TIME_TARGET_S:g} s",
        total <= TIME_TARGET_S,
        f"write {full['write_seconds']:.1f} s",
    )
    result(
        name,
        "generate + write: peak RSS",
        full["peak_rss_gib"],
        "GiB",
        f"<= {RSS_TARGET_GIB:g} GiB",
        full["peak_rss_gib"] <= RSS_TARGET_GIB,
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], int(sys.argv[3]))))
    else:
        main()

"""The ``veille`` command line (also ``python -m toolkit``).

Each command is a thin layer over a library function; errors are printed for
people (what, where, what to do) and never show an identifier in full.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    name="veille",
    help=(
        "veille: research toolkit for documenting organised sexual-abuse spaces from "
        "anonymized, synthetic case data. Content warning: the data describes non-consensual "
        "imagery and child-exploitation signals in abstract terms."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


@app.command()
def validate(path: Annotated[Path, typer.Argument(help="Dataset directory.")]) -> None:
    """Check a dataset against every rule of the data model."""
    from toolkit.model import DatasetError, load

    try:
        book = load(path)
    except (DatasetError, FileNotFoundError) as exc:
        _fail(str(exc))
    counts = ", ".join(f"{k} {v}" for k, v in book.row_counts().items())
    console.print(f"[green]valid[/]: {path} ({counts})", highlight=False)


@app.command()
def summary(path: Annotated[Path, typer.Argument(help="Dataset directory.")]) -> None:
    """Counts per table and per case type."""
    from toolkit.model import DatasetError, load

    try:
        book = load(path)
    except (DatasetError, FileNotFoundError) as exc:
        _fail(str(exc))
    tables = Table(title=f"Tables of {path}")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, n in book.row_counts().items():
        tables.add_row(name, f"{n:,}")
    console.print(tables)
    by_type = book.cases.group_by("case_type").len().sort("case_type")
    types = Table(title="Cases per case type")
    types.add_column("case type")
    types.add_column("cases", justify="right")
    types.add_column("share", justify="right")
    total = book.cases.height or 1
    for ct, n in by_type.iter_rows():
        types.add_row(str(ct), f"{n:,}", f"{n / total:.1%}")
    console.print(types)
    m = book.manifest
    if m.get("source") or m.get("seed") is not None:
        console.print(
            f"source: {m.get('source', '?')}, seed: {m.get('seed', '-')}, "
            f"generator: {m.get('generator_version', '-')}",
            highlight=False,
        )


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Dataset directory to write.")],
    cases: Annotated[int, typer.Option("--cases", min=1, help="Number of cases.")] = 600,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data).")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing directory.")] = False,
) -> None:
    """Generate a synthetic dataset with planted truth (written atomically)."""
    from toolkit.model import write
    from toolkit.synthetic import generate as generate_book

    if out.exists() and not force:
        _fail(f"{out} already exists; add --force to replace it")
    book = generate_book(cases=cases, seed=seed, progress=True)
    write(book, out, force=force)
    console.print(f"[green]wrote[/] {out} ({cases:,} cases, seed {seed})", highlight=False)


@app.command()
def audit(
    paths: Annotated[
        list[Path], typer.Argument(help="Files and folders to check (folders recursively).")
    ],
) -> None:
    """Check files for identifiers (links, e-mails, handles, tags, phones, ids, quotes).

    Findings are printed masked, one per line. Exit 0 when clean, 1 with findings, 2 when
    a path does not exist. Paths of [tool.veille.audit] skip in pyproject.toml are skipped.
    """
    from rich.markup import escape

    from toolkit.privacy import audit as run_audit

    try:
        report = run_audit(paths)
    except FileNotFoundError as exc:
        _fail(escape(str(exc)), code=2)
    for finding in report.findings:
        typer.echo(str(finding))
    skipped = []
    if report.binary_skipped:
        skipped.append(f"{len(report.binary_skipped)} binary or unreadable file(s) not read")
    if report.config_skipped:
        skipped.append(f"{len(report.config_skipped)} file(s) in the skip list")
    extra = f" ({'; '.join(skipped)})" if skipped else ""
    n = len(report.findings)
    if n:
        by_kind: dict[str, int] = {}
        for finding in report.findings:
            by_kind[finding.kind] = by_kind.get(finding.kind, 0) + 1
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
        err.print(
            f"[bold red]audit failed[/]: {n} identifier(s) in {report.files_scanned} file(s) "
            f"read{extra}: {kinds}. Remove or anonymize them (see docs/privacy.md).",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    console.print(
        f"[green]audit clean[/]: {report.files_scanned} file(s) read{extra}, no identifier.",
        highlight=False,
        soft_wrap=True,
    )


@app.command("import-journal")
def import_journal(
    files: Annotated[list[Path], typer.Argument(help="Journal file(s), UTF-8 text or Markdown.")],
    out: Annotated[Path, typer.Option("--out", help="Dataset directory to write.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail when an item maps to no code.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing directory.")] = False,
    observer: Annotated[
        str, typer.Option("--observer", help="Pseudonymous observer id, e.g. obs-03.")
    ] = "obs-01",
) -> None:
    """Import monitoring journal(s) into one dataset (refused, writing nothing, on any identifier)."""
    from toolkit.journal import JournalError, read_journal
    from toolkit.model import write
    from toolkit.privacy import PrivacyError

    if out.exists() and not force:
        _fail(f"{out} already exists; add --force to replace it")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _fail(f"no such journal file: {', '.join(missing)}")
    try:
        book, report = read_journal(files, observer_id=observer, strict=strict)
    except (PrivacyError, JournalError) as exc:
        # soft_wrap: each `file:line:column: kind` finding stays on one line (greppable)
        from rich.markup import escape

        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        err.print("nothing was written.", highlight=False)
        raise typer.Exit(1) from None
    console.print(report)
    write(book, out, force=force)
    console.print(
        f"[green]wrote[/] {out} ({book.cases.height} cases, source journal)", highlight=False
    )


@app.command()
def reports(
    data: Annotated[Path, typer.Option("--data", help="Dataset directory.")] = Path(
        "data/synthetic/default"
    ),
    lang: Annotated[str, typer.Option("--lang", help="Languages: fr,en.")] = "fr,en",
    preset: Annotated[
        str,
        typer.Option("--preset", help="Presets: talk,social,print (social = square + portrait)."),
    ] = "talk,social,print",
    fmt: Annotated[
        str, typer.Option("--format", help="Formats: svg,png,html,json,csv (html = gallery).")
    ] = "svg,png,html,json,csv",
    png_presets: Annotated[
        str,
        typer.Option("--png-presets", help="Presets that get PNGs ('all' for every one)."),
    ] = "talk",
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced).")] = Path(
        "reports"
    ),
    figures: Annotated[
        str, typer.Option("--figures", help="A subset of the figures, comma-separated.")
    ] = "",
) -> None:
    """Regenerate every chart (FR/EN, each preset) with its CSV, alt text and spec."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from toolkit.model import DatasetError
    from toolkit.reports import build

    try:
        with Progress(
            TextColumn("[bold]reports[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("analyses", total=None)

            def step(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total, description=label)

            manifest = build(
                data,
                out,
                langs=lang.split(","),
                presets=preset.split(","),
                formats=fmt.split(","),
                png_presets=None if png_presets == "all" else png_presets.split(","),
                figures=figures.split(",") if figures else None,
                progress=step,
            )
    except (DatasetError, FileNotFoundError) as exc:
        _fail(f"{exc}\nnothing was written to {out}")
    except ValueError as exc:
        _fail(str(exc))
    console.print(
        f"[green]wrote[/] {out} ({len(manifest['files'])} files, "
        f"{len(manifest['figures'])} figures × {len(manifest['languages'])} languages × "
        f"{len(manifest['presets'])} presets)",
        highlight=False,
    )


@app.command()
def network(
    path: Annotated[Path, typer.Argument(help="Dataset directory.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write referrals.gexf, referrals.graphml and the tables (CSV) here."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of communities and sampling.")] = 0,
    strategies: Annotated[
        bool, typer.Option("--dismantle", help="Also compare removal strategies (slower).")
    ] = False,
) -> None:
    """Referral network and the hydra: roles, respawn rate, early removal, Gephi export."""
    from toolkit import network as net
    from toolkit.model import DatasetError, load

    try:
        book = load(path)
    except (DatasetError, FileNotFoundError) as exc:
        _fail(str(exc))
    G = net.referral_graph(book)
    central = net.centrality(G, seed=seed)
    tables = {
        "centrality": central,
        "lineages": net.lineages(book),
        "hydra_summary": net.hydra_summary(book),
        "early_removal": net.counterfactual_early_removal(book),
    }
    if strategies:
        tables["strategies"] = net.compare_strategies(G, seed=seed)
    console.print(
        f"{G.number_of_nodes():,} spaces ({sum(1 for _, d in G.nodes(data=True) if d['documented']):,}"
        f" documented), {G.number_of_edges():,} referral links",
        highlight=False,
    )
    roles = Table(title="Roles")
    roles.add_column("role")
    roles.add_column("spaces", justify="right")
    counts = dict(central.group_by("role").len().iter_rows())
    for role in net.ROLES:
        roles.add_row(role, f"{counts.get(role, 0):,}")
    console.print(roles)
    s = tables["hydra_summary"].row(0, named=True)
    if s["respawn_rate"] is not None:
        console.print(
            f"respawn rate {s['respawn_rate']:.1%} (95% CI {s['respawn_rate_low']:.1%}–"
            f"{s['respawn_rate_high']:.1%}) of {s['n_taken_down']:,} taken-down spaces; "
            f"median {s['median_days_to_respawn']} days to respawn; longest chain "
            f"{s['max_depth']} generations",
            highlight=False,
        )
    early = Table(title="If every space had been removed at its first report")
    for col in ("scenario", "metric", "observed", "counterfactual", "share_lost"):
        early.add_column(col, justify="left" if col in ("scenario", "metric") else "right")
    for r in tables["early_removal"].iter_rows(named=True):
        early.add_row(
            r["scenario"], r["metric"], f"{r['observed']:,}", f"{r['counterfactual']:,}",
            f"{r['share_lost']:.0%}",
        )  # fmt: skip
    console.print(early)
    if strategies:
        cmp = Table(title="Removal strategies (smaller R breaks the network faster)")
        for col in ("strategy", "adaptive", "R", "to halve"):
            cmp.add_column(col)
        for name, adaptive, r, half in tables["strategies"].iter_rows():
            cmp.add_row(name, "yes" if adaptive else "no", f"{r:.3f}", f"{half:.0%}")
        console.print(cmp)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        net.write_gexf(G, out / "referrals.gexf")
        net.write_graphml(G, out / "referrals.graphml")
        for name, df in tables.items():
            df.write_csv(out / f"{name}.csv")
        console.print(f"[green]wrote[/] {out} ({len(tables) + 2} files)", highlight=False)


# Commands of later stages (journal import, audit, reports) register below.


def main() -> None:
    app()


if __name__ == "__main__":
    main()

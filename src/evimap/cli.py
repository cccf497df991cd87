"""Command-line interface: translates arguments, errors and output; all work is in the library."""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .records import ACTOR_TYPES
from .corpus import Corpus, ingest_plan, printable_path
from .errors import EvimapError
from .frameworks import BUILTIN, EMBEDDING_MODELS
from .report import CoverageMap, DocumentProfile, Synthesis
from .report.coverage import GROUP_MEANINGS, WEAK_SHARE
from .report.tables import EXPORT_FORMATS
from .settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="evimap: offline evidence mapping for migration-governance documents.",
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": os.environ.get("EVIMAP_DEBUG") == "1"}

StoreOpt = typer.Option("evimap.db", "--store", "-s", envvar="EVIMAP_STORE", help="Store file (SQLite).")
JsonOpt = typer.Option(False, "--json", help="Machine-readable JSON output.")
ExecutorOpt = typer.Option(None, "--executor", help="Where the workers run: local processes (default), dask (a Dask "
                           "LocalCluster of --workers processes), or a Dask scheduler address tcp://HOST:8786 (needs "
                           "evimap\\[cluster]; the workers must see the files at the same paths).")


def _version(value: bool) -> None:
    if value:
        out.print(f"evimap {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    if debug:
        _state["debug"] = True


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Errors for users are one line; --debug shows the traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except EvimapError as exc:
            if _state["debug"]:
                raise
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("[yellow]interrupted[/yellow] (documents already stored are kept; rerun to resume)")
            raise typer.Exit(130) from None
        except Exception as exc:
            if _state["debug"]:
                raise
            err.print(f"[red]error:[/red] internal error ({type(exc).__name__}: {escape(str(exc))}); rerun with --debug")
            raise typer.Exit(1) from None

    return wrapper


def _open(store: str, readonly: bool = False, settings: Settings | None = None) -> Corpus:
    return Corpus(store, settings=settings, readonly=readonly)


def _choices(values: Any, last: str = "or") -> str:
    """Help text listing what an option accepts, from the same list the code checks against."""
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} {last} {values[-1]}"


def _print_json(data: Any) -> None:
    out.out(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command()
@handle_errors
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    store: str = StoreOpt,
    exclude: List[str] = typer.Option([], "--exclude", "-x", help="Glob of paths to skip (repeatable)."),
    include: List[str] = typer.Option([], "--include", "-i", help="Glob of the only files to read (repeatable)."),
    data_files: Optional[str] = typer.Option(
        None, "--data-files", help="Catalogue JSON, exports of records, README/SOURCE notes: "
        "tables (default: records stored as tables, the rest skipped), skip, or passages (read as documents)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Worker processes (default: one per core)."),
    executor: Optional[str] = ExecutorOpt,
    settings_file: Optional[Path] = typer.Option(None, "--settings", help="YAML file of ingest settings."),
    max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", help="Skip files larger than this."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only print failures."),
    dry_run: bool = typer.Option(False, "--dry-run", help="List what would be read and what refused; store nothing."),
    as_json: bool = JsonOpt,
) -> None:
    """Ingest documents (PDF, DOCX, HTML, TXT, MD, XLSX, CSV) into the store.

    Exit status is 1 when any file failed (the others are stored), 0 otherwise.
    """
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:  # a mistyped path fails before the store is created, not as an empty new store
        raise EvimapError(f"no such file or folder: {', '.join(missing)}")
    settings = Settings.from_yaml(settings_file) if settings_file else Settings()
    overrides = {k: v for k, v in (("max_file_mb", max_file_mb), ("data_files", data_files)) if v is not None}
    if overrides:
        settings = Settings.from_dict({**settings.to_dict(), **overrides})
    if dry_run:
        plan = ingest_plan([str(p) for p in paths], exclude, settings, include)
        if as_json:
            _print_json([{"path": e.path, "read": e.reason is None, "reason": e.reason, "kind": e.kind} for e in plan])
        else:
            for e in plan:
                note = f"  [cyan]{e.kind}, stored as tables only: {escape(e.why)}[/cyan]" if e.why and e.reason is None else ""
                out.print(escape(printable_path(e.path)) + note
                          + ("" if e.reason is None else f"  [yellow]skipped: {escape(e.reason)}[/yellow]"))
            n_read = sum(e.reason is None for e in plan)
            kinds = _kinds_line(plan) if any(e.why for e in plan) else ""
            out.print(f"{n_read} to read, {len(plan) - n_read} skipped · {kinds + ' · ' if kinds else ''}nothing stored")
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with _open(store, settings=settings) as corpus:
        progress = Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"), console=err, transient=True, disable=quiet or as_json,
        )
        task = progress.add_task("ingest", total=None, current="")

        def on_event(kind: str, path: str, detail: str) -> None:
            progress.update(task, advance=1, current=escape(printable_path(Path(path).name)[:40]))
            if kind == "failed":
                progress.console.print(f"[red]failed:[/red] {escape(printable_path(path))}: {escape(detail)}")

        with progress:
            report = corpus.ingest(
                [str(p) for p in paths], exclude=exclude, include=include, workers=workers, on_event=on_event,
                on_total=lambda n: progress.update(task, total=n), executor=executor,
            )
        if report.rank_index and "error" in report.rank_index:
            err.print(f"[yellow]warning:[/yellow] {escape(report.rank_index['error'])}; searches use FTS5 alone")
        if as_json:
            _print_json(report.to_dict())
        elif not quiet:
            dup = report.duplicates
            out.print(
                f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, "
                f"{report.aliases} identical copies, {len(report.failed)} failed · {report.passages:,} passages"
                + (f" · {dup.get('duplicate_documents', 0)} near-duplicate documents" if dup else "")
                + f" · {report.seconds:.1f}s · store {store}"
            )
            if report.data_files:
                out.print(_data_files_line(report.kinds()["document"], report.data_files))
        if report.interrupted:
            err.print("[yellow]interrupted:[/yellow] the documents counted above are stored; "
                      "run the same command again to ingest the rest")
    if report.interrupted:
        raise typer.Exit(130)
    if report.failed:
        raise typer.Exit(1)


def _kinds_line(plan: list[Any]) -> str:
    """"12 documents, 3 data files (1 records, 1 catalogue, 1 notes)" for the files of a plan that are read or recognised."""
    kinds: dict[str, int] = {}
    for e in plan:
        if e.kind:
            kinds[e.kind] = kinds.get(e.kind, 0) + 1
    docs = kinds.pop("document", 0)
    data = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return f"{docs} documents, {sum(kinds.values())} data files" + (f" ({data})" if data else "")


def _data_files_line(documents: int, data_files: list[dict[str, str]]) -> str:
    """"16 documents, 3 data files: 2 skipped (evaluations.json: catalogue, …); 1 stored as tables only (…)"."""
    parts = []
    for stored, label in (("skipped", "skipped"), ("tables", "stored as tables only")):
        chosen = [d for d in data_files if d["stored"] == stored]
        if chosen:
            names = ", ".join(f"{printable_path(Path(d['path']).name)}: {d['kind']}" for d in chosen)
            parts.append(f"{len(chosen)} {label} ({escape(names)})")
    lead = f"{documents} documents, " if documents else ""
    return lead + f"{len(data_files)} data files: " + "; ".join(parts) + " · --data-files passages reads them as documents"


def _clip(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


@app.command()
@handle_errors
def search(
    query: Optional[str] = typer.Argument(None, help='FTS5 query: words, "phrases", OR, AND, NOT, NEAR(a b, 5), prefix*.'),
    store: str = StoreOpt,
    any_terms: Optional[str] = typer.Option(None, "--any", help='Keyword family, comma-separated: "data, statistic*, research".'),
    document: Optional[List[str]] = typer.Option(None, "--document", "-d", help="Document id, name or path."),
    fmt: Optional[List[str]] = typer.Option(None, "--format", "-f", help="File format, as `evimap documents` shows it."),
    language: Optional[List[str]] = typer.Option(None, "--language", "-l", help="Language code, e.g. en, fr: the passage's own language (a French annex of an English report is fr)."),
    year: Optional[str] = typer.Option(None, "--year", "-y", help="2017, 2010-2015, 2010- or -2015."),
    kind: Optional[List[str]] = typer.Option(None, "--kind", help="Passage kind, as `evimap show` prints it."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=1000),
    offset: int = typer.Option(0, "--offset", min=0),
    all_copies: bool = typer.Option(False, "--all-copies", help="Do not collapse duplicate passages."),
    label: Optional[List[str]] = typer.Option(None, "--label", help="Only passages with this label, e.g. gcm:1, sdg:10.7 (after `evimap map`)."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="With --label: minimum score instead of 'assigned'."),
    actor: Optional[List[str]] = typer.Option(None, "--actor", help="Said by this actor: UNHCR, MAR, Morocco …"),
    actor_type: Optional[List[str]] = typer.Option(None, "--actor-type", help=_choices(ACTOR_TYPES) + "."),
    country: Optional[List[str]] = typer.Option(None, "--country", help="Said by or naming this country (ISO3 or name)."),
    region: Optional[List[str]] = typer.Option(None, "--region", help="Said by a state in, or naming, this M49 region."),
    event: Optional[List[str]] = typer.Option(None, "--event", help="Reporting on this event (id or exact name)."),
    mode: str = typer.Option("hybrid", "--mode", "-m", help="hybrid (words and meaning fused), lexical (BM25) or "
                             "semantic (meaning: the passage vectors `evimap map` stores)."),
    as_json: bool = JsonOpt,
) -> None:
    """Search passages, ranked by words and meaning (or --mode lexical: BM25 alone), with snippets and citations."""
    with _open(store, readonly=True) as corpus:
        filters = dict(document=document, format=fmt, language=language, year=year, kind=kind,
                       collapse=not all_copies, label=label, min_score=min_score, actor=actor, actor_type=actor_type,
                       country=country, region=region, event=event)
        hits = corpus.search(query, any_terms=any_terms, limit=limit, offset=offset, mode=mode, **filters)
        answered = corpus.last_mode
        total = corpus.count(query, any_terms=any_terms, **filters)
    if as_json:
        _print_json({"query": query, "any": any_terms, "mode": answered, "total": total,
                     "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        out.print("no matches")
        return
    for i, h in enumerate(hits, offset + 1):
        snippet = escape(h.highlighted("\x02", "\x03")).replace("\x02", "[bold yellow]").replace("\x03", "[/bold yellow]")
        dup = f" [dim](+{h.duplicates} copies)[/dim]" if h.duplicates else ""
        out.print(f"[bold]{i}.[/bold] [cyan]{escape(h.citation)}[/cyan]  [dim]{h.score:.2f} · {h.passage_id}[/dim]{dup}")
        out.print(f"   {snippet}")
        if h.statement:
            who = h.statement["actor"] + (f", {h.statement['person']}" if h.statement.get("person") else "")
            out.print(f"   [green]{escape(who)} said[/green] [dim](chars {h.statement['start']}–{h.statement['end']}):"
                      f"[/dim] {escape(_clip(h.statement['text']))}")
    if answered == "lexical":
        out.print(f"[dim]{len(hits)} of {total} matching passages[/dim]")
    else:
        out.print(f"[dim]{len(hits)} shown · {answered}: ranked by meaning"
                  + (f" and words ({total} passages hold the words)" if answered == "hybrid" else "") + "[/dim]")
    if mode == "hybrid" and answered == "lexical" and query:
        err.print("[dim]no passage vectors in this store (run `evimap map`): ranked by words alone[/dim]")


FrameworksOpt = typer.Option(",".join(BUILTIN), "--framework", "-F",
                             help=f"Comma-separated built-in ids ({_choices(BUILTIN)}) or framework YAML files.")
ModelOpt = typer.Option(EMBEDDING_MODELS[0], "--model",
                        help=f"{_choices(EMBEDDING_MODELS)}: the embedding model every passage is scored with "
                             "(transformer needs evimap\\[transformer]; with static, passages in French, Spanish, "
                             "Portuguese, Arabic, Russian and Chinese are scored by the multilingual model anyway).")


@app.command("map")
@handle_errors
def map_(store: str = StoreOpt, framework: str = FrameworksOpt, model: str = ModelOpt,
         workers: Optional[int] = typer.Option(None, "--workers", "-j", help="Worker processes (default: one per core)."),
         executor: Optional[str] = ExecutorOpt,
         quiet: bool = typer.Option(False, "--quiet", "-q"), as_json: bool = JsonOpt) -> None:
    """Score every passage not yet scored against the frameworks (incremental)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    t0 = time.perf_counter()
    with _open(store) as corpus:
        progress = Progress(TextColumn("[bold]map {task.fields[fw]}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True, disable=quiet or as_json)
        tasks: dict[str, Any] = {}

        def on_progress(fw: str, n: int, total: int) -> None:
            if fw not in tasks:
                tasks[fw] = progress.add_task(fw, total=total, fw=fw)
            progress.update(tasks[fw], completed=n)

        with progress:
            done = corpus.map(framework, model=model, workers=workers, progress=on_progress, executor=executor)
    if as_json:
        _print_json({"scored": done, "seconds": round(time.perf_counter() - t0, 2)})
    elif not quiet:
        out.print(", ".join(f"{k}: {v:,} passages scored" for k, v in done.items())
                  + f" · {time.perf_counter() - t0:.1f}s · store {store}")


@app.command()
@handle_errors
def classify(
    framework: str = typer.Option(..., "--framework", "-F", help=f"One framework: {_choices(BUILTIN)} or a YAML file."),
    level: Optional[str] = typer.Option(None, "--level", help="Framework level, e.g. goal or target for sdg."),
    input_file: Path = typer.Option(..., "--input", "-i", help='JSON lines: {"id": …, "text": …} ("-" = stdin).'),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="JSON lines out (default: standard output)."),
    all_scores: bool = typer.Option(False, "--all-scores", help="Every category's score, not only assigned labels."),
    model: str = ModelOpt,
) -> None:
    """Classify arbitrary texts without a store (batch, JSON lines in and out)."""
    from .map import classify as run

    _jsonl_batch(input_file, output, lambda records: run(records, framework, level=level, all_scores=all_scores,
                                                         model=model))


def _jsonl_batch(input_file: Path, output: Optional[Path], run: Any) -> None:
    """JSON lines ``{"id": …, "text": …}`` from ``input_file`` ("-" = stdin) through ``run`` to ``output``
    (default: standard output), one line out per line in."""

    def records() -> Any:
        src = sys.stdin if str(input_file) == "-" else open(input_file, encoding="utf-8")
        with src:
            for n, line in enumerate(src, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvimapError(f"{input_file}:{n}: not JSON ({exc.msg})") from None
                if not isinstance(rec, dict) or "text" not in rec:
                    raise EvimapError(f'{input_file}:{n}: each line must be an object with "id" and "text"')
                yield rec

    if str(input_file) != "-" and not input_file.is_file():
        raise EvimapError(f"{input_file}: no such file")
    dst = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        for row in run(records()):
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if output:
            dst.close()


@app.command()
@handle_errors
def explain(
    passage_id: str = typer.Argument(..., help="Passage id (from search or show)."),
    store: str = StoreOpt, framework: str = FrameworksOpt, model: str = ModelOpt,
    show_all: bool = typer.Option(False, "--all", help="List every category, not only the closest."),
    as_json: bool = JsonOpt,
) -> None:
    """Why each label was (or was not) given to a passage."""
    with _open(store, readonly=True) as corpus:
        rows = corpus.explain(passage_id, framework, model=model)
        text = corpus.passage(passage_id)["text"]
    if as_json:
        _print_json({"passage_id": passage_id, "text": text, "categories": rows})
        return
    out.print(f"[dim]{escape(text[:300])}[/dim]")
    by_fw: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_fw.setdefault(r["framework"], []).append(r)
    for fw, items in by_fw.items():
        items.sort(key=lambda r: -r["score"])
        out.print(f"\n[bold]{fw}[/bold]")
        for r in items if show_all else items[:5]:
            mark = "[green]assigned[/green]" if r["assigned"] else f"[dim]not assigned: {escape(r['reason'])}[/dim]"
            f = r["features"]
            out.print(f"  {r['code']:>6} {r['score']:.2f} (threshold {r['threshold']:.2f}) {mark}  {escape(r['title'][:70])}")
            out.print(f"         [dim]rules {f['rules']:.0f} · terms {f['terms']:.2f} · similarity {f['similarity']:.2f} "
                      f"(relative {f['relative']:+.2f}) · classifier {f['classifier']:.2f} · lexical {f['lexical']:.2f}[/dim]")
            for ev in r["evidence"]:
                if ev["type"] in ("rule", "term"):
                    out.print(f"         {ev['type']} {escape(ev.get('rule') or ev.get('term'))}: "
                              f"{escape(' | '.join(ev['quotes']))}")
                elif ev["type"] == "lexical":
                    out.print(f"         lexical {ev['probability']:.2f}: {escape(', '.join(ev['stems']))}")
                elif ev["type"] == "closest":
                    out.print(f"         closest: {escape(ev['text'][:90])} ({ev['similarity']:.2f})")
                elif ev["type"] == "flag":
                    out.print(f"         [yellow]flag: {escape(ev['reason'])}[/yellow]")
                elif ev["type"] == "language":
                    out.print(f"         language {ev['language']}: scored by the {ev['model']} model")


frameworks_app = typer.Typer(help="Frameworks: list, show their categories, validate a file.", no_args_is_help=True)
app.add_typer(frameworks_app, name="frameworks")


@frameworks_app.command("validate")
@handle_errors
def frameworks_validate(path: Path = typer.Argument(..., help="Framework YAML file.")) -> None:
    """Check a framework file; errors name the line and the problem."""
    from . import frameworks as fwmod

    fw = fwmod.validate_file(path)
    out.print(f"{path}: ok — framework {fw.id!r}, {len(fw.categories)} categories"
              + (f", levels {', '.join(fw.levels)}" if fw.levels else ""))


@frameworks_app.command("list")
@handle_errors
def frameworks_list(as_json: bool = JsonOpt) -> None:
    """The built-in frameworks, with how many categories of each kind (GCM: 23 objectives, 10 principles)."""
    from . import frameworks as fwmod

    rows = []
    for name in fwmod.BUILTIN:
        fw = fwmod.load(name)
        rows.append({"id": fw.id, "name": fw.name, "categories": len(fw.categories), "counts": fw.counts(),
                     "levels": fw.levels, "facets": list(fw.facets), "threshold": fw.threshold, "source": fw.source,
                     "summary": fwmod.describe_counts(fw)})
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        out.print(f"[bold]{r['id']}[/bold]  {escape(r['name'])} — {r['summary']} · threshold {r['threshold']}")


@frameworks_app.command("show")
@handle_errors
def frameworks_show(name: str = typer.Argument(..., help=f"{_choices(BUILTIN)} or a framework YAML file."),
                    kind: Optional[str] = typer.Option(None, "--kind", help="Only categories of this kind, e.g. "
                                                                           "objective, goal, target."),
                    as_json: bool = JsonOpt) -> None:
    """A framework's categories: kind, code and title (the codes --label, --theme and reports use)."""
    from . import frameworks as fwmod

    fw = fwmod.load(name)
    rows = fw.outline()
    if kind is not None:
        kinds = fw.counts()
        if kind.lower() not in kinds:
            raise EvimapError(f"{fw.id} has no categories of kind {kind!r} (kinds: {', '.join(kinds)})")
        rows = [r for r in rows if r["kind"] == kind.lower()]
    if as_json:
        _print_json({"id": fw.id, "name": fw.name, "counts": fw.counts(), "categories": rows})
        return
    out.print(f"[bold]{fw.id}[/bold]  {escape(fw.name)} — {fwmod.describe_counts(fw)}")
    code_width = max((len(r["code"]) for r in rows), default=4)
    current = None
    for r in rows:
        if r["kind"] != current:
            current = r["kind"]
            out.print(f"[bold]{fwmod.plural_noun(current)}[/bold]")
        out.print(f"  {escape(r['code']):<{code_width}}  {escape(r['title'])}")


ByOpt = typer.Option("document", "--by", help="Group passages by " + "; ".join(
    f"{name}: {meaning}" for name, meaning in GROUP_MEANINGS.items()) + ".")
ThemeOpt = typer.Option(None, "--theme", help="Only passages with this label: a code of the themes framework "
                                              "(`evimap frameworks show themes`, e.g. data) or FRAMEWORK:CODE.")
report_app = typer.Typer(help="Reports: evidence maps, thematic syntheses, document profiles.", no_args_is_help=True)
app.add_typer(report_app, name="report")
OutputOpt = typer.Option(None, "--output", "-o", help="Output file (text formats default to standard output; "
                                                      "xlsx, docx, png, svg need a file).")


def _write(report: Any, fmt: str, output: Optional[Path]) -> None:
    report.write(output, fmt)
    if output is not None:
        err.print(f"{report.kind} report ({fmt}) → {output}")


@report_app.command("map")
@handle_errors
def report_map(
    store: str = StoreOpt,
    framework: str = typer.Option("gcm", "--framework", "-F", help=f"One framework: {_choices(BUILTIN)} or a file."),
    by: str = ByOpt,
    theme: Optional[str] = ThemeOpt,
    level: Optional[str] = typer.Option(None, "--level", help="Framework level (default: the first, e.g. goal)."),
    weak: float = typer.Option(WEAK_SHARE, "--weak", help="A category with fewer passages than this share of the "
                                                          "median category's is a gap (weak evidence)."),
    fmt: str = typer.Option("md", "--format", "-f", help=_choices(CoverageMap.formats) + " (eppi: EPPI-Mapper JSON)."),
    output: Optional[Path] = OutputOpt,
) -> None:
    """Evidence map: categories × groups with passage/document counts, gaps, chart and exports."""
    from .report import coverage_map

    with _open(store) as corpus:  # not read-only: an older store is migrated on open
        _write(coverage_map(corpus, framework, by, theme=theme, level=level, weak=weak), fmt, output)


@report_app.command("synthesis")
@handle_errors
def report_synthesis(
    store: str = StoreOpt,
    theme: str = typer.Option(..., "--theme", help="A code of the themes framework (`evimap frameworks show themes`, "
                                                   "e.g. data) or FRAMEWORK:CODE, e.g. gcm:1."),
    framework: Optional[str] = typer.Option(None, "--framework", "-F", help="Also tag quotes with these frameworks' "
                                                                           "labels, e.g. gcm."),
    by: str = ByOpt,
    per_group: int = typer.Option(8, "--per-group", help="Quotes per group."),
    min_relevance: Optional[float] = typer.Option(
        None, "--min-relevance", min=0.0, max=1.0,
        help="Quote only passages whose label scores at least this (default 0.8, from the synthesis lexicon; "
             "0 quotes every labelled passage)."),
    fmt: str = typer.Option("md", "--format", "-f", help=_choices(Synthesis.formats) + "."),
    output: Optional[Path] = OutputOpt,
) -> None:
    """Thematic synthesis: cited verbatim quotes per source, then recurring recommendations."""
    from .report import synthesis

    with _open(store) as corpus:
        _write(synthesis(corpus, theme, framework=framework, by=by, per_group=per_group, min_relevance=min_relevance),
               fmt, output)


@report_app.command("document")
@handle_errors
def report_document(
    document: str = typer.Argument(..., help="Document name, id or path."),
    store: str = StoreOpt,
    framework: str = typer.Option("gcm,sdg,themes", "--framework", "-F", help=f"Comma-separated: {_choices(BUILTIN)} "
                                                                             "or framework YAML files."),
    fmt: str = typer.Option("md", "--format", "-f", help=_choices(DocumentProfile.formats) + " (png, svg: profile chart)."),
    output: Optional[Path] = OutputOpt,
) -> None:
    """A document's framework profile, top passages per category, duplicates and similar documents."""
    from .report import document_profile

    with _open(store) as corpus:  # writable: caches document embeddings on first use
        _write(document_profile(corpus, document, framework), fmt, output)


@app.command()
@handle_errors
def similar(
    document: str = typer.Argument(..., help="Document name, id or path."),
    store: str = StoreOpt,
    limit: int = typer.Option(10, "--limit", "-n"),
    as_json: bool = JsonOpt,
) -> None:
    """The most similar documents in the store (embeddings and shared shingles)."""
    from .report import similar_documents

    with _open(store) as corpus:
        rows = similar_documents(corpus, document, limit)
    if as_json:
        _print_json(rows)
        return
    table = Table("document", "title", "score", "cosine", "shingles", box=None)
    for r in rows:
        table.add_row(escape(r["document"]), escape((r["title"] or "")[:60]), f"{r['score']:.2f}", f"{r['cosine']:.2f}",
                      f"{r['containment']:.2f}" + (" (duplicate)" if r["duplicate"] else ""))
    out.print(table)


review_app = typer.Typer(help="Review labels: accept, reject, add or undo, and the trail of decisions.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")
ReviewerOpt = typer.Option(None, "--reviewer", envvar="EVIMAP_REVIEWER", help="Who decides (or EVIMAP_REVIEWER).")
ReasonOpt = typer.Option(None, "--reason", help="Why, kept in the trail.")


def _review(decision: str, passage_id: str, label: str, store: str, reviewer: Optional[str], reason: Optional[str],
            as_json: bool) -> None:
    with _open(store) as corpus:
        entry = corpus.review(passage_id, label, decision, reviewer=reviewer, reason=reason)
    if as_json:
        _print_json(entry)
    else:
        out.print(f"{entry['decision']} {entry['framework']}:{entry['code']} on {entry['passage_id']} by "
                  f"{entry['reviewer']} · trail #{entry['id']}")


def _review_command(decision: str, doc: str) -> Callable[..., None]:
    def command(passage_id: str = typer.Argument(..., help="Passage id."),
                label: str = typer.Argument(..., help="FRAMEWORK:CODE, e.g. gcm:23."), store: str = StoreOpt,
                reviewer: Optional[str] = ReviewerOpt, reason: Optional[str] = ReasonOpt, as_json: bool = JsonOpt) -> None:
        _review(decision, passage_id, label, store, reviewer, reason, as_json)

    command.__doc__ = doc
    return handle_errors(command)


for _decision, _doc in (("accept", "Confirm a label: it stays whatever a re-map scores."),
                        ("reject", "Remove a label the machine gave: reports, maps and exports leave it out from now on."),
                        ("add", "Give a passage a label the machine missed."),
                        ("undo", "Give the label back to the machine (a decision of its own: the trail keeps both).")):
    review_app.command(_decision)(_review_command(_decision, _doc))


@review_app.command("search")
@handle_errors
def review_search(decision: str = typer.Argument(..., help="accept, reject, add or undo."),
                  label: str = typer.Argument(..., help="FRAMEWORK:CODE, e.g. gcm:23."),
                  query: str = typer.Option(..., "--search", "-s", help="The passages a search finds (lexical)."),
                  limit: int = typer.Option(100, "--limit", "-n", min=1, max=5000), store: str = StoreOpt,
                  reviewer: Optional[str] = ReviewerOpt, reason: Optional[str] = ReasonOpt, as_json: bool = JsonOpt) -> None:
    """One decision on every passage a search finds ("these 40 passages are not objective 23")."""
    with _open(store) as corpus:
        done = corpus.review_search(query, label, decision, reviewer=reviewer, reason=reason, limit=limit)
    if as_json:
        _print_json(done)
    else:
        out.print(f"{decision} {label} on {len(done)} passage{'' if len(done) == 1 else 's'}"
                  + (f" · trail #{done[0]['id']}–#{done[-1]['id']}" if done else ""))


@review_app.command("queue")
@handle_errors
def review_queue(store: str = StoreOpt, framework: str = typer.Option("gcm", "--framework", "-F"),
                 limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000), as_json: bool = JsonOpt) -> None:
    """Passages where a decision teaches the most: the machine's least certain labels, spread across categories."""
    with _open(store, readonly=True) as corpus:
        queue = corpus.review_queue(framework, limit)
    if as_json:
        _print_json(queue)
        return
    for i, r in enumerate(queue, 1):
        verdict = "given" if r["assigned"] else "not given"
        out.print(f"[bold]{i}.[/bold] {r['framework']}:{r['code']} {verdict} · score {r['score']:.2f} "
                  f"(threshold {r['threshold']:.2f}) · {escape(r['document'])} · {r['passage_id']}")
        out.print(f"   {escape(_clip(r['text'], 240))}")
    if not queue:
        out.print("nothing to review (map the store first, or every label is reviewed)")


reviewers_app = typer.Typer(help="Reviewers: per-user access tokens for reviewing in the web app and the API.",
                            no_args_is_help=True)
app.add_typer(reviewers_app, name="reviewers")


@reviewers_app.command("add")
@handle_errors
def reviewers_add(name: str = typer.Argument(..., help="The reviewer's name, as the trail will show it."),
                  store: str = StoreOpt) -> None:
    """Register a reviewer and print their access token (shown once: the store keeps only its hash)."""
    with _open(store) as corpus:
        token = corpus.add_reviewer(name)
    err.print(f"reviewer {escape(name)} added; their token (shown once, give it to them):")
    print(token)


@reviewers_app.command("list")
@handle_errors
def reviewers_list(store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Registered reviewers, and whether their token is open or revoked."""
    with _open(store, readonly=True) as corpus:
        rows = corpus.reviewers()
    lines = [f"{escape(r['name'])}  added {r['created']}" + (f"  revoked {r['revoked']}" if r["revoked"] else "")
             for r in rows] or ["no reviewers: add one with `evimap reviewers add NAME`"]
    _print_json(rows) if as_json else out.print("\n".join(lines))


@reviewers_app.command("revoke")
@handle_errors
def reviewers_revoke(name: str = typer.Argument(...), store: str = StoreOpt) -> None:
    """Close a reviewer's token at once (their decisions stay in the trail)."""
    with _open(store) as corpus:
        corpus.revoke_reviewer(name)
    out.print(f"reviewer {escape(name)}: token revoked")


@review_app.command("log")
@handle_errors
def review_log(store: str = StoreOpt, passage_id: Optional[str] = typer.Option(None, "--passage", help="One passage's."),
               fmt: str = typer.Option("table", "--format", "-f", help="table, json or csv."),
               output: Optional[Path] = OutputOpt) -> None:
    """The trail of review decisions, oldest first (never edited: an undo is a decision of its own)."""
    import csv
    import io

    with _open(store, readonly=True) as corpus:
        rows = corpus.review_log(passage_id)
    if fmt not in ("table", "json", "csv"):
        raise EvimapError(f"--format {fmt!r}: choose from table, json, csv")
    if fmt == "table" and output is None:
        for r in rows:
            out.print(f"#{r['id']} {r['at']} {escape(r['reviewer'])}: {r['decision']} {r['framework']}:{r['code']} on "
                      f"{r['passage_id']}" + (f" — {escape(r['reason'])}" if r["reason"] else ""))
        if not rows:
            out.print("no review decisions in this store")
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["id", "at", "reviewer", "passage_id", "framework", "code", "decision",
                                                 "reason", "before"])
        writer.writeheader()
        writer.writerows(rows)
        text = buf.getvalue()
    else:
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"{len(rows)} decisions → {output}")


@app.command()
@handle_errors
def learn(store: str = StoreOpt, framework: str = typer.Option("gcm", "--framework", "-F"),
          dry_run: bool = typer.Option(False, "--dry-run", help="Measure only; change no label."),
          as_json: bool = JsonOpt) -> None:
    """Learn from reviewers' decisions: re-decide labels of passages like the reviewed ones, measured held out by
    document against the model first, and applied only if it does not do worse (the shipped models stay intact)."""
    with _open(store) as corpus:
        res = corpus.learn(framework, apply=not dry_run)
    if as_json:
        _print_json(res)
        return
    out.print(f"{res['framework']}: {res['decisions']} decisions from {res['documents']} documents; held out by "
              f"document, micro-F1 against the decisions: model {res['machine_f1']:.3f}, learned {res['learned_f1']:.3f}")
    if res.get("refused"):
        out.print(f"not applied: {res['refused']}")
    elif res["applied"]:
        out.print(f"applied: {res['changed']:,} labels changed (a re-map gives the model's back; `evimap learn` again)")
    else:
        out.print("dry run: nothing changed")


qdpx_app = typer.Typer(help="REFI-QDA projects (.qdpx) for NVivo, ATLAS.ti and MAXQDA: export and import.",
                       no_args_is_help=True)
app.add_typer(qdpx_app, name="qdpx")


@qdpx_app.command("export")
@handle_errors
def qdpx_export(out_file: Path = typer.Argument(..., help="The .qdpx file to write."), store: str = StoreOpt,
                framework: str = typer.Option("gcm,sdg,themes", "--framework", "-F")) -> None:
    """Documents, code trees and coded passages; labels a reviewer decided under their own trees."""
    with _open(store, readonly=True) as corpus:
        res = corpus.export_qdpx(out_file, [f.strip() for f in framework.split(",") if f.strip()])
    out.print(f"{res['documents']} documents, {res['codings']:,} coded passages ({res['reviewers']} reviewers) → {out_file}")


@qdpx_app.command("import")
@handle_errors
def qdpx_import(in_file: Path = typer.Argument(..., help="A .qdpx project."), store: str = StoreOpt,
                framework: str = typer.Option("gcm,sdg,themes", "--framework", "-F"),
                reviewer: Optional[str] = ReviewerOpt) -> None:
    """Codings of a project made elsewhere become reviewed labels ("add") on the passages they cover."""
    with _open(store) as corpus:
        res = corpus.import_qdpx(in_file, [f.strip() for f in framework.split(",") if f.strip()], reviewer=reviewer)
    out.print(f"{res['decisions']:,} decisions recorded")
    if res["unplaced_sources"]:
        out.print(f"sources not in this store: {', '.join(res['unplaced_sources'][:10])}")
    if res["unplaced_codes"]:
        out.print(f"codes matching no framework category: {', '.join(res['unplaced_codes'][:10])}")


@app.command()
@handle_errors
def reindex(store: str = StoreOpt, force: bool = typer.Option(False, "--force", help="Rebuild even if current."),
            as_json: bool = JsonOpt) -> None:
    """Rebuild the search postings (STORE.rank/) and the layout of the passage vectors for search by meaning
    (STORE.vec/) beside the store. Ingest and the first search by meaning do this themselves; needed for a store
    made by an older evimap, after a folder was deleted or an ingest was interrupted, or to pay the vectors'
    layout (seconds on a large store) before the first search rather than in it."""
    with _open(store) as corpus:
        built = corpus.reindex(force=force)
        vectors = corpus.reindex_vectors(force=force)
    if as_json:
        _print_json({"postings": built, "vectors": vectors})
        return
    if built is None:
        out.print("search postings already match the store")
    else:
        out.print(f"search postings rebuilt: {built['terms']:,} terms, {built['occurrences']:,} occurrences "
                  f"in {built['rows']:,} passages · {built['seconds']:.1f}s")
    if vectors is None:
        out.print("passage vectors: already laid out, or none (map the store for search by meaning)")
    else:
        out.print(f"passage vectors laid out: {vectors['n']:,} of {vectors['dim']} numbers"
                  + (f", approximate index of {vectors['nlist']:,} lists" if vectors.get("ann") else "")
                  + f" · {vectors['seconds']:.1f}s")


@app.command()
@handle_errors
def status(store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Counts, formats, languages, boilerplate removed, near-duplicates and failures."""
    with _open(store, readonly=True) as corpus:
        stats = corpus.status()
    if as_json:
        _print_json(stats)
        return
    out.print(f"[bold]{escape(stats['store'])}[/bold] (schema {stats['schema_version']})")
    out.print(
        f"{stats['documents']:,} documents · {stats['passages']:,} passages "
        f"({stats['duplicate_passages']:,} duplicates collapsed) · {stats['pages']:,} PDF pages · "
        f"{stats['tables']:,} tables · {stats['characters']:,} characters"
    )
    out.print(f"search postings: {stats['search_postings']}" + (
        "" if stats["search_postings"] == "current" else " (searches use FTS5 alone; `evimap reindex` rebuilds them)"))
    out.print("formats: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["formats"].items())))
    out.print("languages: " + ", ".join(f"{k} {v}" for k, v in list(stats["languages"].items())[:8]) + " documents"
              + ("; passages " + ", ".join(f"{k} {v:,}" for k, v in list(stats["passage_languages"].items())[:8])
                 if stats.get("passage_languages") else ""))
    if stats["removed"]:
        out.print("removed/repaired: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in sorted(stats["removed"].items())))
    if stats["duplicates"]:
        out.print(f"[bold]near-duplicate documents ({len(stats['duplicates'])})[/bold]")
        for d in stats["duplicates"][:50]:
            out.print(f"  {escape(d['name'])} ≈ {escape(d['duplicate_of_name'])} (containment {d['similarity']:.2f})")
    if stats["failures"]:
        out.print(f"[bold red]failures ({len(stats['failures'])})[/bold red]")
        for f in stats["failures"]:
            out.print(f"  {escape(f['path'])}: {escape(f['reason'])}")


@app.command()
@handle_errors
def documents(store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """List stored documents."""
    with _open(store, readonly=True) as corpus:
        docs = corpus.documents()
    if as_json:
        _print_json([d.__dict__ for d in docs])
        return
    # Each document's full name on a line of its own (the name is what other commands take), its facts and
    # title on the next: eight columns of a table squeezed into 80 cut every name and title.
    names = {d.id: d.name for d in docs}
    width = max(40, out.width)
    for d in docs:
        facts = " · ".join(x for x in (d.format, f"{d.pages} pages" if d.pages else "", f"{d.n_passages:,} passages",
                                       d.language or "", str(d.year or "")) if x)
        title = d.title + (f" (near-duplicate of {names.get(d.duplicate_of, d.duplicate_of)})" if d.duplicate_of else "")
        line = f"{facts} — {title}"
        out.print(f"[bold]{escape(d.name)}[/bold]")
        out.print("    " + escape(line if len(line) <= width - 4 else line[: width - 5] + "…"))
    out.print(f"[dim]{len(docs)} documents[/dim]")


@app.command()
@handle_errors
def show(
    document: str = typer.Argument(..., help="Document id (or prefix), file name or path."),
    store: str = StoreOpt,
    as_json: bool = JsonOpt,
    width: int = typer.Option(110, "--width", help="Characters of each passage to show."),
) -> None:
    """Show a document's metadata, sections and passages with their provenance."""
    from .search.query import cite

    with _open(store, readonly=True) as corpus:
        doc = corpus.document(document)
        passages = corpus.passages(doc.id)
        sections = corpus.sections(doc.id)
        dup_name = corpus.document(doc.duplicate_of).name if doc.duplicate_of else None
    if as_json:
        _print_json({"document": doc.__dict__, "sections": sections, "passages": passages})
        return
    out.print(f"[bold]{escape(doc.title)}[/bold]")
    out.print(f"{escape(doc.name)} · {doc.format} · id {doc.id} · {doc.n_passages} passages"
              + (f" · {doc.pages} pages" if doc.pages else "") + f" · {doc.language or '?'} · {doc.year or '?'}")
    if doc.symbols:
        out.print("symbols: " + ", ".join(doc.symbols[:20]))
    if doc.removed:
        out.print("removed/repaired: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in doc.removed.items()))
    for warning in doc.warnings:
        out.print(f"[yellow]warning: {escape(warning)}[/yellow]")
    if dup_name:
        out.print(f"[yellow]near-duplicate of {escape(dup_name)} (containment {doc.duplicate_similarity:.2f})[/yellow]")
    if sections:
        out.print("[bold]sections[/bold]")
        for s in sections:
            out.print("  " * s["level"] + escape((f"{s['label']}. " if s["label"] else "") + s["title"]))
    out.print("[bold]passages[/bold]")
    for p in passages:
        where = cite("", p["page"], p["section"], p["label"], p["kind"], p["part"], p["page_end"]).lstrip(" ·")
        text = p["text"] if len(p["text"]) <= width else p["text"][: width - 1] + "…"
        dup = " [dim](duplicate)[/dim]" if p["dup_of"] else ""
        out.print(f"[dim]{p['seq']:>4} {p['kind'][:9]:<9} {escape(where):<22}[/dim] {escape(text)}{dup}")


# ---- attribution ------------------------------------------------------------------------
@app.command()
@handle_errors
def attribute(store: str = StoreOpt, force: bool = typer.Option(False, "--force", help="Redo every document."),
              input_file: Optional[Path] = typer.Option(
                  None, "--input", "-i", help='Attribute these texts instead of the store: JSON lines {"id": …, '
                                              '"text": …} ("-" = stdin), each read as one paragraph.'),
              output: Optional[Path] = typer.Option(None, "--output", "-o", help="With --input: JSON lines out "
                                                                                 "(default: standard output)."),
              as_json: bool = JsonOpt) -> None:
    """Attribute documents stored before attribution existed (new ingests are attributed as they go), or, with
    --input, loose texts: who speaks in each (claims with their sentence span) and whom it names (mentions)."""
    if input_file is not None:
        from .attribute.batch import attribute_texts

        _jsonl_batch(input_file, output, attribute_texts)
        return
    if output is not None:
        raise EvimapError("--output goes with --input (texts to attribute)")
    with _open(store) as corpus:
        n = corpus.attribute(force=force)
        actors = corpus.actors(limit=5)
    if as_json:
        _print_json({"attributed": n, "top_actors": actors})
        return
    out.print(f"{n} documents attributed")


@app.command()
@handle_errors
def actors(store: str = StoreOpt, actor_type: Optional[str] = typer.Option(None, "--type", help="Only this actor type: "
                                                                                             + _choices(ACTOR_TYPES) + "."),
           limit: int = typer.Option(30, "--limit", "-n", min=1), as_json: bool = JsonOpt) -> None:
    """Actors the passages are attributed to, with passage and document counts."""
    with _open(store, readonly=True) as corpus:
        rows = corpus.actors(limit, actor_type)
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        out.print(f"{r['passages']:>8,}  {r['documents']:>6,} docs  {escape(r['actor']):<40} [dim]{r['actor_type']}[/dim]")


@app.command()
@handle_errors
def who(passage_id: str = typer.Argument(..., help="Passage id."), store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """Who a passage is attributed to, with the evidence, and the countries/bodies it names."""
    with _open(store, readonly=True) as corpus:
        claims, mentions = corpus.claims(passage_id), corpus.mentions(passage_id)
    if as_json:
        _print_json({"claims": claims, "mentions": mentions})
        return
    if not claims:
        out.print("actor: unknown (nothing in the text supports an attribution)")
    for c in claims:
        person = f" — {c['person']}" if c["person"] else ""
        out.print(f"[bold]{escape(c['actor'])}[/bold] ({c['actor_type']}){escape(person)} [dim]{c['method']}: "
                  f"“{escape(c['evidence'][:160])}”[/dim]")
        if c.get("statement"):
            out.print(f"    said: {escape(_clip(c['statement']))}")
    for m in mentions:
        out.print(f"  {m['kind']}: {escape(m['code'])} [dim]“{escape(m['text'])}”[/dim]")


@app.command()
@handle_errors
def profile(ref: str = typer.Argument(..., help="Country (ISO3 or name, e.g. MAR) or organisation (id or name, e.g. IOM)."),
            store: str = StoreOpt, as_json: bool = JsonOpt) -> None:
    """What the corpus says by and about a country or organisation: passages, objectives covered, figures."""
    from .report.base import counted
    from .search.query import cite

    with _open(store, readonly=True) as corpus:
        prof = corpus.profile(ref)
    if as_json:
        _print_json(prof)
        return
    where = f" · {prof.get('region') or ''} / {prof.get('subregion') or ''}" if prof["kind"] == "country" else ""
    out.print(f"[bold]{escape(prof['name'])}[/bold] ({prof['code']}, {prof['actor_type']}{where})")
    by, about = prof["by"], prof["about"]
    years = f", {by['years'][0]}–{by['years'][1]}" if by["years"][0] else ""
    out.print(f"said by it: {counted(by['passages'], 'passage')} in {counted(by['documents'], 'document')}{years}")
    out.print(f"about it (named): {counted(about['passages'], 'passage')} in {counted(about['documents'], 'document')}")
    frameworks: dict[str, list[dict[str, Any]]] = {}
    for row in prof["labels"]:
        frameworks.setdefault(row["framework"], []).append(row)
    for fw, rows in frameworks.items():
        top = ", ".join(f"{r['code']} ({r['passages']:,})" for r in rows[:10])
        out.print(f"{fw}: {len(rows)} categories covered; most: {escape(top)}")
    if not prof["labels"]:
        out.print("[dim]no framework labels (run `evimap map` to see objectives covered)[/dim]")
    if prof["figures"]:
        out.print("[bold]figures[/bold]")
        for f in prof["figures"][:10]:
            out.print(f"  {escape(f['text'])}" + (f" ({f['year']})" if f["year"] else "")
                      + f" [dim]{escape(f['document'])}{' p.' + str(f['page']) if f['page'] else ''}[/dim]")
    if prof.get("events"):
        out.print("[bold]events[/bold] (held there, or where it spoke)")
        for e in prof["events"][:10]:
            when = e["start_date"] + (f" – {e['end_date']}" if e["end_date"] else "")
            out.print(f"  {escape(e['name'])} · {when}" + (f" · {escape(e['place'])}" if e["place"] else "")
                      + f" [dim]{escape(e['document'])}[/dim]")
    if prof["passages"]:
        out.print("[bold]passages[/bold]")
        for p in prof["passages"]:
            tag = "by" if p["said_by"] else "about"
            if p.get("person"):
                tag += f" {p['person']}"
            text = p.get("statement") or p["text"]  # what it says, not the other speakers of the passage
            text = text if len(text) <= 300 else text[:299] + "…"
            out.print(f"  [dim]{tag} · {escape(cite(p['document'], p['page'], p['section'], p['label'], p['kind']))}"
                      f"[/dim]\n    {escape(text)}")


@app.command()
@handle_errors
def tables(
    document: Optional[str] = typer.Argument(None, help="Only this document's tables."),
    store: str = StoreOpt,
    number: Optional[int] = typer.Option(None, "--table", "-t", min=1, help="Show or export this table (1 = first)."),
    export: Optional[str] = typer.Option(None, "--export", help=_choices(EXPORT_FORMATS) + " (with --table and --output)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    tidy_form: bool = typer.Option(False, "--tidy", help="Export in long form: one row per (row, column, value)."),
    as_json: bool = JsonOpt,
) -> None:
    """List the structured tables in the store; show one with its totals check; export to CSV/XLSX/JSON."""
    from .report.tables import export_table

    with _open(store, readonly=True) as corpus:
        if number is None:
            rows = corpus.table_summaries(document)
            if as_json:
                _print_json(rows)
                return
            for r in rows:
                checks = f" · totals {r['totals_ok']}/{r['totals_checked']} add up" if r["totals_checked"] else ""
                out.print(f"{escape(r['document'])} [bold]#{r['table']}[/bold] {escape(r['name'])}: "
                          f"{escape(r['caption'] or '')} [dim]({r['rows']} rows × {r['columns']} columns"
                          f"{', ' + r['unit'] if r['unit'] else ''}{checks})[/dim]")
            out.print(f"[dim]{len(rows)} tables[/dim]")
            return
        if not document:
            raise EvimapError("--table needs the document: evimap tables DOCUMENT --table N")
        table = corpus.table(document, number)
    if export:
        if output is None:
            raise EvimapError("--export needs --output FILE")
        export_table(table, export, output, tidy=tidy_form)
        out.print(f"wrote {output}")
        return
    if as_json:
        _print_json(table)
        return
    s = table["structure"]
    out.print(f"[bold]{escape(table['name'])}[/bold] {escape(table['caption'] or '')}"
              + (f" [dim]({s['unit']})[/dim]" if s.get("unit") else ""))
    out.print(" | ".join(escape(c) for c in s["columns"]))
    for label, vals in zip(s["row_labels"], s["values"]):
        out.print(escape(label) + " | " + " | ".join("" if v is None else f"{v:g}" for v in vals))
    for note in s.get("notes") or []:
        out.print(f"[dim]{escape(note)}[/dim]")
    for c in table["checks"]:
        mark = "[green]ok[/green]" if c["ok"] else f"[yellow]differs by {c['difference']:g}[/yellow]"
        out.print(f"  {c['kind']} {escape(c['label'])}: stated {c['stated']:g}, sum {c['sum']:g} {mark}")


@app.command()
@handle_errors
def serve(
    store: str = StoreOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (127.0.0.1: this machine only)."),
    port: int = typer.Option(8000, "--port", "-p", help="Port."),
    token: Optional[str] = typer.Option(None, "--token", envvar="EVIMAP_TOKEN", show_default=False,
                                        help="Allow uploads (ingest) with this token; without it the app is read-only."),
    workers: int = typer.Option(1, "--workers", "-w", min=1,
                                help="Processes answering reads; with more than one, a front process hands each "
                                     "request to the next free one (e.g. one per core)."),
    max_upload_mb: float = typer.Option(50.0, "--max-upload-mb", help="Largest file accepted for upload."),
    search_cache: int = typer.Option(2048, "--search-cache", min=0,
                                     help="Searches (hits, totals, facet counts) remembered per process until the "
                                          "store changes; 0 turns the cache off."),
    search_lanes: int = typer.Option(2, "--search-lanes", min=1,
                                     help="Searches run at once per process (the others queue)."),
) -> None:
    """Start the web app and JSON API (search, documents, evidence maps, syntheses, profiles, status)."""
    try:
        import uvicorn  # noqa: F401  (checked here: a broken install names what is missing)

        from .web.app import WebConfig
    except ImportError as exc:
        raise EvimapError(f"the web app's dependencies are incomplete ({exc.name} is missing): "
                          "reinstall evimap (pip install --force-reinstall evimap)") from None
    if not Path(store).is_file():
        raise EvimapError(f"{store}: no such store (run `evimap ingest` first)")
    config = WebConfig(store=str(Path(store).resolve()), token=token, max_upload_mb=max_upload_mb,
                       allowed_hosts=WebConfig.hosts_for(host, port), search_cache=search_cache,
                       search_lanes=search_lanes)  # validates
    os.environ["EVIMAP_WEB_CONFIG"] = json.dumps({"store": config.store, "token": config.token,
                                                  "max_upload_mb": config.max_upload_mb,
                                                  "allowed_hosts": config.allowed_hosts,
                                                  "search_cache": config.search_cache,
                                                  "search_lanes": config.search_lanes})
    mode = "uploads allowed with the token" if token else "read-only"
    err.print(f"evimap serving {escape(store)} on http://{host}:{port} ({mode}); Ctrl+C stops")
    with _open(store, readonly=True) as corpus:
        state = corpus.search_postings()
    if state != "current":
        err.print(f"[yellow]note:[/yellow] search postings {state}: common words rank slower in FTS5 alone "
                  "until `evimap reindex` rebuilds them")
    from .web.serve import run

    run(host, port, workers)


if __name__ == "__main__":  # pragma: no cover
    app()

"""The ``kundensprache`` command line.

Heavy imports (Prefect, torch, spaCy) happen inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from kundensprache.core.errors import ConfigError, InputError, KundenspracheError, user_message
from kundensprache.core.sources import SIDECAR_SUFFIX, SOURCE_FOLDERS, SOURCES, source_of_folder

SUBCOMMANDS_HELP = """\
commands:
  demo            the monthly flow on the bundled sample data, offline
  run             the monthly flow on your folders
  ingest          read files into the store now (and print what happened to each)
  inspect         show what the ingest reads from files: dates, accounts, roles, text
  cluster         cluster any keyword list / short texts in a CSV
  upload-server   the upload page for sales
  serve           run the monthly deployment (cron schedule) until stopped
  auth            sign in to Search Console once (OAuth) and store the token
  hash-password   make a password hash for the [upload] users table
"""


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The temporary Prefect server needs ~7 s on an idle 2-core machine; allow for a busy one.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except KundenspracheError as exc:  # expected: one or two lines, no traceback
        kind = "config error: " if isinstance(exc, ConfigError) else ""
        print(f"kundensprache: {kind}{user_message(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kundensprache: interrupted; no partial output was written", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kundensprache",
        description="Customer vocabulary from sales material, as SEO keyword candidates.",
        epilog=SUBCOMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(metavar="COMMAND")

    p = sub.add_parser("demo", help="run the monthly flow on the bundled sample data")
    p.add_argument("--outputs", default="demo-output", help="folder for the demo outputs")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="run the monthly flow")
    p.add_argument("--month", help="report month YYYY-MM (default: the last complete month)")
    p.add_argument("--inputs", help="inbox folder (calls/, crm/, emails/, search_console/)")
    p.add_argument("--outputs", help="output folder (one subfolder per month, plus latest/)")
    p.add_argument("--config", help="kundensprache.toml (default: ./kundensprache.toml if present)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("ingest", help="ingest files or folders now")
    p.add_argument("paths", nargs="+", help="files or folders")
    p.add_argument(
        "--source",
        choices=SOURCES,
        help="source type (default: from the folder: "
        + ", ".join(f"{f}/" for f in SOURCE_FOLDERS.values())
        + ")",
    )
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_ingest)

    _add_inspect(sub)

    p = sub.add_parser("cluster", help="cluster a CSV of keywords or short texts")
    p.add_argument("file", help="CSV file")
    p.add_argument("--text-column", help="column with the texts (default: guessed)")
    p.add_argument("--output", help="output CSV (default: FILE.clustered.csv)")
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_cluster)

    p = sub.add_parser("upload-server", help="the upload page for sales")
    p.add_argument("--host", help="interface to listen on (default from config: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default from config: 8765)")
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_upload_server)

    p = sub.add_parser("serve", help="serve the monthly deployment on its cron schedule")
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("auth", help="OAuth sign-in to Search Console; stores the token file")
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_auth)

    p = sub.add_parser("hash-password", help="hash a password for [upload] users")
    p.add_argument("--password", help="the password (default: asked for, not echoed)")
    p.set_defaults(func=cmd_hash_password)
    return parser


# ------------------------------------------------------------------------------ commands
def cmd_demo(args) -> int:
    from kundensprache.sample_data import PREVIOUS_MONTH, SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH

    outputs = Path(args.outputs).resolve()
    if "PREFECT_HOME" not in os.environ:  # keep the demo's Prefect state out of the home folder
        (outputs / ".prefect").mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(outputs / ".prefect")
    from kundensprache.flows.monthly import monthly_keywords

    for month in (PREVIOUS_MONTH, SAMPLE_MONTH):  # two months, so the report has history
        print(f"Demo: the monthly flow for {month} on the sample data in {SAMPLE_DIR}")
        folder = monthly_keywords(
            month=month,
            inputs=str(SAMPLE_DIR),
            outputs=str(outputs),
            config_file=str(SAMPLE_CONFIG),
            work=str(outputs / ".work"),
        )
    print_summary(Path(folder))
    return 0


def cmd_run(args) -> int:
    """Everything a user can get wrong is checked before Prefect starts: the month, the
    folders, the config and Search Console. A failure then is one message and no traceback
    (Prefect would log a task's failure with one), and no month folder is written."""
    from kundensprache.core.config import load_config
    from kundensprache.core.months import Month, last_complete_month

    month = str(Month.parse(args.month or last_complete_month()))
    for flag in ("inputs", "config"):
        value = getattr(args, flag)
        if value and not Path(value).exists():
            raise InputError(f"--{flag} {value}: no such file or folder")
    load_config(args.config)  # a broken config fails here, before the heavy imports
    from kundensprache import stages
    from kundensprache.flows.monthly import monthly_keywords, run_config

    config = run_config(args.config, inputs=args.inputs, outputs=args.outputs)
    stages.check_search_console(config, month)
    with _progress_bars():
        folder = monthly_keywords(
            month=month, inputs=args.inputs, outputs=args.outputs, config_file=args.config
        )
    print_summary(Path(folder))
    return 0


def _progress_bars():
    """Progress bars per stage on a terminal; nothing extra when output goes to a file."""
    from contextlib import nullcontext

    from kundensprache.core.progress import terminal_bars

    return terminal_bars() if sys.stderr.isatty() else nullcontext()


def cmd_ingest(args) -> int:
    from kundensprache import ingest
    from kundensprache.core.config import load_config
    from kundensprache.reports.tables import INGEST_COLUMNS, ingest_report_rows
    from kundensprache.reports.writer import csv_text
    from kundensprache.store import Store

    config = load_config(args.config)
    pairs = []
    for raw in args.paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir() and args.source is None:
            found = ingest.discover(path)
            if not found:
                found = [(p, s) for p, s in ingest.discover(path.parent) if path in p.parents]
            pairs.extend(found)
        elif path.is_dir():
            pairs.extend(
                (p, args.source)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not p.name.startswith(".")
                and not p.name.endswith(SIDECAR_SUFFIX)
            )
        else:
            source = args.source or _source_from_folder(path)
            if source is None:
                raise InputError(
                    f"{path}: cannot tell the source type from its folder; add --source "
                    + "|".join(SOURCES)
                )
            pairs.append((path, source))
    store = Store(config.store_url)
    try:
        results = ingest.ingest_paths(pairs, store, config, inbox=config.paths.inputs)
        rows = ingest_report_rows(results)
    finally:
        store.close()
    sys.stdout.write(csv_text(INGEST_COLUMNS, rows))
    return 1 if any(r["status"] == "rejected" for r in rows) else 0


def _add_inspect(sub) -> None:
    p = sub.add_parser("inspect", help="show what the ingest reads from files (changes nothing)")
    p.add_argument("paths", nargs="+", help="files")
    p.add_argument(
        "--source",
        choices=[*SOURCES, "search_console"],
        help="source type (default: from the folder, else the file type)",
    )
    p.add_argument("--config", help="kundensprache.toml")
    p.set_defaults(func=cmd_inspect)


def cmd_inspect(args) -> int:
    from kundensprache.core.config import load_config
    from kundensprache.ingest.inspect import inspect_file

    config = load_config(args.config)
    for raw in args.paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        sys.stdout.write(inspect_file(path, config, args.source) + "\n")
    return 0


def _source_from_folder(path: Path) -> str | None:
    for part in reversed(path.resolve().parent.parts):
        source = source_of_folder(part)
        if source is not None:
            return source
    return None


def cmd_cluster(args) -> int:
    from kundensprache.clustering import cluster_csv
    from kundensprache.core.config import load_config
    from kundensprache.store import Store

    config = load_config(args.config)
    store = Store(config.store_url)
    try:
        out = cluster_csv(
            Path(args.file),
            args.text_column,
            Path(args.output) if args.output else None,
            config,
            cache=store,
        )
    finally:
        store.close()
    print(f"Wrote {out}")
    return 0


def cmd_upload_server(args) -> int:
    from kundensprache.core.config import load_config
    from kundensprache.upload import serve

    config = load_config(args.config)
    serve(config, host=args.host, port=args.port)
    return 0


def cmd_serve(args) -> int:
    from kundensprache.core.config import load_config
    from kundensprache.flows.deploy import serve_monthly

    serve_monthly(load_config(args.config), config_file=args.config)
    return 0


def cmd_auth(args) -> int:
    from kundensprache.core.config import load_config
    from kundensprache.search_console.client import oauth_login

    path = oauth_login(load_config(args.config).search_console)
    print(f"Signed in; token stored in {path}")
    return 0


def cmd_hash_password(args) -> int:
    import getpass

    from kundensprache.upload import hash_password

    password = args.password or getpass.getpass("Password: ")
    if not password:
        raise InputError("empty password")
    print(hash_password(password))
    return 0


def print_summary(folder: Path) -> None:
    """What the run wrote and the top candidates, for a human at a terminal."""
    from kundensprache.reports.tables import CANDIDATES_CSV, MONTH_FILES

    cands = folder / CANDIDATES_CSV
    with open(cands, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    topics = {r["cluster_id"] for r in rows}
    print()
    print(f"{len(rows)} keyword candidates in {len(topics)} topics -> {folder}")
    for name in MONTH_FILES:
        print(f"  {folder / name}")
    briefs = sorted((folder / "briefs").glob("*.md"))
    if briefs:
        print(f"  {folder / 'briefs'}/ ({len(briefs)} topic briefs)")
    print()
    print(f"{'score':>5}  {'opportunity':<17} {'keyword':<40} topic")
    for r in rows[:10]:
        print(
            f"{r['score']:>5}  {r['opportunity']:<17} {r['keyword'][:40]:<40} {r['cluster_label']}"
        )


if __name__ == "__main__":
    sys.exit(main())

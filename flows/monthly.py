"""The monthly keyword flow: Prefect wiring only; the work is in kundensprache.stages.

Tasks take and return plain data (the config, the month, dataclasses of results) and open
the store themselves, so any task runner can run them in other processes or on other
machines. Tasks whose inputs define their result are cached (see ``caching.py``).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from kundensprache import stages
from kundensprache.core.config import Config, load_config
from kundensprache.core.errors import KundenspracheError
from kundensprache.core.months import Month, last_complete_month
from kundensprache.flows.caching import cached, result_storage
from kundensprache.reports.summary import summary_markdown
from kundensprache.store import Store

FLOW_NAME = "kundensprache-monthly"
TOP_N_ARTIFACT = 20
ARTIFACT_COLUMNS = (
    "keyword",
    "cluster_label",
    "accounts",
    "mentions",
    "opportunity",
    "gsc_query",
    "position",
    "score",
)


def _log(message: str) -> None:
    get_run_logger().info(message)


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(config: Config) -> list[dict[str, str]]:
    with Store(config.store_url) as store:
        return stages.ingest_report_rows(stages.run_ingest(config, store, log=_log))


@task(name="extract", cache_policy=NO_CACHE)  # writes the new documents' records
def extract_task(config: Config, month: str) -> stages.Extraction:
    with Store(config.store_url) as store:
        return stages.run_extraction(config, store, month, log=_log)


@task(name="vocabulary", cache_policy=NO_CACHE)  # counts the stored records of the window
def vocabulary_task(config: Config, month: str) -> stages.Vocabulary:
    with Store(config.store_url) as store:
        return stages.aggregate_vocabulary(config, store, month, log=_log)


def _unexpected(task, task_run, state) -> bool:
    """Retry only what may be transient: an expected failure (no access, quota, ...) is final."""
    try:
        state.result()
    except KundenspracheError:
        return False
    except Exception:
        return True
    return True


# The API client retries throttling itself; a task retry covers a dropped connection.
@task(
    name="search-console",
    cache_policy=NO_CACHE,
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=_unexpected,
)
def search_console_task(config: Config, month: str) -> stages.SearchData:
    with Store(config.store_url) as store:
        return stages.run_search_console(config, store, month, log=_log)


@task(name="topics", cache_policy=NO_CACHE)  # writes the month's topic snapshot
def topics_task(config: Config, month: str, terms, queries) -> stages.Topics:
    with Store(config.store_url) as store:
        return stages.run_topics(config, store, month, terms, queries, log=_log)


@task(name="match-and-score")
def match_task(config: Config, month: str, terms, queries, topics, doc_accounts):
    return stages.run_match(config, month, terms, queries, topics, doc_accounts)


@task(name="render-outputs", cache_policy=NO_CACHE)  # cheaper to redo than to hash
def render_task(config, month, candidates, unmatched, queries, topics, vocabulary, ingest_rows):
    return stages.render_outputs(
        config, month, candidates, unmatched, queries, topics, vocabulary, ingest_rows
    )


@task(name="write-outputs", cache_policy=NO_CACHE)
def write_task(config: Config, month: str, files: dict[str, str | bytes]) -> str:
    folder = stages.write_outputs(config, month, files)
    _log(f"Wrote {', '.join(sorted(files))} to {folder}")
    return str(folder)


@flow(name=FLOW_NAME, log_prints=True)
def monthly_keywords(
    month: str | None = None,
    inputs: str | None = None,
    outputs: str | None = None,
    config_file: str | None = None,
    work: str | None = None,
) -> str:
    """Customer vocabulary of the report month -> keyword candidates in outputs/<month>/.

    Without a month: the last complete month. Paths given here override the config file.
    """
    config = run_config(config_file, inputs=inputs, outputs=outputs, work=work)
    month = str(Month.parse(month or last_complete_month()))
    _log(f"Report month {month}: inputs {config.paths.inputs}, outputs {config.paths.outputs}")
    Store(config.store_url).close()  # create the tables once, before tasks open the store

    storage = result_storage(config)
    ingest_rows = ingest_task(config)
    extract_task(config, month)
    vocabulary = vocabulary_task(config, month)
    search = search_console_task(config, month)
    queries = search.queries
    topics = topics_task(config, month, vocabulary.terms, queries)
    candidates, unmatched = cached(match_task, storage)(
        config, month, vocabulary.terms, queries, topics, vocabulary.doc_accounts
    )
    report_rows = [*ingest_rows, *search.report_rows]  # Search Console files too
    files = render_task(
        config, month, candidates, unmatched, queries, topics, vocabulary, report_rows
    )
    folder = write_task(config, month, files)
    top = [c.row() for c in candidates[:TOP_N_ARTIFACT]]
    create_table_artifact(
        key="keyword-candidates",
        table=[{k: r[k] for k in ARTIFACT_COLUMNS} for r in top],
        description=f"Top {len(top)} keyword candidates for {month} (full list: {folder})",
    )
    summary = summary_markdown(Path(folder), month, config.report.language)
    create_markdown_artifact(key="monthly-summary", markdown=summary)
    return folder


def run_config(config_file: str | None, **paths: str | None) -> Config:
    """The config file with the flow's path parameters (inputs, outputs, work) on top."""
    config = load_config(config_file)
    for name, value in paths.items():
        if value:
            setattr(config.paths, name, Path(value).resolve())
    return config

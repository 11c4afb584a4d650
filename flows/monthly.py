"""The monthly keyword flow: Prefect wiring only; the work is in kundensprache.stages."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from kundensprache import stages
from kundensprache.core.config import Config, load_config
from kundensprache.core.months import last_complete_month, parse_month
from kundensprache.store import Store

FLOW_NAME = "kundensprache-monthly"
TOP_N_ARTIFACT = 20


def _logger_fn():
    logger = get_run_logger()
    return logger.info


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(config: Config, store: Store) -> list[dict[str, str]]:
    results = stages.run_ingest(config, store, log=_logger_fn())
    return stages.ingest_report_rows(results)


@task(name="vocabulary", cache_policy=NO_CACHE)
def vocabulary_task(config: Config, store: Store, month: str) -> stages.Vocabulary:
    return stages.run_vocabulary(config, store, month, log=_logger_fn())


# The API client retries throttling itself; a task retry covers a dropped connection.
@task(name="search-console", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=30)
def search_console_task(config: Config, store: Store, month: str) -> stages.SearchData:
    return stages.run_search_console(config, store, month, log=_logger_fn())


@task(name="topics", cache_policy=NO_CACHE)
def topics_task(config, store, month, terms, queries) -> stages.Topics:
    return stages.run_topics(config, store, month, terms, queries, log=_logger_fn())


@task(name="match-and-score", cache_policy=NO_CACHE)
def match_task(config, month, terms, queries, topics):
    return stages.run_match(config, month, terms, queries, topics)


@task(name="write-outputs", cache_policy=NO_CACHE)
def outputs_task(config, month, candidates, unmatched, queries, topics, vocabulary, ingest_rows):
    files = stages.render_outputs(
        config, month, candidates, unmatched, queries, topics, vocabulary, ingest_rows
    )
    folder = stages.write_outputs(config, month, files)
    get_run_logger().info(f"Wrote {', '.join(sorted(files))} to {folder}")
    return folder


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
    config = load_config(config_file)
    if inputs:
        config.paths.inputs = Path(inputs).resolve()
    if outputs:
        config.paths.outputs = Path(outputs).resolve()
    if work:
        config.paths.work = Path(work).resolve()
    month = month or last_complete_month()
    parse_month(month)
    logger = get_run_logger()
    logger.info(
        f"Report month {month}: inputs {config.paths.inputs}, outputs {config.paths.outputs}"
    )

    store = Store(config.store_path)
    try:
        ingest_rows = ingest_task(config, store)
        vocabulary = vocabulary_task(config, store, month)
        search = search_console_task(config, store, month)
        queries = search.queries
        topics = topics_task(config, store, month, vocabulary.terms, queries)
        candidates, unmatched = match_task(config, month, vocabulary.terms, queries, topics)
        folder = outputs_task(
            config, month, candidates, unmatched, queries, topics, vocabulary, ingest_rows
        )
    finally:
        store.close()

    top = [c.row() for c in candidates[:TOP_N_ARTIFACT]]
    create_table_artifact(
        key="keyword-candidates",
        table=[
            {
                k: r[k]
                for k in (
                    "keyword",
                    "cluster_label",
                    "accounts",
                    "mentions",
                    "opportunity",
                    "gsc_query",
                    "position",
                    "score",
                )
            }
            for r in top
        ],
        description=f"Top {len(top)} keyword candidates for {month} (full list: {folder})",
    )
    create_markdown_artifact(
        key="monthly-summary", markdown=stages.summary_markdown(config, folder, month)
    )
    return str(folder)

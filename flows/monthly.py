"""The monthly keyword flow: Prefect wiring only; the work is in kundensprache.stages.

Tasks take and return plain data (the config, the month, paths, dataclasses of results) and
open the store themselves, so any task runner can run them in other processes or on other
machines (``[engine] runner``, see ``runners.py``). Files are read in shards, in parallel
where the runner allows, and stored in shard order, so every runner gives the same outputs.
Tasks whose inputs define their result are cached (see ``caching.py``).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.utilities.annotations import quote

from kundensprache import shards, stages
from kundensprache.core.config import Config, load_config
from kundensprache.core.errors import KundenspracheError
from kundensprache.core.months import Month, last_complete_month
from kundensprache.flows.caching import cached, result_storage
from kundensprache.flows.runners import task_runner, worker_count
from kundensprache.ingest.name_gate import mask_row, publishable, seen_names
from kundensprache.reports.summary import summary_markdown
from kundensprache.store import Store

FLOW_NAME = "kundensprache-monthly"
MONTH_FLOW_NAME = "kundensprache-month"
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


@task(name="read-files", cache_policy=NO_CACHE)
def read_files_task(config: Config, shard: list[tuple[str, str]]):
    with Store(config.store_url) as store:
        return shards.read_shard(config, store, shard)


@task(name="store-files", cache_policy=NO_CACHE)
def store_files_task(config: Config, read, before: int, total: int):
    with Store(config.store_url) as store:
        results = shards.store_shard(store, read, before, total)
    _log(f"Ingest: {before + len(results)}/{total} files")
    return results


@task(name="ingest-report", cache_policy=NO_CACHE)
def ingest_report_task(config: Config, results) -> list[dict[str, str]]:
    with Store(config.store_url) as store:
        stages.log_ingest(results, store, log=_log)
    return stages.ingest_report_rows(results)


@task(name="plan-extraction", cache_policy=NO_CACHE)
def plan_extraction_task(config: Config, month: str, workers: int) -> shards.ExtractionPlan:
    since, until = shards.vocabulary_window(config, month)
    with Store(config.store_url) as store:
        plan = shards.plan_extraction(config, store, since, until, workers)
    _log(f"Vocabulary: {plan.documents} documents dated {since} to {until} to extract")
    return plan


@task(name="extract-documents", cache_policy=NO_CACHE)  # records go to the store
def extract_task(config: Config, fingerprint: str, batch: list[tuple[str, str]]) -> int:
    with Store(config.store_url) as store:
        return shards.extract_shard(config, store, fingerprint, batch)


@task(name="vocabulary", cache_policy=NO_CACHE)
def vocabulary_task(config: Config, month: str, window_key: str = "") -> stages.Vocabulary:
    """``window_key``: what the aggregation reads of the store (see ``plan_extraction``), so
    that the cached task reuses the result of an unchanged window."""
    with Store(config.store_url) as store:
        return stages.run_vocabulary(config, store, month, log=_log)


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


def extract(config: Config, month: str) -> shards.ExtractionPlan:
    """Extract the documents without a stored record, in parallel where the runner allows;
    the vocabulary task then aggregates the stored records."""
    plan = plan_extraction_task(config, month, worker_count(config.engine))
    futures = [extract_task.submit(config, plan.fingerprint, b) for b in plan.batches]
    done = 0
    for future in futures:
        done += future.result()
        _log(f"Vocabulary: {done}/{plan.documents} documents extracted")
    return plan


def ingest(config: Config) -> list[dict[str, str]]:
    """Read the shards in parallel, store them one after the other in shard order."""
    batches = shards.ingest_shards(config, worker_count(config.engine))
    total = sum(len(b) for b in batches)
    _log(f"Ingest: {total} files in {config.paths.inputs}")
    stored, previous, done = [], [], 0
    for shard in batches:
        read = read_files_task.submit(config, shard)
        before, done = done, done + len(shard)
        previous = [store_files_task.submit(config, read, before, total, wait_for=previous)]
        stored.extend(previous)
    return ingest_report_task(config, quote([r for f in stored for r in f.result()]))


@flow(name=MONTH_FLOW_NAME)
def keyword_month(
    month: str,
    inputs: str | None = None,
    outputs: str | None = None,
    config_file: str | None = None,
    work: str | None = None,
) -> str:
    """The month's stages as tasks on the configured runner. Parameters are the outer flow's
    (the config is read again here): a run's parameters are shown in Prefect's UI and
    database, and the config may hold names and the store's password."""
    config = run_config(config_file, inputs=inputs, outputs=outputs, work=work)
    storage = result_storage(config)
    ingest_rows = ingest(config)
    plan = extract(config, month)
    vocabulary = cached(vocabulary_task, storage)(config, month, plan.window_key)
    search = search_console_task(config, month)
    queries = search.queries
    # Large values go in quote(): Prefect would otherwise walk every item of them, looking
    # for futures, on each task call (seconds per task at 100,000 notes).
    terms, doc_accounts = vocabulary.terms, vocabulary.doc_accounts
    topics = topics_task(config, month, quote(terms), quote(queries))
    candidates, unmatched = cached(match_task, storage)(
        config, month, *map(quote, (terms, queries, topics, doc_accounts))
    )
    report_rows = [*ingest_rows, *search.report_rows]  # Search Console files too
    files = render_task(
        config,
        month,
        *map(quote, (candidates, unmatched, queries, topics, vocabulary, report_rows)),
    )
    folder = write_task(config, month, quote(files))
    seen = seen_names(config.store_url)  # the outputs' privacy gate holds for Prefect too
    top = [mask_row(c.row(), seen) for c in publishable(candidates, seen)[:TOP_N_ARTIFACT]]
    create_table_artifact(
        key="keyword-candidates",
        table=[{k: r[k] for k in ARTIFACT_COLUMNS} for r in top],
        description=f"Top {len(top)} keyword candidates for {month} (full list: {folder})",
    )
    summary = summary_markdown(Path(folder), month, config.report.language)
    create_markdown_artifact(key="monthly-summary", markdown=summary)
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
    paths = {"config_file": config_file, "inputs": inputs, "outputs": outputs, "work": work}
    config = run_config(**paths)
    month = str(Month.parse(month or last_complete_month()))
    with Store(config.store_url) as store:  # creates the tables once, before tasks open it
        _log(
            f"Report month {month}: inputs {config.paths.inputs}, outputs "
            f"{config.paths.outputs}, store {store.url}, runner {config.engine.runner}"
        )
    with get_client(sync_client=True) as client:
        runner = task_runner(config.engine, api_url=str(client.api_url))
    return keyword_month.with_options(task_runner=runner)(month, **paths)


def run_config(config_file: str | None = None, **paths: str | None) -> Config:
    """The config file with the flow's path parameters (inputs, outputs, work) on top."""
    config = load_config(config_file)
    for name, value in paths.items():
        if value:
            setattr(config.paths, name, Path(value).resolve())
    return config

"""The monthly deployment: the flow on a cron schedule, so nobody has to remember the date.

``kundensprache serve`` keeps a process running that starts the flow on schedule (Prefect's
``serve``); the run uses the last complete month. The default schedule, 06:00 Europe/Berlin on
the 4th, waits for Search Console's figures of the month before to be final (about 3 days).
"""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from kundensprache.core.config import Config
from kundensprache.flows.monthly import monthly_keywords

DEPLOYMENT_NAME = "monthly"


def monthly_deployment(config: Config, config_file: str | None = None):
    """The RunnerDeployment: monthly cron, parameters pointing at the configured folders."""
    return monthly_keywords.to_deployment(
        name=DEPLOYMENT_NAME,
        schedule=Cron(config.schedule.cron, timezone=config.schedule.timezone),
        parameters={
            "inputs": str(config.paths.inputs),
            "outputs": str(config.paths.outputs),
            "config_file": str(config.source) if config.source else config_file,
            "work": str(config.paths.work),
        },
        description="Kundensprache: keyword candidates from customer vocabulary, monthly.",
        tags=["kundensprache", "seo"],
    )


def serve_monthly(config: Config, config_file: str | None = None) -> None:
    serve(monthly_deployment(config, config_file))

"""One TOML file, every key optional, environment variables override it.

Sections map to dataclasses below. An environment variable
``KUNDENSPRACHE_<SECTION>__<KEY>`` (upper case, ``__`` between section and key)
overrides a key, e.g. ``KUNDENSPRACHE_SEARCH_CONSOLE__PROPERTY=sc-domain:example.de``.
Lists in environment variables are comma-separated. Secrets never live in the TOML:
only a path to a key file or the name of a Prefect Secret block.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from kundensprache.core.errors import ConfigError

ENV_PREFIX = "KUNDENSPRACHE_"
DEFAULT_CONFIG_NAME = "kundensprache.toml"
RUNNERS = ("local", "dask")
REPORT_LANGUAGES = ("de", "en")  # languages of report.html, the workbook and the briefs


@dataclass
class PathsConfig:
    inputs: Path = Path("inputs")
    outputs: Path = Path("outputs")
    # Working folder: the SQLite store, caches. Never inside inputs/.
    work: Path = Path(".work")


@dataclass
class CompanyConfig:
    name: str = ""
    # Own email domains: mail from these is outbound (the rep), not customer vocabulary.
    domains: list[str] = field(default_factory=list)
    # Own people (sales reps, presales): their turns in transcripts are "rep".
    people: list[str] = field(default_factory=list)
    # Own brand and product names: kept as phrases but flagged, never a "customer word" per se.
    brand_terms: list[str] = field(default_factory=list)


@dataclass
class IngestConfig:
    max_file_mb: float = 20.0
    # CRM CSV/XLSX layout: "auto" detects generic/Pipedrive/HubSpot/Salesforce,
    # or name one preset explicitly.
    crm_preset: str = "auto"
    # Explicit column mapping for any other CRM layout: role -> column name.
    # Roles: text, account, date, author, type, contact.
    crm_columns: dict[str, str] = field(default_factory=dict)
    # Role of plain call notes without speaker labels: "unknown" (rep's paraphrase).
    default_note_role: str = "unknown"


@dataclass
class VocabularyConfig:
    # Rolling window of documents counted, in months, ending with the report month.
    window_months: int = 12
    # A phrase must appear in at least this many documents to become a candidate.
    min_documents: int = 2
    max_candidates: int = 500
    always_drop: list[str] = field(default_factory=list)
    always_keep: list[str] = field(default_factory=list)
    jargon: list[str] = field(default_factory=list)
    # Weight of text a rep wrote about the customer (CRM notes, untagged call notes)
    # relative to the customer's own words (1.0).
    paraphrase_weight: float = 0.5
    # A trained spaCy pipeline per language, used when installed (else spacy.blank + lookups).
    spacy_models: dict[str, str] = field(
        default_factory=lambda: {"de": "de_core_news_sm", "en": "en_core_web_sm"}
    )


@dataclass
class EmbeddingConfig:
    # Default encoder; "minilm" is the bundled all-MiniLM-L6-v2, "use-multilingual" the
    # bundled multilingual USE v3 port; anything else is a sentence-transformers name or path.
    model: str = "minilm"
    # Per-language override. German defaults to multilingual USE: on German intent data it
    # clusters measurably better than MiniLM (benchmarks/README.md, "Clustering").
    models: dict[str, str] = field(default_factory=lambda: {"de": "use-multilingual"})
    batch_size: int = 64


@dataclass
class ClusteringConfig:
    seed: int = 42
    # Cosine similarity a phrase needs to its cluster; None lets the algorithm choose.
    similarity_threshold: float | None = None
    min_cluster_size: int = 2
    # Share of members an old cluster must keep to pass its id on to a new cluster.
    stable_id_overlap: float = 0.5


@dataclass
class SearchConsoleConfig:
    # "sc-domain:example.de" or "https://www.example.de/". Empty: use UI exports only.
    property: str = ""
    # Path to a service-account JSON key file (never the key itself).
    credentials_file: str = ""
    # Token file written by `kundensprache auth` (OAuth installed-app flow).
    oauth_client_file: str = ""
    oauth_token_file: str = ""
    # Name of a Prefect Secret block holding the service-account JSON.
    secret_block: str = ""
    country: str = ""
    device: str = ""
    # Query the API again even when a stored response for the month exists.
    refresh: bool = False
    # API endpoint override (tests, proxies).
    api_endpoint: str = ""


@dataclass
class MatchingConfig:
    # Cosine similarity for a "semantic" match between a phrase and a query.
    semantic_threshold: float = 0.82


@dataclass
class OpportunityConfig:
    # Striking distance: average position in this range.
    striking_min_position: float = 8.0
    striking_max_position: float = 20.0
    # low_ctr: CTR below this share of the CTR the site itself gets at that position.
    low_ctr_ratio: float = 0.5
    # Minimum impressions before a CTR is judged at all.
    low_ctr_min_impressions: int = 100


@dataclass
class ScheduleConfig:
    # Cron for the monthly deployment: 06:00 on the 4th, when last month's data is final.
    cron: str = "0 6 4 * *"
    timezone: str = "Europe/Berlin"


@dataclass
class UploadConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    max_upload_mb: float = 20.0
    # Users: name -> password hash (see `kundensprache hash-password`).
    users: dict[str, str] = field(default_factory=dict)
    # Secret for session cookies; from the environment in production.
    session_secret: str = ""
    # Mark the session cookie `Secure` (sent over HTTPS only). Unset: on whenever the page
    # is bound to anything but localhost (then it must sit behind HTTPS, see SECURITY.md).
    cookie_secure: bool | None = None
    # How long a sign-in lasts, in hours.
    session_hours: float = 12.0
    # Addresses of reverse proxies whose X-Forwarded-For header names the client (for
    # sign-in throttling); empty: the socket's peer address is the client.
    trusted_proxies: list[str] = field(default_factory=list)
    # A request's headers must arrive within this many seconds, its body within
    # body_timeout_s (plus one second per 50 KB), else the connection is closed.
    header_timeout_s: float = 10.0
    body_timeout_s: float = 60.0
    # At most this many connections at once; more are answered 503 at once.
    max_connections: int = 100
    # Per user: at most this many MB of accepted uploads per 24 hours (0: no limit).
    quota_mb_per_day: float = 500.0


@dataclass
class StoreConfig:
    # Empty: an embedded SQLite file in the working folder. A team's database:
    # "postgresql+psycopg://user:password@host:5432/kundensprache" (put the password in the
    # environment, KUNDENSPRACHE_STORE__URL, not in the TOML).
    url: str = ""


@dataclass
class EngineConfig:
    # "local": tasks run in this process; "dask": on a Dask cluster through prefect-dask.
    runner: str = "local"
    # Dask worker processes for a cluster started for the run (0: one per CPU core).
    workers: int = 0
    # An existing Dask scheduler, e.g. "tcp://dask-scheduler:8786" (then `workers` is unused).
    address: str = ""


@dataclass
class ReportConfig:
    # Language of report.html, the workbook's sheet names and the briefs: "de" or "en".
    language: str = "de"
    # How many top topics get a brief in briefs/ (0: none).
    briefs: int = 10


@dataclass
class Config:
    paths: PathsConfig = field(default_factory=PathsConfig)
    company: CompanyConfig = field(default_factory=CompanyConfig)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    vocabulary: VocabularyConfig = field(default_factory=VocabularyConfig)
    embedding: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    clustering: ClusteringConfig = field(default_factory=ClusteringConfig)
    search_console: SearchConsoleConfig = field(default_factory=SearchConsoleConfig)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    opportunity: OpportunityConfig = field(default_factory=OpportunityConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    upload: UploadConfig = field(default_factory=UploadConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    # The file this config was read from (None: defaults only); relative paths resolve
    # against its folder.
    source: Path | None = None

    @property
    def store_path(self) -> Path:
        """The embedded SQLite store's file (used when ``[store] url`` is empty)."""
        return self.paths.work / "kundensprache.sqlite"

    @property
    def store_url(self) -> str:
        """What to open the store with: ``[store] url``, else the SQLite file."""
        return self.store.url or f"sqlite:///{self.store_path}"


def load_config(path: Path | str | None = None, env: dict[str, str] | None = None) -> Config:
    """Read the TOML file (if any), apply environment overrides, resolve relative paths.

    Without an explicit path, ``kundensprache.toml`` in the current folder is used if it
    exists. Relative paths in the file resolve against the file's folder.
    """
    env = dict(os.environ) if env is None else env
    if path is None and Path(DEFAULT_CONFIG_NAME).is_file():
        path = Path(DEFAULT_CONFIG_NAME)
    data: dict = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        base = path.resolve().parent
    config = _build(Config, data, where=str(path or "defaults"))
    _apply_env(config, env)
    _check_engine(config.engine, where=str(path or "defaults"))
    if config.report.language not in REPORT_LANGUAGES:
        raise ConfigError(
            f"{path or 'environment'}: [report] language must be one of "
            f"{', '.join(REPORT_LANGUAGES)}, got {config.report.language!r}"
        )
    config.source = Path(path).resolve() if path is not None else None
    for name in ("inputs", "outputs", "work"):
        value = getattr(config.paths, name)
        if not value.is_absolute():
            setattr(config.paths, name, base / value)
    sc = config.search_console
    for name in ("credentials_file", "oauth_client_file", "oauth_token_file"):
        value = getattr(sc, name)
        if value and not Path(value).expanduser().is_absolute():
            setattr(sc, name, str(base / value))
    return config


def _check_engine(engine: EngineConfig, where: str) -> None:
    if engine.runner not in RUNNERS:
        raise ConfigError(
            f"{where}: [engine] runner must be one of {', '.join(RUNNERS)}, got {engine.runner!r}"
        )
    if engine.workers < 0:
        raise ConfigError(f"{where}: [engine] workers must be 0 (one per core) or more")


def _build(cls, data: dict, where: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    kwargs = {}
    for name, value in data.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            kwargs[name] = _build(hint, value, f"{where} [{name}]")
        else:
            kwargs[name] = _coerce(value, hint, f"{where}: {name}")
    return cls(**kwargs)


def _coerce(value, hint, where: str):
    """Check/convert a TOML or env value to the field's type, with a readable error."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None or (isinstance(value, str) and value.lower() in ("", "none", "auto")):
            if type(None) in args:
                return None
        inner = [a for a in args if a is not type(None)][0]
        return _coerce(value, inner, where)
    if origin is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list")
        return [_coerce(v, args[0], where) for v in value]
    if origin is dict:
        if isinstance(value, str):
            pairs = [p.split("=", 1) for p in value.split(",") if "=" in p]
            value = {k.strip(): v.strip() for k, v in pairs}
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table")
        return {str(k): _coerce(v, args[1], where) for k, v in value.items()}
    if hint is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if hint in (int, float):
        try:
            return hint(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: expected a number, got {value!r}") from exc
    if hint is Path:
        return Path(str(value)).expanduser()
    if hint is str:
        if not isinstance(value, str | int | float):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return str(value)
    return value


def _apply_env(config: Config, env: dict[str, str]) -> None:
    sections = {f.name for f in dataclasses.fields(Config) if f.name != "source"}
    for key, raw in sorted(env.items()):
        if not key.startswith(ENV_PREFIX) or "__" not in key:
            continue
        section, _, name = key[len(ENV_PREFIX) :].lower().partition("__")
        if section not in sections:
            continue  # other KUNDENSPRACHE_* variables (e.g. KUNDENSPRACHE_HOME) are not config
        target = getattr(config, section)
        hints = typing.get_type_hints(type(target))
        if name not in hints:
            raise ConfigError(f"environment variable {key}: unknown key {name!r} in [{section}]")
        setattr(target, name, _coerce(raw, hints[name], f"environment variable {key}"))

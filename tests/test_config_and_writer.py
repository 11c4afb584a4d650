"""Config loading (TOML + environment) and the all-or-nothing output writer."""

from pathlib import Path

import pytest

from kundensprache.core.config import ConfigError, load_config
from kundensprache.core.months import last_complete_month, shift_month, window
from kundensprache.reports.writer import csv_text, write_month


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config.vocabulary.window_months == 12
    assert config.paths.inputs == tmp_path / "inputs"


def test_toml_relative_paths_and_env_override(tmp_path):
    cfg = tmp_path / "conf" / "kundensprache.toml"
    cfg.parent.mkdir()
    cfg.write_text(
        '[paths]\ninputs = "inbox"\n[company]\ndomains = ["nordwerk-software.de"]\n'
        '[search_console]\nproperty = "sc-domain:a.de"\n',
        encoding="utf-8",
    )
    env = {
        "KUNDENSPRACHE_SEARCH_CONSOLE__PROPERTY": "sc-domain:b.de",
        "KUNDENSPRACHE_COMPANY__DOMAINS": "a.de, b.de",
        "KUNDENSPRACHE_VOCABULARY__WINDOW_MONTHS": "6",
        "KUNDENSPRACHE_HOME": "/ignored",  # not a config key: no section/key separator
    }
    config = load_config(cfg, env=env)
    assert config.paths.inputs == cfg.parent / "inbox"
    assert config.search_console.property == "sc-domain:b.de"
    assert config.company.domains == ["a.de", "b.de"]
    assert config.vocabulary.window_months == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[company]\ndomain = 'x'\n", r"unknown key\(s\) domain"),
        ("[vocabulary]\nwindow_months = 'twelve'\n", "expected a number"),
        ("[company\n", "not valid TOML"),
        ("[nonsense]\nx = 1\n", r"unknown key\(s\) nonsense"),
    ],
)
def test_bad_config_names_file_and_problem(tmp_path, text, message):
    cfg = tmp_path / "kundensprache.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(cfg, env={})
    assert str(cfg) in str(info.value)


def test_bad_env_override_is_named(tmp_path):
    with pytest.raises(ConfigError, match="KUNDENSPRACHE_VOCABULARY__NOPE"):
        load_config(None, env={"KUNDENSPRACHE_VOCABULARY__NOPE": "1"})


def test_months():
    assert shift_month("2026-01", -1) == "2025-12"
    assert window("2026-10", 12)[0].isoformat() == "2025-11-01"
    assert window("2026-10", 12)[1].isoformat() == "2026-10-31"
    from datetime import date

    assert last_complete_month(date(2026, 1, 15)) == "2025-12"


def test_write_month_replaces_whole_folder_and_latest(tmp_path):
    out = tmp_path / "outputs"
    write_month(out, "2026-10", {"a.csv": "x\n", "old.csv": "y\n"})
    write_month(out, "2026-10", {"a.csv": "z\n"})
    assert sorted(p.name for p in (out / "2026-10").iterdir()) == ["a.csv"]
    assert (out / "latest" / "a.csv").read_text() == "z\n"
    assert (out / "latest" / "MONTH.txt").read_text() == "2026-10\n"
    assert not list(out.glob(".*"))  # no temporary folders left behind


def test_interrupted_write_leaves_previous_output_intact(tmp_path, monkeypatch):
    out = tmp_path / "outputs"
    write_month(out, "2026-10", {"a.csv": "good\n"})

    class Boom(Exception):
        pass

    def fail(*_args, **_kw):
        raise Boom

    monkeypatch.setattr("os.fsync", fail)  # dies while writing the new files
    with pytest.raises(Boom):
        write_month(out, "2026-10", {"a.csv": "half\n"})
    monkeypatch.undo()
    assert (out / "2026-10" / "a.csv").read_text() == "good\n"
    write_month(out, "2026-11", {"b.csv": "n\n"})  # next run cleans the leftovers
    assert not list(out.glob(".*"))


def test_csv_text_is_plain_and_stable():
    text = csv_text(["a", "b"], [{"a": "x, y", "b": "ü"}])
    assert text == 'a,b\n"x, y",ü\n'


def test_readme_documents_every_config_key():
    import dataclasses

    from kundensprache.core.config import Config

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Configuration") :]
    for sec in dataclasses.fields(Config):
        if sec.name == "source":
            continue
        assert f"[{sec.name}]" in section, sec.name
        for key in dataclasses.fields(sec.default_factory()):
            # a key whose default is "unset" (None) cannot be written in TOML: shown commented
            shown = [f"\n{key.name} = "] + ([f"\n# {key.name} = "] if key.default is None else [])
            assert any(s in section for s in shown), f"[{sec.name}] {key.name}"

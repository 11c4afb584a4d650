"""Password hashes for [upload] users: salted scrypt, checked config, the helper command."""

import io
import re

import pytest

from kundensprache.core.config import Config, ConfigError, PathsConfig, UploadConfig, load_config
from kundensprache.upload import create_app, hash_password
from kundensprache.upload.passwords import check_hash, main, verify_password


def test_hash_verifies_only_the_right_password():
    encoded = hash_password("Frühling 2026!")
    assert verify_password("Frühling 2026!", encoded)
    assert not verify_password("frühling 2026!", encoded)
    assert not verify_password("", encoded)


def test_hash_is_salted_and_carries_its_parameters():
    first, second = hash_password("geheim"), hash_password("geheim")
    assert first != second  # a fresh salt each time
    assert "geheim" not in first
    assert re.fullmatch(r"scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+", first)
    assert check_hash(first) is None


def test_empty_password_is_refused():
    with pytest.raises(ValueError, match="empty"):
        hash_password("")


@pytest.mark.parametrize(
    "value, problem",
    [
        ("geheim", "not a password hash"),
        ("scrypt$16384$8$1$c2FsdHNhbHQ", "not a password hash"),
        ("scrypt$abc$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "damaged"),
        ("scrypt$16384$8$1$!!!$a2V5a2V5a2V5a2V5a2V5a2V5", "damaged"),
        ("scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "out of range"),
        ("scrypt$1073741824$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "out of range"),
    ],
)
def test_unusable_hash_is_named_and_never_matches(value, problem):
    assert problem in check_hash(value)
    assert not verify_password("geheim", value)


def test_plaintext_password_in_config_stops_the_app_with_the_user_named(tmp_path):
    toml = tmp_path / "kundensprache.toml"
    toml.write_text('[upload]\nusers = {anna = "geheim"}\n', encoding="utf-8")
    config = load_config(toml, env={})
    with pytest.raises(ConfigError, match=r"users\.anna: not a password hash"):
        create_app(config)


def test_short_session_secret_is_refused(tmp_path):
    config = Config(
        paths=PathsConfig(inputs=tmp_path / "in", outputs=tmp_path / "out", work=tmp_path / "w"),
        upload=UploadConfig(users={"anna": hash_password("pw")}, session_secret="kurz"),
    )
    with pytest.raises(ConfigError, match="session_secret"):
        create_app(config)


def test_hash_from_config_file_and_environment_signs_in(tmp_path):
    encoded = hash_password("pw-anna")
    toml = tmp_path / "kundensprache.toml"
    toml.write_text(f'[upload]\nusers = {{anna = "{encoded}"}}\n', encoding="utf-8")
    assert verify_password("pw-anna", load_config(toml, env={}).upload.users["anna"])
    env = {"KUNDENSPRACHE_UPLOAD__USERS": f"ben={hash_password('pw-ben')}"}
    assert verify_password("pw-ben", load_config(toml, env=env).upload.users["ben"])


def test_helper_command_prints_a_config_line(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("mein Passwort\n"))
    assert main(["anna"]) == 0
    line = capsys.readouterr().out.strip()
    name, _, value = line.partition(" = ")
    assert name == "anna"
    assert verify_password("mein Passwort", value.strip('"'))


def test_helper_command_refuses_an_empty_password(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main(["anna"]) == 1
    assert capsys.readouterr().out == ""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.store.protect import Protector, mask_iin


def test_round_trip_and_stable_lookup() -> None:
    protector = Protector(b"k" * 32)
    token = protector.encrypt("900101300123")
    assert token is not None
    assert "900101300123" not in token
    assert protector.decrypt(token) == "900101300123"
    assert protector.lookup_hash("900101300123") == Protector(b"k" * 32).lookup_hash("900101300123")
    assert protector.lookup_hash("900101300123") != Protector(b"j" * 32).lookup_hash("900101300123")


def test_another_key_cannot_read() -> None:
    token = Protector(b"k" * 32).encrypt("secret")
    with pytest.raises(ValueError, match="another key"):
        Protector(b"j" * 32).decrypt(token)


def test_mask() -> None:
    assert mask_iin("900101300123") == "********0123"


def test_generated_key_file_is_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", secret_key=None)
    first = settings.secret()
    assert (tmp_path / "home" / "secret.key").stat().st_mode & 0o077 == 0
    assert Settings(home=tmp_path / "home", secret_key=None).secret() == first


def test_postgres_urls_use_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert Settings().url == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert Settings(home=Path("/x")).url == "sqlite:////x/matcher.db"

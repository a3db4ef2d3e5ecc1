"""The compose file: no Docker engine runs here, so its promises are checked by reading it."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_postgres_service_is_16_with_healthcheck_and_volume() -> None:
    postgres = _compose()["services"]["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert "postgres-data" in _compose()["volumes"]


def test_bot_is_built_here_and_waits_for_a_healthy_postgres() -> None:
    compose = _compose()
    bot = compose["services"]["bot"]
    assert bot["build"] == "."
    assert (ROOT / "Dockerfile").is_file()
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "@postgres:5432/" in env["DATABASE_URL"]
    postgres_env = compose["services"]["postgres"]["environment"]
    assert (
        f"{postgres_env['POSTGRES_USER']}:{postgres_env['POSTGRES_PASSWORD']}@"
        in env["DATABASE_URL"]
    )
    assert env["DATABASE_URL"].endswith("/" + postgres_env["POSTGRES_DB"])
    assert "TELEGRAM_BOT_TOKEN" in env


def test_dockerfile_installs_the_package_and_runs_the_bot() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install" in dockerfile
    assert '"complaint-coach", "run"' in dockerfile

"""The deployment files agree with each other and with the code: docker-compose.yml, Dockerfile, Makefile, .ci/run."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from council.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SECRET = "s" * 48

# --- docker-compose.yml -----------------------------------------------------------------------------------


class InterpolationError(Exception):
    pass


_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``, ``$$``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        present = name in env
        empty = not env.get(name)
        if op == ":-":
            return arg if empty else env[name]
        if op == "-":
            return env[name] if present else arg
        if (op == ":?" and empty) or (op == "?" and not present):
            raise InterpolationError(f"{name}: {arg}")
        return env.get(name, "")

    return _VARIABLE.sub(replace, value)


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    assert isinstance(data.get("services"), dict), "docker-compose.yml has no services"
    return data


def services() -> dict[str, dict[str, Any]]:
    found = load_compose()["services"]
    assert all(isinstance(service, dict) for service in found.values())
    return {str(name): service for name, service in found.items()}


def environment(service: Mapping[str, Any], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A service's environment, interpolated with ``env`` when given (else left raw)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    else:
        pairs = {str(key): "" if value is None else str(value) for key, value in raw.items()}
    if env is None:
        return pairs
    return {key: interpolate(value, env) for key, value in pairs.items()}


def image_of(service: Mapping[str, Any]) -> str:
    return str(service.get("image", ""))


def service_with_image(prefix: str) -> tuple[str, dict[str, Any]]:
    matches = [(name, service) for name, service in services().items() if image_of(service).startswith(prefix)]
    assert len(matches) == 1, f"expected one service with image {prefix}*, found {[name for name, _ in matches]}"
    return matches[0]


def container_ports(service: Mapping[str, Any]) -> set[int]:
    ports: set[int] = set()
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            ports.add(int(entry["target"]))
        else:
            ports.add(int(str(entry).rsplit(":", 1)[-1].split("/", 1)[0]))
    return ports


def healthcheck_command(service: Mapping[str, Any]) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    assert test, "service has no healthcheck"
    return test if isinstance(test, str) else " ".join(str(part) for part in test)


# --- Dockerfile -------------------------------------------------------------------------------------------


def dockerfile_path() -> Path:
    build = services()["app"]["build"]
    if isinstance(build, str):
        return ROOT / build / "Dockerfile"
    return ROOT / str(build.get("context", ".")) / str(build.get("dockerfile", "Dockerfile"))


def dockerfile_instructions() -> list[tuple[str, str]]:
    lines: list[str] = []
    for line in dockerfile_path().read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        lines.append(line)
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerfile_args(keyword: str) -> list[str]:
    return [args for name, args in dockerfile_instructions() if name == keyword]


def exec_form(args: str) -> str:
    """``["sh", "-c", "x y"]`` or ``x y`` as one command line."""
    if args.startswith("["):
        parts = json.loads(args)
        assert isinstance(parts, list)
        return " ".join(str(part) for part in parts)
    return args


def serve_port() -> int:
    (cmd,) = dockerfile_args("CMD")
    match = re.search(r"council serve\b.*--port[ =](\d+)", exec_form(cmd))
    assert match, f"the Dockerfile's CMD does not run `council serve --port N`: {cmd}"
    return int(match.group(1))


def probed_urls(command: str) -> list[str]:
    return re.findall(r"https?://[^\s'\"]+", command)


def compose_env(**overrides: str) -> dict[str, str]:
    return {"COUNCIL_SECRET_KEY": SECRET, **overrides}


# --- Tests: docker-compose.yml ----------------------------------------------------------------------------


def test_compose_has_app_db_and_redis() -> None:
    assert {"app", "db", "redis"} <= set(services())
    assert image_of(services()["db"]).startswith("postgres:15")
    assert image_of(services()["redis"]).startswith("redis:7")


def test_every_service_has_image_or_build() -> None:
    for name, service in services().items():
        assert service.get("image") or service.get("build"), f"service {name} has neither image nor build"


def test_app_is_built_from_a_dockerfile_in_its_context() -> None:
    assert "build" in services()["app"]
    assert dockerfile_path().is_file()


class RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def names_the_settings_read(tmp_path: Path) -> set[str]:
    recorder = RecordingEnviron({"COUNCIL_SECRET_KEY": SECRET, "COUNCIL_VAR_DIR": str(tmp_path)})
    load_settings(recorder)
    return recorder.asked


def test_recorder_sees_what_settings_read(tmp_path: Path) -> None:
    asked = names_the_settings_read(tmp_path)
    assert {"COUNCIL_ENV", "COUNCIL_DATABASE_URL", "COUNCIL_SECRET_KEY"} <= asked
    assert "COUNCIL_NO_SUCH_SETTING" not in asked


def test_app_sets_only_variables_the_settings_read(tmp_path: Path) -> None:
    configured = {name for name in environment(services()["app"]) if name.startswith("COUNCIL_")}
    assert configured, "the app service sets no COUNCIL_* variables"
    unknown = configured - names_the_settings_read(tmp_path)
    assert not unknown, f"council/settings.py does not read {sorted(unknown)}"


def test_app_environment_loads_as_production_settings() -> None:
    app = services()["app"]
    settings = load_settings(environment(app, compose_env()))
    assert settings.is_production
    assert settings.database_url.startswith("postgresql+asyncpg://")
    assert settings.redis_url
    assert settings.secret_key == SECRET
    mounts = [str(volume).split(":")[1] for volume in app.get("volumes", []) if ":" in str(volume)]
    assert any(settings.file_storage.is_relative_to(mount) for mount in mounts), (
        f"uploaded files ({settings.file_storage}) are not on a volume {mounts}"
    )


def test_secret_key_is_required_not_written_down() -> None:
    app = services()["app"]
    raw = environment(app)["COUNCIL_SECRET_KEY"]
    assert re.fullmatch(r"\$\{COUNCIL_SECRET_KEY:\?[^}]*\}", raw), raw
    with pytest.raises(InterpolationError):
        environment(app, {})


@pytest.mark.parametrize(
    "env",
    [
        compose_env(),
        compose_env(POSTGRES_USER="rat", POSTGRES_PASSWORD="pw-42", POSTGRES_DB="sitzungen"),
    ],
    ids=["defaults", "overridden"],
)
def test_database_url_matches_the_db_service(env: dict[str, str]) -> None:
    db_name, db = service_with_image("postgres:")
    db_env = environment(db, env)
    url = urlsplit(environment(services()["app"], env)["COUNCIL_DATABASE_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == db_name
    assert (url.port or 5432) == int(db_env.get("PGPORT", "5432"))
    assert unquote(url.username or "") == db_env["POSTGRES_USER"]
    assert unquote(url.password or "") == db_env["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db_env.get("POSTGRES_DB", db_env["POSTGRES_USER"])


def test_redis_url_matches_the_redis_service() -> None:
    redis_name, redis = service_with_image("redis:")
    url = urlsplit(environment(services()["app"], compose_env())["COUNCIL_REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == redis_name
    port = 6379
    command = redis.get("command") or []
    parts = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if "--port" in parts:
        port = int(parts[parts.index("--port") + 1])
    assert (url.port or 6379) == port


def test_app_waits_for_healthy_db_and_redis() -> None:
    depends_on = services()["app"].get("depends_on")
    assert isinstance(depends_on, dict), "depends_on needs the long form to wait for health"
    for prefix in ("postgres:", "redis:"):
        name, service = service_with_image(prefix)
        assert depends_on.get(name, {}).get("condition") == "service_healthy", name
        assert healthcheck_command(service)
    assert "pg_isready" in healthcheck_command(service_with_image("postgres:")[1])
    assert "ping" in healthcheck_command(service_with_image("redis:")[1])


def test_published_port_is_the_one_the_app_serves_on() -> None:
    port = serve_port()
    exposed = {int(part.split("/")[0]) for args in dockerfile_args("EXPOSE") for part in args.split()}
    assert exposed == {port}
    assert container_ports(services()["app"]) == {port}


def test_app_healthchecks_probe_health_on_the_serve_port() -> None:
    (healthcheck,) = dockerfile_args("HEALTHCHECK")
    commands = {"Dockerfile": healthcheck, "docker-compose.yml": healthcheck_command(services()["app"])}
    for where, command in commands.items():
        urls = probed_urls(command)
        assert urls, f"{where}: healthcheck requests no URL: {command}"
        for url in urls:
            parts = urlsplit(url)
            assert parts.path == "/health", f"{where}: {url}"
            assert parts.port == serve_port(), f"{where}: {url}"


def test_the_app_has_a_health_route() -> None:
    sources = (path.read_text() for path in (ROOT / "web").rglob("*.py"))
    assert any(re.search(r"""@get\(\s*["']/health["']""", source) for source in sources)


# --- Tests: Dockerfile ------------------------------------------------------------------------------------


def test_dockerfile_migrates_then_serves_as_non_root() -> None:
    (base,) = dockerfile_args("FROM")
    assert base.startswith("python:3.11-slim")
    users = dockerfile_args("USER")
    assert users, "the image runs as root"
    assert users[-1] not in {"root", "0"}
    (cmd,) = dockerfile_args("CMD")
    command = exec_form(cmd)
    assert "council db upgrade" in command
    assert command.index("council db upgrade") < command.index("council serve")
    assert "--host 0.0.0.0" in command


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "var", ".env"} <= ignored


# --- Tests: Makefile and CI -------------------------------------------------------------------------------


def test_ci_runs_make_test_and_nothing_else() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    commands = [
        line.strip() for line in script.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1] == "make test"
    others = [line for line in commands[:-1] if not line.startswith(("set ", "cd "))]
    assert not others, others


def make_dry_run(*args: str) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {key: value for key, value in os.environ.items() if key not in {"HOST", "PORT", "MAKEFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        [make, "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.splitlines()


def first_line(lines: list[str], pattern: str) -> int:
    for number, line in enumerate(lines):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"no command matching {pattern!r} in:\n" + "\n".join(lines))


def test_make_test_runs_services_ruff_mypy_and_pytest() -> None:
    lines = make_dry_run("test")
    services_at = first_line(lines, r"tests/infra/ensure_services\.sh")
    first_line(lines, r"\.venv/bin/ruff check \.")
    first_line(lines, r"\.venv/bin/ruff format --check \.")
    first_line(lines, r"\.venv/bin/mypy council web agendas tests")
    pytest_at = first_line(lines, r"\.venv/bin/pytest -n ")
    assert services_at < pytest_at


def test_make_run_serves_the_demo_and_passes_host_and_port() -> None:
    assert first_line(make_dry_run("run"), r"\.venv/bin/council serve --demo\s*$") >= 0
    first_line(make_dry_run("run", "HOST=0.0.0.0", "PORT=9000"), r"council serve --demo --host 0\.0\.0\.0 --port 9000")


def test_readme_names_the_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme


# --- Tests: vendored htmx ---------------------------------------------------------------------------------


def test_vendored_htmx_matches_its_pinned_checksums() -> None:
    vendor = ROOT / "web" / "static" / "vendor" / "htmx"
    pinned = re.findall(r"^([0-9a-f]{64})  (\S+)$", (vendor / "VERSION").read_text(), flags=re.MULTILINE)
    assert {name for _, name in pinned} >= {"htmx.min.js", "sse.js"}
    for digest, name in pinned:
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    assert (vendor / "LICENSE").is_file()

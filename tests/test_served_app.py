"""The app as `council serve` runs it: once started, the objects made so far leave the garbage collector's sight,
and young objects are collected less often."""

from __future__ import annotations

import gc

from asgi_lifespan import LifespanManager
from litestar import Litestar

import web.app
from council.settings import Settings


async def test_the_served_app_freezes_what_start_up_made(settings: Settings, monkeypatch) -> None:
    built: list[Litestar] = []
    original = web.app.create_app

    def create_app() -> Litestar:
        built.append(original(settings))
        return built[-1]

    monkeypatch.setattr(web.app, "create_app", create_app)
    app = web.app.create_served_app()
    assert app is built[0]
    assert web.app.freeze_startup_objects in app.on_startup
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):  # type: ignore[arg-type]
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # modules, mappings, templates
            assert gc.get_threshold() == web.app.GC_THRESHOLDS != thresholds  # young objects collected less often
    finally:
        gc.unfreeze()  # the test process builds many apps: frozen objects would never be collected
        gc.set_threshold(*thresholds)


def test_council_serve_runs_the_served_app() -> None:
    import inspect

    from web import cli

    assert cli.serve.callback is not None
    assert '"web.app:create_served_app"' in inspect.getsource(cli.serve.callback)

"""Every route resolves its dependencies one after the other. Litestar resolves the dependencies of one level that
do not depend on each other in an anyio task group, a new one per request; the database session, the viewer and the
municipality are ordered (web/auth.py, web/dependencies.py) so that no route pays for one."""

from __future__ import annotations

from litestar import Litestar
from litestar.routes import HTTPRoute


def test_no_route_resolves_two_dependencies_side_by_side(app: Litestar) -> None:
    side_by_side = []
    handlers = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method, (_handler, kwargs_model) in route.route_handler_map.items():
            handlers += 1
            for batch in kwargs_model.dependency_batches:
                if len(batch) > 1:
                    side_by_side.append((method, route.path, sorted(dependency.key for dependency in batch)))
    assert handlers > 200
    assert not side_by_side


def test_the_viewer_comes_after_the_session_and_the_municipality_after_the_viewer(app: Litestar) -> None:
    (route,) = [r for r in app.routes if isinstance(r, HTTPRoute) and r.path == "/meetings/{meeting_id:int}"]
    _handler, kwargs_model = route.route_handler_map["GET"]
    batches = [sorted(dependency.key for dependency in batch) for batch in kwargs_model.dependency_batches]
    assert batches == [["db_session"], ["viewer"], ["municipality"]]

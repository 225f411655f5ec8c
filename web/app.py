"""create_app(): the Litestar application with its plugins, middleware and controllers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware.base import DefineMiddleware
from litestar.static_files import create_static_files_router
from sqlalchemy.ext.asyncio import AsyncEngine

from council.accounts.viewer_cache import ViewerCache
from council.audit.sealing import seal_periodically
from council.changes import database_key
from council.db import create_engine, session_factory
from council.files.storage import FileStorage
from council.settings import Settings, load_settings
from council.voting.ballot_box import BallotBox
from media.hooks import restrict_host_addresses
from media.relay import AiortcRelay
from web.auth import VIEWER_CACHE, LanguageMiddleware
from web.controllers.accessibility import AccessibilityController
from web.controllers.accounts import AccountController, AuthController
from web.controllers.admin import UserAdminController
from web.controllers.agenda import AgendaController
from web.controllers.attendance import AttendanceController
from web.controllers.calendar import CalendarController
from web.controllers.calendars import CalendarFeedController, CalendarTokenController
from web.controllers.console import ConsoleController
from web.controllers.consultations import ConsultationController
from web.controllers.directory import OrganizationController, PersonController
from web.controllers.feeds import FeedController
from web.controllers.home import HomeController, bench_hello
from web.controllers.invitation import InvitationController
from web.controllers.live import LiveController
from web.controllers.meeting_documents import MeetingDocumentController
from web.controllers.meeting_room import MeetingRoomController
from web.controllers.meetings import MeetingController
from web.controllers.minutes import MinutesController
from web.controllers.minutes_approval import MinutesApprovalController
from web.controllers.minutes_documents import MinutesDocumentController
from web.controllers.paper_files import FileController, PaperFileController
from web.controllers.papers import PaperController
from web.controllers.resolutions import FollowUpController, ResolutionController
from web.controllers.scheduling import SchedulingController
from web.controllers.search import SearchController
from web.controllers.voting import MemberVotingController, PollController
from web.dependencies import DEPENDENCIES
from web.errors import EXCEPTION_HANDLERS
from web.live import LiveBroadcaster, channels_plugin, share_viewer_changes
from web.oparl.controllers import OParlController
from web.oparl.cors import OParlCorsMiddleware
from web.page_cache import PageCacheMiddleware, PageStore, relaying_changes
from web.room_hub import RoomHub
from web.room_recording import RoomRecorder
from web.security_headers import SecurityHeadersMiddleware
from web.sessions import session_config, session_store
from web.templating import build_environment, template_config

STATIC = Path(__file__).parent / "static"


def create_served_app() -> Litestar:
    """The app as ``council serve`` runs it (``uvicorn --factory web.app:create_served_app``): ``create_app``, and
    once started, the objects made so far (modules, mappings, templates: some 300,000) are moved out of the
    garbage collector's sight with ``gc.freeze()``. Otherwise every full collection walks them all again: in a
    vote storm one such pause took 200 ms, longer than writing all 300 votes. Young objects are then collected less
    often (``GC_THRESHOLDS``). Tests build many apps in one process and call ``create_app``: frozen objects are
    never collected, so there it would only pile up."""
    app = create_app()
    app.on_startup.append(freeze_startup_objects)
    return app


# Young objects collected every 20,000 allocations instead of 700. A request makes thousands of short-lived objects
# (ORM states, statements, headers), and at the default the collector ran its older generations so often that over
# a 500-voter storm, with the logins before it, collections took 2.7 s of the process's time; with these 0.6 s.
GC_THRESHOLDS = (20_000, 20, 20)


def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None) -> Litestar:
    """Build the app. ``uvicorn --factory web.app:create_app`` calls it without arguments."""
    settings = settings or load_settings()
    logging.basicConfig(level=logging.INFO)
    engine = engine or create_engine(settings.database_url, pool_pre_ping=not settings.uses_sqlite)
    alchemy = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_dependency_key="db_session",
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Commit when the handler answered 2xx or redirected after a form, roll back otherwise:
        # no half-written records.
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )
    channels = channels_plugin(settings)
    sessions = session_factory(engine)
    templates = template_config()
    viewer_cache = ViewerCache(ttl_seconds=settings.viewer_cache_seconds)
    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_secure=settings.secure_cookies,
        cookie_httponly=True,
        cookie_samesite="lax",
    )
    database = database_key(engine.url)
    pages = PageStore(settings.page_cache_seconds)

    @asynccontextmanager
    async def background(app: Litestar) -> AsyncIterator[None]:
        """Live pushes and the audit sealer run beside the requests for the app's lifetime."""
        broadcaster = LiveBroadcaster(channels, sessions, build_environment(), settings.redis_namespace)
        app.state.broadcaster = broadcaster
        await broadcaster.start()
        ballot_box = BallotBox(sessions, broadcaster.publish)
        app.state.ballot_box = ballot_box
        await ballot_box.start()
        sealer = asyncio.create_task(seal_periodically(sessions), name="council-audit-sealer")
        sharing: asyncio.Task[None] | None = None
        if settings.media_host_addresses:
            restrict_host_addresses(list(settings.media_host_addresses))
        relay = AiortcRelay(video_slots=settings.media_video_slots, audio_slots=settings.media_audio_slots)
        recorder = RoomRecorder(relay, sessions, FileStorage(settings.file_storage), settings.var_dir / "recordings")
        app.state.room_hub = RoomHub(
            relay,
            sessions,
            broadcaster.publish,
            settings.media_reconnect_grace_seconds,
            max_listeners=settings.media_max_listeners,
            recorder=recorder,
        )
        # The room checks in members when the meeting opens and stops a recording when it closes.
        broadcaster.listeners.append(app.state.room_hub.on_events)
        broadcaster.listeners.append(app.state.room_hub.meeting_changed)
        try:
            async with contextlib.AsyncExitStack() as stack:
                if settings.redis_url:
                    # The first subscription alone, awaited: redis-py's PubSub opens its connection on the first
                    # subscribe, and two subscribing at once each opened one, one of them orphaned with its
                    # subscription (a process then never heard the others' writes). Later ones share it.
                    await stack.enter_async_context(
                        relaying_changes(channels, settings.redis_namespace, engine.sync_engine)
                    )
                    sharing = asyncio.create_task(
                        share_viewer_changes(channels, viewer_cache, settings.redis_namespace),
                        name="council-viewer-changes",
                    )
                yield
        finally:
            await app.state.room_hub.close()
            await relay.close()
            if settings.media_host_addresses:
                restrict_host_addresses([])  # the candidate restriction is process-wide: undo it with the app
            for task in (sealer, sharing):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await ballot_box.stop()
            await broadcaster.stop()

    return Litestar(
        route_handlers=[
            HomeController,
            AuthController,
            AccountController,
            OrganizationController,
            PersonController,
            MeetingController,
            MeetingDocumentController,
            InvitationController,
            CalendarFeedController,
            CalendarTokenController,
            MeetingRoomController,
            SchedulingController,
            AgendaController,
            PaperController,
            PaperFileController,
            ConsultationController,
            FileController,
            UserAdminController,
            ConsoleController,
            AttendanceController,
            PollController,
            MemberVotingController,
            LiveController,
            ResolutionController,
            FollowUpController,
            OParlController,
            MinutesController,
            MinutesApprovalController,
            MinutesDocumentController,
            SearchController,
            CalendarController,
            FeedController,
            AccessibilityController,
            create_static_files_router(path="/static", directories=[STATIC], name="static"),
            *([bench_hello] if settings.bench_hello else []),
        ],
        dependencies=DEPENDENCIES,
        plugins=[SQLAlchemyPlugin(config=alchemy), channels],
        lifespan=[background],
        middleware=[
            DefineMiddleware(SecurityHeadersMiddleware, secure=settings.secure_cookies),
            OParlCorsMiddleware,
            LanguageMiddleware(),
            session_config(settings).middleware,
            PageCacheMiddleware(pages, database, csrf),
        ],
        csrf_config=csrf,
        stores={"sessions": session_store(settings)},
        template_config=templates,
        exception_handlers=EXCEPTION_HANDLERS,
        state=State({"settings": settings, "sessionmaker": sessions, "page_store": pages, VIEWER_CACHE: viewer_cache}),
        # Room for one upload of the allowed size and the form around it; the upload itself is checked
        # against the limit and answered with the form and a message.
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
        debug=False,
    )

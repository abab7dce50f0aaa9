"""
In-process test harness for Flet 1.0 apps (copied from research/flet-examples; adapted: extra
`method_fakes` per harness, `dialogs()` helper) - no Flutter SDK, no client, no sockets.

It plays the role of the Flutter client:
  * creates a real `flet.messaging.session.Session` (and its `Page`) on top of
    a fake `Connection` that records outgoing protocol messages,
  * runs your `main(page)` exactly like `flet.app.__get_on_session_created` does,
  * delivers events the way the client would (CONTROL_EVENT -> Session.dispatch_event,
    UPDATE_CONTROL_PROPS -> Session.apply_patch), so auto-update, async/generator
    handlers, components/hooks/observables and the Router all run for real,
  * answers client-side method calls (INVOKE_METHOD) from a table of fakes, e.g.
    `Page.push_route` (then fires `route_change` like the real client does) and an
    in-memory `SharedPreferences`.

Built only on public-ish internals that flet's own unit tests use
(sdk/python/packages/flet/tests/test_events.py, test_use_dialog.py,
test_session_disconnect_buffering.py). Tested against flet 1.0.5.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import flet as ft
import msgpack
from flet.controls.base_control import BaseControl
from flet.controls.context import _context_page, context
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub

MethodFake = Callable[["FakeClient", BaseControl, dict], Any]


class FakeClient(Connection):
    """Stand-in for the Flutter client: records messages, answers method calls."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        super().__init__()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=4)
        self.pubsubhub = PubSubHub(loop=loop, executor=self.executor)
        self.page_url = "test://in-process"
        self.messages: list[Message] = []
        self.wire_bytes = 0
        self._encode = configure_encode_object_for_msgpack(BaseControl)
        self.session: Session | None = None
        self.prefs: dict[str, Any] = {}  # in-memory SharedPreferences store
        self.method_fakes: dict[tuple[str, str], MethodFake] = {
            ("Page", "push_route"): FakeClient._push_route,
            ("SharedPreferences", "set"): lambda c, _, a: c.prefs.__setitem__(a["key"], a["value"]) or True,
            ("SharedPreferences", "get"): lambda c, _, a: c.prefs.get(a["key"]),
            ("SharedPreferences", "contains_key"): lambda c, _, a: a["key"] in c.prefs,
            ("SharedPreferences", "remove"): lambda c, _, a: c.prefs.pop(a["key"], None) is not None,
            ("SharedPreferences", "get_keys"): lambda c, _, a: [k for k in c.prefs if k.startswith(a["key_prefix"])],
            ("SharedPreferences", "clear"): lambda c, _, a: c.prefs.clear() or True,
        }

    # --- Connection API -------------------------------------------------------
    def send_message(self, message: Message):
        # Encode exactly like the real transports do: msgpack encoding is what
        # records the __prev_* snapshots the next diff is computed against, and
        # it proves every value in the tree is serializable.
        self.wire_bytes += len(msgpack.packb([message.action, message.body], default=self._encode))
        self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD:
            self.loop.call_soon(self._answer_method, message.body)

    def get_upload_url(self, file_name: str, expires: int) -> str:
        return f"/upload/{file_name}?expires={expires}&fake=1"

    # --- fakes ----------------------------------------------------------------
    def _answer_method(self, body):
        ctrl = self.session.index.get(body.control_id)
        key = (type(ctrl).__name__ if ctrl is not None else "?", body.name)
        fake = self.method_fakes.get(key)
        if fake is None:
            result, error = None, f"FakeClient: no fake for {key}"
        else:
            try:
                result, error = fake(self, ctrl, body.args or {}), None
            except Exception as ex:  # report like the Dart side would
                result, error = None, str(ex)
        self.session.handle_invoke_method_results(body.control_id, body.call_id, result, error)

    @staticmethod
    def _push_route(client: FakeClient, page, args):
        # The real client updates its URL and then sends a `route_change` event.
        route = args["route"]
        client.session.apply_page_patch({"route": route})
        client.loop.create_task(client.session.dispatch_event(page._i, "route_change", {"route": route}))
        return None


class FletHarness:
    """Async context manager: `async with FletHarness(main) as h: ...`."""

    def __init__(self, main: Callable, before_main: Callable | None = None,
                 route: str = "/", width: float = 1280, height: float = 800,
                 platform: str = "android", web: bool = False,
                 method_fakes: dict[tuple[str, str], MethodFake] | None = None):
        self.main = main
        self.method_fakes = method_fakes or {}
        self.before_main = before_main
        self.initial = {"route": route, "width": width, "height": height,
                        "platform": platform, "web": web}

    async def __aenter__(self) -> FletHarness:
        self.client = FakeClient(asyncio.get_running_loop())
        self.client.method_fakes.update(self.method_fakes)
        self.session = Session(self.client)
        self.client.session = self.session
        self.page: ft.Page = self.session.page
        _context_page.set(self.page)
        # what REGISTER_CLIENT does in flet/messaging/flet_socket_server.py
        self.session.apply_page_patch(self.initial)
        if self.before_main:
            await _call(self.before_main, self.page)
        # initial full-page snapshot + mounts, "sent" as the register response
        self.client.send_message(Message(
            MessageAction.REGISTER_CLIENT,
            RegisterClientResponseBody(session_id=self.session.id,
                                       page_patch=self.session.get_page_patch(), error="")))
        # what flet/app.py:__get_on_session_created does
        context.reset_auto_update()
        if inspect.isasyncgenfunction(self.main):
            async for _ in self.main(self.page):
                await self.session.after_event(self.page)
        else:
            await _call(self.main, self.page)
        await self.session.after_event(self.page)
        await self.settle()
        return self

    async def __aexit__(self, *exc):
        self.session.close()
        await self.settle()
        self.client.executor.shutdown(wait=False, cancel_futures=True)
        context.disable_components_mode()

    # --- driving the UI ---------------------------------------------------------
    async def settle(self, turns: int = 20):
        """Let scheduled updates, effects, tasks (e.g. page.navigate) run."""
        for _ in range(turns):
            await asyncio.sleep(0)

    async def fire(self, control: BaseControl, event: str = "click", data: Any = None):
        """Deliver a client event (`click`, `change`, `submit`, ...) to a control."""
        await self.session.dispatch_event(control._i, event, data)
        await self.settle()
        await self.dismiss_closed_dialogs()

    async def dismiss_closed_dialogs(self):
        """The real client reports `dismiss` once a closed dialog's animation ends; the page then unmounts it."""
        for d in list(self.page._dialogs.controls):
            if not d.open:
                await self.session.dispatch_event(d._i, "dismiss", None)
        await self.settle()

    async def click(self, control: BaseControl):
        await self.fire(control, "click")

    async def change(self, control: BaseControl, value: Any):
        """What the Dart client does for TextField/Checkbox/Switch/Dropdown/Slider:
        `updateProperties({"value": v})` (UPDATE_CONTROL_PROPS) then `change` event."""
        self.session.apply_patch(control._i, {"value": value})
        await self.fire(control, "change", value)

    async def type_text(self, field: BaseControl, text: str, submit: bool = False):
        await self.change(field, text)
        if submit:
            await self.fire(field, "submit", text)

    async def navigate(self, route: str):
        await self.page.push_route(route)
        await self.settle()

    # --- inspecting the tree -------------------------------------------------------
    def controls(self) -> list[BaseControl]:
        """All controls currently mounted in the session (live index)."""
        return [c for c in list(self.session.index.values()) if c is not None]

    def find(self, cls: type | None = None, *, text: str | None = None,
             key: str | None = None, predicate: Callable[[Any], bool] | None = None) -> list:
        out = []
        for c in self.controls():
            if cls is not None and not isinstance(c, cls):
                continue
            if key is not None and getattr(c, "key", None) != key:
                continue
            if text is not None and text not in _texts_of(c):
                continue
            if predicate is not None and not predicate(c):
                continue
            out.append(c)
        return out

    def find_one(self, cls=None, **kw):
        found = self.find(cls, **kw)
        assert len(found) == 1, f"expected 1 match for {cls} {kw}, got {len(found)}: {found}"
        return found[0]

    def views(self) -> list:
        """page.views with components unwrapped (render_views() stores a Component)."""
        return [ft.unwrap_component(v) for v in ft.unwrap_component(self.page.views)]

    def all_text(self) -> list[str]:
        return [t for c in self.controls() for t in _texts_of(c)]

    def dialogs(self) -> list:
        """Dialogs (AlertDialog, SnackBar, DatePicker) currently open on the page."""
        return [d for d in self.page._dialogs.controls if getattr(d, "open", False)]

    def errors(self) -> list[str]:
        return [m.body.message for m in self.client.messages
                if m.action == MessageAction.SESSION_CRASHED]


def _texts_of(c) -> list[str]:
    vals = []
    for attr in ("value", "content", "label", "text", "tooltip", "hint_text"):
        v = getattr(c, attr, None)
        if isinstance(v, str):
            vals.append(v)
    return vals


async def _call(fn, *args):
    res = fn(*args)
    if inspect.isawaitable(res):
        await res

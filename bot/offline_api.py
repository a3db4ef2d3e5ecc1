"""A Bot API that answers every call at once, without a network: for the benchmark.

python-telegram-bot tests its own Application the same way (an offline `BaseRequest`). Answers are
shaped like Telegram's, so the framework parses them exactly as it would parse real ones, and the
last keyboard sent to each chat is kept so a simulated user can press its buttons.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7000002
BOT_USERNAME = "complaint_coach_bench_bot"
FAKE_TOKEN = f"{BOT_ID}:BENCH-offline-token-never-sent-anywhere"
_BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Coach", "username": BOT_USERNAME}
_MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "sendDocument", "sendPhoto"})


class OfflineBotApi(BaseRequest):
    """Answers like Telegram, instantly; remembers each chat's latest inline keyboard."""

    def __init__(self) -> None:
        self._message_ids = itertools.count(1)
        self.keyboards: dict[int, list[list[dict[str, Any]]]] = {}
        self.messages_sent = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        return 200, json.dumps({"ok": True, "result": self._result(api_method, params)}).encode()

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return _BOT_USER
        if api_method == "getUpdates":
            return []
        if api_method not in _MESSAGE_METHODS:
            return True
        self.messages_sent += 1
        chat_id = int(params.get("chat_id", 0))
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            self.keyboards[chat_id] = markup["inline_keyboard"]
        message_id = (
            int(params["message_id"])
            if api_method == "editMessageText"
            else next(self._message_ids)
        )
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": _BOT_USER,
            "text": str(params.get("text") or params.get("caption") or ""),
        }

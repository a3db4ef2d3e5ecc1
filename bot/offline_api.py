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
    """Answers like Telegram, instantly; remembers each chat's latest inline keyboard.

    Subclasses (the tests' recording API) hook in through `answer` and `on_message`.
    """

    bot_user: dict[str, Any] = _BOT_USER

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
        params = dict(request_data.parameters) if request_data else {}
        result = self.answer(api_method, params, request_data)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def answer(
        self, api_method: str, params: dict[str, Any], request_data: RequestData | None
    ) -> Any:
        """The `result` Telegram would give for this call."""
        if api_method == "getMe":
            return self.bot_user
        if api_method == "getUpdates":
            return []
        if api_method not in _MESSAGE_METHODS:
            return True
        message_id = (
            int(params["message_id"])
            if api_method == "editMessageText"
            else next(self._message_ids)
        )
        self.on_message(api_method, params, message_id, request_data)
        return self.message_json(api_method, params, message_id)

    def on_message(
        self,
        api_method: str,
        params: dict[str, Any],
        message_id: int,
        request_data: RequestData | None,
    ) -> None:
        """Note a message sent or edited: the chat's keyboard is what the user can press next."""
        self.messages_sent += 1
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            self.keyboards[int(params.get("chat_id", 0))] = markup["inline_keyboard"]

    def message_json(
        self, api_method: str, params: dict[str, Any], message_id: int
    ) -> dict[str, Any]:
        """The Message object Telegram returns for a message sent or edited."""
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            "from": self.bot_user,
            "text": str(params.get("text") or ""),
        }
        if "caption" in params:
            message["caption"] = params["caption"]
        if api_method == "sendDocument":
            message["document"] = {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"d{message_id}",
            }
        if api_method == "sendPhoto":
            message["photo"] = [
                {
                    "file_id": f"ph{message_id}",
                    "file_unique_id": f"p{message_id}",
                    "width": 1,
                    "height": 1,
                }
            ]
        markup = params.get("reply_markup")
        if markup:
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        return message

"""What the benchmark feeds the bot: seeded employees and cases, case scripts, sample replies."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from dialogs.access import Role
from dialogs.case_terms import Stage
from storage.db import create_engine, create_sessionmaker
from storage.models import Case, Employee, utcnow

if TYPE_CHECKING:
    from bot.bench import UpdateFactory
    from bot.offline_api import OfflineBotApi

SEED_CHUNK = 1_000


async def seed_employees(url: str, count: int) -> list[int]:
    """`count` staff members, as if each had joined by invite; returns their Telegram ids.

    The ids start at a random point so that repeated runs on one PostgreSQL database don't clash.
    """
    first_id = random.randrange(10**9, 2 * 10**12)
    telegram_ids = list(range(first_id, first_id + count))
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            await session.execute(
                insert(Employee),
                [
                    {
                        "telegram_id": telegram_id,
                        "name": f"Сотрудник {telegram_id}",
                        "role": Role.STAFF.value,
                        "language": "ru" if telegram_id % 2 else "en",
                        "is_active": True,
                        "created_at": utcnow(),
                    }
                    for telegram_id in telegram_ids
                ],
            )
    finally:
        await engine.dispose()
    return telegram_ids


async def seed_open_cases(url: str, count: int) -> None:
    """`count` open cases owned by one seeded employee, written in chunks through Core."""
    [owner_telegram_id] = await seed_employees(url, 1)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            owner_id = await session.scalar(
                Employee.__table__.select()
                .with_only_columns(Employee.id)
                .where(Employee.telegram_id == owner_telegram_id)
            )
            now = utcnow()
            for start in range(0, count, SEED_CHUNK):
                rows = [
                    {
                        "owner_id": owner_id,
                        "created_by_id": owner_id,
                        "mode": "live",
                        "stage": Stage.LISTEN.value,
                        "temperature": 3,
                        "temperature_start": 3,
                        "what_happened": f"Открытое обращение {number}",
                        "rejection_count": 0,
                        "legal_threat": False,
                        "returning_client": False,
                        "escalated": False,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for number in range(start, min(start + SEED_CHUNK, count))
                ]
                await session.execute(insert(Case), rows)
    finally:
        await engine.dispose()


# One case per branch, by the actions on the buttons (language-independent): our fault with a
# note, a typed field and a call-back; the client's fault with a rejected first offer.
OUR_FAULT: tuple[tuple[str, str], ...] = (
    ("text", "/call"),
    ("press", "temp:4"),
    ("text", "Клиент ждёт заказ третью неделю, никто не перезвонил"),
    ("press", "heard_out"),
    ("press", "ask:what"),
    ("text", "Заказ 1187 не доставлен, курьер не приехал"),
    ("press", "facts_clear"),
    ("press", "fault_ours"),
    ("press", "error_owned"),
    ("press", "solution:replace"),
    ("press", "accepted"),
    ("press", "apologised"),
    ("press", "schedule:in_1h"),
    ("press", "resolved"),
    ("press", "root:delivery"),
    ("press", "dept:1"),
    ("press", "close"),
    ("press", "wellbeing:4"),
)
CLIENT_FAULT: tuple[tuple[str, str], ...] = (
    ("text", "/call"),
    ("press", "temp:3"),
    ("press", "heard_out"),
    ("press", "facts_clear"),
    ("press", "fault_client"),
    ("text", "The warranty ended a month before the claim"),
    ("press", "explained"),
    ("press", "solution:discount"),
    ("press", "rejected"),
    ("press", "solution:redo"),
    ("press", "accepted"),
    ("press", "apologised"),
    ("press", "menu:reason"),
    ("press", "no_follow_up:reason_solved"),
    ("press", "root:communication"),
    ("press", "dept:0"),
    ("press", "close"),
    ("press", "wellbeing:3"),
)
SCRIPTS = (OUR_FAULT, CLIENT_FAULT)


class CaseWalker:
    """One simulated employee walking `cases` whole cases, alternating the two fault branches.

    Buttons are pressed by the action they carry, found on the latest keyboard the bot sent to
    this employee, exactly as a user taps what is on screen.
    """

    def __init__(
        self,
        telegram_id: int,
        index: int,
        cases: int,
        factory: UpdateFactory,
        api: OfflineBotApi,
    ) -> None:
        self.telegram_id = telegram_id
        self._factory = factory
        self._api = api
        self._steps = [
            step for number in range(cases) for step in SCRIPTS[(index + number) % len(SCRIPTS)]
        ]
        self._position = 0

    @property
    def done(self) -> bool:
        return self._position >= len(self._steps)

    def next_update(self) -> dict[str, Any]:
        kind, value = self._steps[self._position]
        self._position += 1
        if kind == "text":
            return self._factory.message(self.telegram_id, value)
        return self._factory.press(self.telegram_id, self._button(value))

    def _button(self, action: str) -> str:
        keyboard = self._api.keyboards.get(self.telegram_id, [])
        pattern = re.compile(rf"c:\d+:\d+:{re.escape(action)}")
        for row in keyboard:
            for button in row:
                data = button.get("callback_data", "")
                if pattern.fullmatch(data):
                    return str(data)
        shown = [b.get("callback_data") for row in keyboard for b in row]
        raise RuntimeError(f"no button {action!r} on screen for {self.telegram_id}: {shown}")


def scoring_samples() -> list[tuple[str, str, str]]:
    """Replies of every stage, good and bad, Russian and English, for the scorer figure."""
    replies = {
        "ru": {
            "listen": "Понимаю, как это неприятно. Расскажите, пожалуйста, всё по порядку.",
            "clarify": "Правильно ли я понимаю, что заказ не пришёл? Что для вас сейчас важнее?",
            "own_error": "Это наша ошибка, приношу извинения. Вы правы.",
            "explain": "Давайте объясню: гарантия закончилась в мае, но мы всё равно поможем.",
            "propose": "Заменим товар завтра до 12:00 за наш счёт и привезём сами.",
            "apologise": "Ещё раз извините за доставленные неудобства, спасибо за терпение.",
            "follow_up": "Я позвоню вам завтра в 10 утра и расскажу, как идёт замена.",
        },
        "en": {
            "listen": "I understand how frustrating this is. Please tell me everything.",
            "clarify": "So if I understand correctly, the order never arrived? What would help?",
            "own_error": "That was our mistake and I apologise. You are right.",
            "explain": "Let me explain: the warranty ended in May, but we will still help you.",
            "propose": "We will replace it tomorrow by noon at our cost and deliver it ourselves.",
            "apologise": "Once again, I am sorry for the trouble, and thank you for your patience.",
            "follow_up": "I will call you tomorrow at 10 am to tell you how the replacement goes.",
        },
    }
    rude = {
        "ru": "Успокойтесь, это не мой отдел, такая у нас политика.",
        "en": "Calm down, it's not my department, that's our policy.",
    }
    samples = []
    for language, by_stage in replies.items():
        for stage, text in by_stage.items():
            samples.append((stage, language, text))
            samples.append((stage, language, rude[language]))
    return samples

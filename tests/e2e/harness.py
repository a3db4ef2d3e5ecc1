"""The real `complaint-coach run` process against the Bot API emulator: start, stop, kill, restart.

A `BotProcess` is the bot as an operator runs it (`python -m bot.cli run`, settings from the
environment), talking HTTP to the emulator. It counts as started once it has published its commands
menu and is long polling (or has set its webhook and listens). Its stdout and stderr go to a log
file the test can read (and which is printed when a test fails).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import Settings
from tests.emulator.server import BotApiEmulator

REPO = Path(__file__).resolve().parents[2]
START_WITHIN = 30.0
STOP_WITHIN = 20.0
# Start-up publishes the menu three times: the default, then Russian, then English.
MENU_CALLS = 3


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Webhook:
    """Where the bot listens in webhook mode, and the secret Telegram must send."""

    port: int = field(default_factory=free_port)
    secret: str = "e2e-webhook-secret_0123"
    path: str = "hook"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.path}"


def bot_environment(
    emulator: BotApiEmulator,
    database_url: str,
    *,
    admin_ids: str = "1",
    webhook: Webhook | None = None,
    **settings: str,
) -> dict[str, str]:
    """The environment of a bot process: the emulator as Telegram, no `.env` file."""
    # A developer's own settings (a WEBHOOK_URL, say) must not leak into the process.
    settings_names = {name.upper() for name in Settings.model_fields}
    inherited = {name: value for name, value in os.environ.items() if name not in settings_names}
    env = {
        **inherited,
        "PYTHONPATH": str(REPO),
        "COMPLAINT_COACH_ENV_FILE": "/nonexistent",
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.base_url,
        "DATABASE_URL": database_url,
        "ADMIN_IDS": admin_ids,
        "LOG_LEVEL": "INFO",
    }
    if webhook is not None:
        env |= {
            "WEBHOOK_URL": webhook.url,
            "WEBHOOK_SECRET": webhook.secret,
            "WEBHOOK_LISTEN": f"127.0.0.1:{webhook.port}",
        }
    env |= {name.upper(): value for name, value in settings.items()}
    return env


@dataclass
class BotProcess:
    """One bot process; `restart()` runs a new one with the same settings and database."""

    emulator: BotApiEmulator
    env: dict[str, str]
    log_path: Path
    cwd: Path
    webhook: Webhook | None = None
    process: asyncio.subprocess.Process | None = None
    exit_codes: list[int] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> BotProcess:
        """Run `complaint-coach run`; return once it serves updates, fail with its log if not."""
        assert not self.running, "already running"
        first_call = len(self.emulator.calls)
        with self.log_path.open("ab") as log:
            log.write(f"\n----- start #{len(self.exit_codes) + 1}\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                cwd=self.cwd,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        serving = asyncio.create_task(self._serving(first_call))
        exited = asyncio.create_task(self.process.wait())
        done, _ = await asyncio.wait(
            {serving, exited}, timeout=START_WITHIN, return_when=asyncio.FIRST_COMPLETED
        )
        if serving in done:
            exited.cancel()
            serving.result()
            return self
        serving.cancel()
        if exited not in done:
            exited.cancel()
            await self.stop(signal.SIGKILL)
        raise AssertionError(
            f"the bot did not start within {START_WITHIN}s "
            f"(exit code {self.process.returncode}):\n{self.log_tail()}"
        )

    async def _serving(self, first_call: int) -> None:
        emulator = self.emulator
        await emulator.wait_for_calls("setMyCommands", MENU_CALLS, after=first_call, within=None)
        if self.webhook is None:
            await self.emulator.wait_for_polling(after=first_call, within=None)
            return
        await self.emulator.wait_for_calls("setWebhook", after=first_call, within=None)
        # PTB sets the webhook just before its server listens; wait for the port to open.
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.webhook.port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return

    async def stop(self, stop_signal: int = signal.SIGTERM) -> int:
        """Send the signal (SIGTERM: graceful; SIGKILL: a crash) and wait for the exit code."""
        assert self.process is not None, "never started"
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(stop_signal)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_WITHIN)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
                raise AssertionError(
                    f"the bot ignored signal {stop_signal} for {STOP_WITHIN}s:\n{self.log_tail()}"
                ) from None
        code = self.process.returncode
        assert code is not None
        self.exit_codes.append(code)
        return code

    async def kill(self) -> int:
        """SIGKILL: the process dies at once, mid-whatever, as in a crash or an OOM kill."""
        return await self.stop(signal.SIGKILL)

    async def restart(self, stop_signal: int = signal.SIGTERM) -> BotProcess:
        await self.stop(stop_signal)
        return await self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

"""A Bot API emulator on loopback: the Telegram the end-to-end tests talk to over HTTP."""

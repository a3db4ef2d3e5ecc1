"""End-to-end tests: the real bot process over HTTP against the Bot API emulator."""

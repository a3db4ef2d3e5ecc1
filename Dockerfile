FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY storage ./storage
RUN pip install --no-cache-dir .

RUN useradd --create-home coach
USER coach

# Migrations run at start-up; a bad setting or an unreachable database exits with code 2.
CMD ["complaint-coach", "run"]

# Production image: one image, several roles (web, worker, beat) chosen by the command.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=bilbao_sede.settings.base
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential pkg-config libpq-dev libxml2-dev libxmlsec1-dev libxmlsec1-openssl xmlsec1 \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
# Collect as production runs (DEBUG off: the manifest storage writes staticfiles.json, which
# every page needs). The key and host only satisfy the start-up checks of this build step;
# ReDoc is not served (the API docs use Swagger UI), so its 5 MB bundle is not collected.
RUN DEBUG=false SECRET_KEY=collectstatic-build-step-only-never-used-at-run-time-0000000000 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput --ignore redoc
RUN useradd --system sede && mkdir -p /app/var && chown -R sede /app/var
USER sede
EXPOSE 8000
# Sync workers, one per core (docs/operations.md "Sizing the web role").
CMD ["gunicorn", "bilbao_sede.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]

# Inspectie server image: the API, the office app at /app and the CLI (inspectie-server), as a non-root user.
#   docker compose up -d            (compose.yaml: server + PostgreSQL + Caddy with TLS; docs/OPERATIONS.md)
#   docker build -t inspectie-server .
# Needs only PyPI and Debian's packages. Dependencies come from requirements.lock (hashes checked).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN pip install --no-cache-dir "build>=1.2"
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY schemas ./schemas
COPY sync_server ./sync_server
COPY inspectie_app ./inspectie_app
COPY assets ./assets
RUN python -m build --wheel --outdir /wheels .

FROM python:3.11-slim-bookworm
# postgresql-client: pg_dump/pg_restore for 'inspectie-server backup|restore' (bookworm: 15, the compose database's)
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin inspectie \
 && mkdir -p /data /backups \
 && chown inspectie:inspectie /data /backups
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock && rm /tmp/requirements.lock
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir --no-deps /tmp/wheels/*.whl && rm -rf /tmp/wheels
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INSPECTIE_DATA_DIR=/data \
    INSPECTIE_LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/inspectie-metrics
USER inspectie
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["inspectie-server", "serve", "--host", "0.0.0.0", "--port", "8000"]

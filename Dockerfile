# council for production: run it with docker-compose.yml (PostgreSQL and Redis beside it), see README.md.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COUNCIL_ENV=production \
    COUNCIL_VAR_DIR=/data \
    COUNCIL_FILE_STORAGE=/data/files

# WeasyPrint typesets PDF documents (the demo's paper documents) with Pango and needs fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system council \
    && useradd --system --gid council --home-dir /data --no-create-home --shell /usr/sbin/nologin council

# Only what the package needs (pyproject.toml names README.md as its readme).
COPY pyproject.toml README.md /tmp/src/
COPY council /tmp/src/council
COPY web /tmp/src/web
RUN pip install /tmp/src \
    && rm -rf /tmp/src \
    && mkdir -p /data/files \
    && chown -R council:council /data

USER council
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]

# Bring the schema to the newest revision, then serve.
CMD ["sh", "-c", "council db upgrade && exec council serve --host 0.0.0.0 --port 8000"]

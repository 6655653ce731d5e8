# syntax=docker/dockerfile:1
# Build stage: build the wheel (templates included) and install it into a virtual environment.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY registry ./registry
COPY templates ./templates
RUN python -m venv /opt/registry \
 && /opt/registry/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/registry/bin/pip install --no-cache-dir -c requirements.lock .

# Run stage: no compilers, no sources, no keys; a non-root user owns the data and keys volumes.
FROM python:3.11-slim
RUN groupadd --system registry && useradd --system --gid registry --home-dir /var/lib/registry registry \
 && mkdir -p /var/lib/registry/keys \
 && chown -R registry:registry /var/lib/registry && chmod 0700 /var/lib/registry/keys
COPY --from=build /opt/registry /opt/registry
ENV PATH="/opt/registry/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    REGISTRY_DATABASE_URL="sqlite:////var/lib/registry/registry.sqlite3" \
    REGISTRY_KEYS_DIR="/var/lib/registry/keys" \
    REGISTRY_PORT=8000
USER registry
WORKDIR /var/lib/registry
VOLUME ["/var/lib/registry"]
EXPOSE 8000
# Readiness: /healthz fails while the database does not answer (/livez is liveness).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('REGISTRY_PORT', '8000'), timeout=4)"]
CMD ["sh", "-c", "exec registry serve --host 0.0.0.0 --port \"$REGISTRY_PORT\""]

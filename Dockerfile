# swarmbot as a container: `swarmbot serve` as an unprivileged user, the store in a volume.
# The config comes in at /etc/swarmbot/config.toml, secrets as environment variables.
# Run it with `--ulimit nofile=65536:65536` (compose: `ulimits: {nofile: 65536}`): a
# Dockerfile cannot raise the descriptor limit, and `serve` warns at start-up when the
# limit is below what [server] max_connections needs (docs/operations.md, "Deploy").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --home-dir /var/lib/swarmbot --create-home swarmbot

WORKDIR /opt/swarmbot
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY adapters ./adapters
RUN pip install .

USER 10001
WORKDIR /var/lib/swarmbot
VOLUME ["/var/lib/swarmbot"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/readyz').status != 200)"]
ENTRYPOINT ["swarmbot"]
CMD ["serve", "--config", "/etc/swarmbot/config.toml"]

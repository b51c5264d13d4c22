"""Every Prometheus metric swarmbot exports (scraped at GET /metrics), defined in one place.

Metrics are process-wide by nature (one scrape answers for the process), so they are
declared here on the default registry, as prometheus-client intends; they hold counts only,
never connections or config. Label values come from fixed sets (route kinds, registered
command names, API method names), never from user text, so the series stay few.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "swarmbot_requests", "HTTP requests served, by source (slack, teams, digest, ops, other) "
    "and outcome (the status class: 2xx, 4xx, 5xx)", ["source", "outcome"])
ACK_SECONDS = Histogram(
    "swarmbot_ack_seconds", "Time from a platform request arriving to its answer (Slack must "
    "have it within 3 s), by source", ["source"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0))
COMMANDS = Counter(
    "swarmbot_commands", "Commands handled, by command name and outcome (ok; refused: the "
    "user got a one-line reason; error: a bug, logged with an error id)", ["command", "outcome"])
PLATFORM_ERRORS = Counter(
    "swarmbot_platform_api_errors", "Platform API calls that failed (refused or unreachable), "
    "by platform and API method", ["platform", "method"])
DIGESTS_SENT = Counter(
    "swarmbot_digests_sent", "Weekly digests posted by the scheduler, by platform",
    ["platform"])
NUDGES_SENT = Counter(
    "swarmbot_nudges_sent", "Nudges sent by the scheduler (connect, answer, update, "
    "promise_due), by kind", ["kind"])
REMINDERS_SENT = Counter(
    "swarmbot_reminders_sent", "Promise reminders sent to case owners, by platform",
    ["platform"])

def source_of(path: str) -> str:
    """Which kind of route a request path is, for the requests counter's `source` label."""
    if path.startswith("/slack/"):
        return "slack"
    if path == "/api/messages":
        return "teams"
    if path.startswith("/digest"):
        return "digest"
    if path in ("/healthz", "/readyz", "/metrics"):
        return "ops"
    return "other"

OUTBOX_ROWS = Gauge(
    "swarmbot_outbox_rows", "Platform calls not done yet, by state (pending: waiting or due; "
    "failed: gave up, the owner was told)", ["state"])
OUTBOX_RETRIES = Counter(
    "swarmbot_outbox_retries_total", "Platform calls put back to try again after a transient "
    "failure, by kind", ["kind"])
OUTBOX_GAVE_UP = Counter(
    "swarmbot_outbox_gave_up_total", "Platform calls given up (owner told), by kind", ["kind"])

# Deliveries whose command hit a bug (rolled back whole; the user was told an error id).
INBOX_FAILED = Gauge("swarmbot_inbox_failed", "Deliveries closed as failed by a bug")

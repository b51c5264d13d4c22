"""m036 (issue 27): several Slack workspaces in one deployment (bot/tenancy.py).

Cases, people, friction reports and thanks record the workspace they were made in
(`''`: a deployment that serves one workspace, the shell, Teams); a case also records its
Enterprise Grid org and whether its room is shared across the org's workspaces. A
workspace's settings changed in chat (`/swarm admin set`) are kept with who set them and
when; the token refresh lease lets one replica at a time refresh an installation's token.
"""

WORKSPACES = """
ALTER TABLE cases ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN org TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_by_workspace ON cases(workspace, id);
ALTER TABLE people ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
ALTER TABLE frictions ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
ALTER TABLE thanks ADD COLUMN workspace TEXT NOT NULL DEFAULT '';
CREATE TABLE workspace_settings (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    workspace TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    by_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX workspace_settings_by_name ON workspace_settings(platform, workspace, name, id);
CREATE TABLE token_refresh_leases (
    platform TEXT NOT NULL,
    installation TEXT NOT NULL,
    holder TEXT NOT NULL,
    until TEXT NOT NULL,
    PRIMARY KEY (platform, installation)
)
"""

# m043: on Enterprise Grid, which workspaces a case's room is shared with, from Slack's
# channel_shared / channel_unshared events and from its room being used from there
# (bot/store/scope.py). `workspace` is a team id, or an org's enterprise id: the room is
# shared with the whole org. A case marked shared before (m036's `shared`) is the org's.
CASE_SHARES = """
CREATE TABLE case_shares (
    case_id INTEGER NOT NULL,
    workspace TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (case_id, workspace)
);
CREATE INDEX case_shares_by_workspace ON case_shares(workspace, case_id);
INSERT INTO case_shares (case_id, workspace, at)
    SELECT id, org, opened_at FROM cases WHERE shared = 1 AND org <> ''
"""

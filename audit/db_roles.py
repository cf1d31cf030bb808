"""The PostgreSQL roles for production: an owner that runs the migrations and an app role that
the web and worker processes use, which may add audit events but never change or remove them.

The README shows how to use it; `manage.py audit_db_roles` prints it; the tests run this very SQL.
"""

from __future__ import annotations

import re

from audit.models import AuditEvent

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _checked(name: str) -> str:
    # Names go into SQL as identifiers: only plain lower-case names, so no quoting can break.
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a plain PostgreSQL name (a-z, 0-9, _).")
    return name


def db_roles_create_sql(*, owner: str, app: str, database: str) -> str:
    """Run once by a PostgreSQL superuser, before the first `migrate`. No passwords: set them
    afterwards with psql's \\password, so they never sit in a file or a shell history."""
    owner, app, database = _checked(owner), _checked(app), _checked(database)
    return f"""\
-- The owner runs the migrations and owns the tables; the app never signs in as it.
CREATE ROLE {owner} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
-- The app role owns nothing, so it cannot ALTER, DISABLE TRIGGER or DROP anything.
CREATE ROLE {app} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
ALTER DATABASE {database} OWNER TO {owner};
REVOKE ALL ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {app};
ALTER SCHEMA public OWNER TO {owner};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {app};
-- Tables and sequences the owner makes later (new migrations) are open to the app too.
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app};
ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO {app};
"""


def db_roles_grant_sql(*, app: str) -> str:
    """Run after `migrate` (as the owner or a superuser); safe to run again after every one."""
    app = _checked(app)
    audit_table = _checked(AuditEvent._meta.db_table)
    # Both names passed _checked: plain identifiers, nothing to inject.
    return f"""\
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};
-- The audit log: read and append, nothing else (no UPDATE, DELETE or TRUNCATE).
REVOKE ALL ON {audit_table} FROM {app};
GRANT SELECT, INSERT ON {audit_table} TO {app};
"""  # noqa: S608

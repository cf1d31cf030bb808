"""Prints the SQL of the least-privilege PostgreSQL roles (see the README, "PostgreSQL roles")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.db_roles import db_roles_create_sql, db_roles_grant_sql


class Command(BaseCommand):
    help = (
        "Prints the SQL that creates the owner and app roles (--step create, once, as a "
        "PostgreSQL superuser, before the first migrate) or grants the app role its rights "
        "(--step grant, after migrate). It only prints; run it with psql."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--step", choices=["create", "grant"], required=True)
        parser.add_argument("--owner", default="carelink_owner")
        parser.add_argument("--app", default="carelink_app")
        parser.add_argument("--database", default="carelink")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["step"] == "create":
                sql = db_roles_create_sql(
                    owner=options["owner"], app=options["app"], database=options["database"]
                )
            else:
                sql = db_roles_grant_sql(app=options["app"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(sql, ending="")

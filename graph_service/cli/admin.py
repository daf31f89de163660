"""Access and accountability: ``keys create|list|revoke`` and ``audit``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from graph_service.cli.common import connected, named, out, print_json, reported, settings
from graph_service.services.keys import KeyRole

__all__ = ["audit_cmd", "keys_app"]

keys_app = typer.Typer(help="API keys of members and client applications (the manager's key is "
                            "GRAPH_SERVICE_MANAGER_KEY).", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    role: Annotated[KeyRole, typer.Argument(help="member or client")],
    name: Annotated[str, typer.Option("--name", help="What the key is for.")],
    member: Annotated[str | None, typer.Option("--member", help="The member a member key belongs to.")] = None,
) -> None:
    """Create a key and print its secret (shown this once; only its hash is kept)."""
    from graph_service.services import keys

    with connected() as db, reported(code=2):
        new = keys.create_key(db, role=role, member=member, name=name)
    out.print(f"{new.id}  {new.role}  {new.member or ''}", highlight=False)
    print(new.key)  # plain, alone on its line: what a script reads


@keys_app.command("list")
def keys_list(member: Annotated[str | None, typer.Option("--member")] = None) -> None:
    """List the keys, revoked ones included (names, roles and members by name; never the secrets)."""
    from graph_service.services import keys
    from graph_service.store.members import get_members

    with connected() as db:
        found = keys.list_keys(db, member=member)
        names = {m.id: m.name for m in get_members(db, sorted({k.member for k in found if k.member}))}
    table = Table("name", "role", "member", "created", "revoked", "id")
    for k in found:
        table.add_row(Text(k.name), k.role, Text(named(names, k.member) if k.member else ""), str(k.created or ""),
                      str(k.revoked or ""), k.id)
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: str) -> None:
    """Revoke a key: it stops working at once."""
    from graph_service.services import keys

    with connected() as db, reported(code=2):
        keys.revoke_key(db, key_id)
    out.print(f"revoked {key_id}")


def audit_cmd(
    member: Annotated[str | None, typer.Option("--member", help="Only lines where this member acted or "
                                               "was read or changed.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Read the audit log (member ids are pseudonymised in it; this command knows the secret)."""
    from graph_service.services.audit import AuditLog, load_secret

    config = settings()
    log = AuditLog(config.audit_log_path, load_secret(config.home))
    entries = list(log.lines(member=member))
    if as_json:
        print_json(entries)
        return
    table = Table("at", "actor", "role", "method", "route", "subjects", "status")
    for e in entries:
        table.add_row(e["at"], e["actor"], e["role"], e["method"], e["route"], " ".join(e["subjects"]),
                      str(e["status"]))
    out.print(table)

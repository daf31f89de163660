"""API keys for members and client applications (the manager's own key comes from the environment)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from graph_service.api.deps import DatabaseDep
from graph_service.interchange import Id, Text
from graph_service.services import keys
from graph_service.services.keys import KeyInfo, KeyRole, NewKey

router = APIRouter(prefix="/keys", tags=["keys"])


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: KeyRole = Field(description="'member' (bound to one member) or 'client' (an HTTP client such as "
                                      "the cluster's website).")
    member: Id | None = Field(default=None, description="The member a member key belongs to.")
    name: Text = Field(description="What the key is for, e.g. 'cluster website'.")


@router.post("", response_model=NewKey, status_code=201, responses={404: {"description": "No such member"}})
def create_key(db: DatabaseDep, body: KeyCreate) -> NewKey:
    """Create a key. The secret is in this answer only; the service keeps its SHA-256."""
    return keys.create_key(db, role=body.role, member=body.member, name=body.name)


@router.get("", response_model=list[KeyInfo])
def list_keys(db: DatabaseDep, member: Annotated[Id | None, Query(description="Only this member's keys.")]
              = None) -> list[KeyInfo]:
    return keys.list_keys(db, member=member)


@router.delete("/{key_id}", response_model=KeyInfo, responses={404: {"description": "No such key"}})
def revoke_key(db: DatabaseDep, request: Request, key_id: Annotated[str, Path(max_length=64)]) -> KeyInfo:
    """Revoke a key: it stops working at once, and browser sessions opened with it end."""
    info = keys.revoke_key(db, key_id)
    request.app.state.guard.sessions.drop_key(key_id)
    return info

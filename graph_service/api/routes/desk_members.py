"""Members and keys on the desk: ``/desk/members`` (add or edit a member) and ``/desk/keys``
(create a member's or an application's key, shown once; list and revoke keys)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

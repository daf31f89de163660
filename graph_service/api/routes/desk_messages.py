"""The manager's messages: ``/desk/messages`` (for each proposed introduction, a ready message
saying why the two should meet; sent by mail when SMTP is configured) and the members' one-click
answers from the mail, ``/answer/{token}`` (signed, expiring, single use)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

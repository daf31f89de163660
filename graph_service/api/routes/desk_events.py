"""Events and round tables on the desk: ``/desk/events`` (create an event, register attendees by
name, seat them, print the table plan and the place cards)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

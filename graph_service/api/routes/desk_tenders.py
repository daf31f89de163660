"""Calls for tender on the desk: ``/desk/tenders`` (create or edit one, see proposed teams by
name, save a team onto the project)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

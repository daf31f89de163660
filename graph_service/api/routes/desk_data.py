"""Data on the desk: ``/desk/data`` (upload a workbook, CSV or JSON, see what would change,
confirm; download every export format)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

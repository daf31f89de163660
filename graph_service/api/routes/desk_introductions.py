"""The manager's introductions desk: ``/desk/introductions`` (ask for a plan, see it by name with
its reasons and its effect on each subsector's E-I index, untick pairs, record the rest) and
``/desk/introductions/board`` (the introductions by state, follow-ups, one click to move one on)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["pages"], include_in_schema=False)

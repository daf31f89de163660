"""A member's data under the GDPR: export everything held about them, or erase them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from graph_service.api.deps import CallerDep, DatabaseDep
from graph_service.services import privacy
from graph_service.services.privacy import MemberExport
from graph_service.services.visibility import ensure_own

router = APIRouter(prefix="/members", tags=["privacy"])

MemberId = Annotated[str, Path(description="A member id, e.g. m-042.", max_length=64)]


@router.get("/{member_id}/export", response_model=MemberExport,
            responses={404: {"description": "No such member"}})
def export_member(db: DatabaseDep, principal: CallerDep, member_id: MemberId) -> MemberExport:
    """Everything held about the member, machine-readable (GDPR art. 15 and 20). Other members
    whose visibility is ``private`` appear without id or name. The manager or the member."""
    ensure_own(principal.viewer, member_id)
    return privacy.export_member(db, member_id)


@router.delete("/{member_id}", status_code=204, responses={404: {"description": "No such member"}})
def erase_member(db: DatabaseDep, request: Request, principal: CallerDep, member_id: MemberId) -> Response:
    """Erase the member (GDPR art. 17): the profile, ties, links and impressions are deleted, and
    the introductions they took part in keep only anonymous counts. The manager or the member."""
    ensure_own(principal.viewer, member_id)
    privacy.erase_member(db, member_id)  # deletes the member's keys in the same transaction
    request.app.state.guard.sessions.drop_member(member_id)  # and their browser sessions end now
    return Response(status_code=204)

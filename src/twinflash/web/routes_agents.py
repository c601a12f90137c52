"""The agents' side: upload photos to check, the review queue, case pages, decisions, the
audit log and the CSV export. Every route needs a session; audit and export need admin.
Every case page and every photo or crop served is written to the audit log."""

from __future__ import annotations

import os
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from twinflash.files import atomic_write_bytes
from twinflash.web import casestore, jobstore, pages
from twinflash.web.auth import AdminUser, AgentUser, check_csrf
from twinflash.web.settings import new_token
from twinflash.web.uploads import SIGNATURES, UploadError, clean_plate, decode_image, parse_manifest

router = APIRouter(prefix="/agent", tags=["agents"])
JOB_ID = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,48}$")]
CASE_ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _done(request: Request, url: str, payload: dict) -> Response:
    """Browsers follow a redirect to the page; API clients get the JSON (202/200)."""
    if pages.wants_html(request):
        return RedirectResponse(url, status_code=303)
    return JSONResponse(payload, status_code=202 if "job_id" in payload else 200)


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UploadError(f"{upload.filename}: larger than {limit} bytes", 413)
    return data


@router.get("", include_in_schema=False)
def home(request: Request, user: AgentUser) -> Response:
    st = request.app.state
    batches = jobstore.recent(st.store.engine, "check", 20)
    queue = casestore.review_queue(st.store.engine, 1000)
    return pages.render(
        request, "agent.html", batches=batches, waiting=len(queue), limits=st.settings.limits
    )


@router.get("/whoami", summary="The session's user and CSRF token (for API clients)")
def whoami(request: Request, user: AgentUser) -> dict:
    return {"username": user.username, "role": user.role, "csrf": request.state.csrf}


@router.post("/batches", summary="Upload photos (and optionally a manifest) to check")
async def upload_batch(
    request: Request,
    user: AgentUser,
    photos: Annotated[list[UploadFile], File(description="JPEG or PNG photos")],
    manifest: Annotated[
        UploadFile | None, File(description="CSV photo,plate[,expected,score]")
    ] = None,
    plate: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    st = request.app.state
    limits = st.settings.limits
    if not photos:
        raise UploadError("photos: at least one photo")
    if len(photos) > limits.files_per_batch:
        raise UploadError(f"photos: at most {limits.files_per_batch} per batch", 413)
    rows = None
    if manifest is not None and manifest.filename:
        rows = parse_manifest(
            await _read_limited(manifest, limits.manifest_bytes), limits.manifest_bytes
        )
    typed_plate = clean_plate(plate)
    items, kept = [], []
    try:
        for upload in photos:
            name = os.path.basename(upload.filename or "photo")[:200] or "photo"
            data = await _read_limited(upload, limits.upload_bytes)
            await run_in_threadpool(decode_image, data, name, limits.upload_pixels)
            row = rows.get(name) if rows is not None else None
            if rows is not None and row is None:
                raise UploadError(f"{name}: not in the manifest (photo column)")
            ext = next(e for m, (_, e) in SIGNATURES.items() if data.startswith(m))
            stored = f"{new_token(12)}{ext}"
            atomic_write_bytes(st.settings.uploads_dir / stored, data)
            kept.append(stored)
            items.append(
                {
                    "filename": name,
                    "upload": stored,
                    "plate": row.plate if row else typed_plate,
                    "expected": row.expected.status if row else None,
                    "score": row.expected.score if row else None,
                }
            )
    except BaseException:
        for stored in kept:  # nothing half-accepted: the whole batch or none of it
            (st.settings.uploads_dir / stored).unlink(missing_ok=True)
        raise
    job_id = jobstore.create_job(
        st.store.engine, "check", {"items": items}, user.username, len(items)
    )
    casestore.log(
        st.store.engine, user.username, "upload", detail=f"job {job_id}: {len(items)} photo(s)"
    )
    st.queue.send(job_id)
    return _done(
        request,
        f"/agent/batches/{job_id}",
        {"job_id": job_id, "status_url": f"/agent/jobs/{job_id}"},
    )


def _check_job(request: Request, job_id: str) -> jobstore.Job:
    job = jobstore.get_job(request.app.state.store.engine, job_id)
    if job is None or job.kind != "check":
        raise UploadError(f"no batch {job_id}", 404)
    return job


@router.get("/jobs/{job_id}", summary="Progress of a check batch, with its cases once checked")
def job_status(request: Request, user: AgentUser, job_id: JOB_ID) -> dict:
    job = _check_job(request, job_id)
    out = job.to_json()
    out["cases"] = [
        {
            "id": c.id,
            "filename": c.filename,
            "plate": c.plate,
            "status": c.status,
            "score": c.score,
            "error": c.error,
        }
        for c in casestore.cases_of_job(request.app.state.store.engine, job_id)
    ]
    return out


@router.get("/batches/{job_id}", include_in_schema=False)
def batch_page(request: Request, user: AgentUser, job_id: JOB_ID) -> Response:
    job = _check_job(request, job_id)
    cases = casestore.cases_of_job(request.app.state.store.engine, job_id)
    return pages.render(request, "batch.html", job=job, cases=cases)


@router.get("/queue", summary="Undecided suspected clones, most confident first")
def review_queue(request: Request, user: AgentUser) -> Response:
    cases = casestore.review_queue(request.app.state.store.engine)
    if not pages.wants_html(request):
        return JSONResponse(
            [
                {"id": c.id, "plate": c.plate, "score": c.score, "filename": c.filename}
                for c in cases
            ]
        )
    return pages.render(request, "queue.html", cases=cases)


def _case(request: Request, case_id: int) -> casestore.Case:
    case = casestore.get_case(request.app.state.store.engine, case_id)
    if case is None:
        raise UploadError(f"no case {case_id}", 404)
    return case


@router.get("/cases/{case_id}", summary="A case: verdict, readings, registry, decision")
def case_page(request: Request, user: AgentUser, case_id: CASE_ID) -> Response:
    case = _case(request, case_id)
    engine = request.app.state.store.engine
    casestore.log(engine, user.username, "view_case", case_id)
    if not pages.wants_html(request):
        return JSONResponse({"id": case.id, "status": case.status, "score": case.score,
                             "verdict": case.verdict, "decision": case.decision})  # fmt: skip
    history = casestore.audit_entries(engine, 50, case_id) if user.is_admin else []
    return pages.render(request, "case.html", case=case, history=history)


def _case_file(
    request: Request, user: AgentUser, case_id: int, which: Literal["photo", "crop", "vehicle"]
) -> Response:
    case = _case(request, case_id)
    name = {"photo": case.photo, "crop": case.crop, "vehicle": case.vehicle}[which]
    if case.photo_deleted_at is not None:
        raise UploadError(f"case {case_id}: {which} deleted after the retention period", 410)
    path: FsPath | None = request.app.state.settings.photos_dir / name if name else None
    if path is None or not path.is_file():
        raise UploadError(f"case {case_id}: no {which}", 404)
    casestore.log(request.app.state.store.engine, user.username, f"view_{which}", case_id)
    return FileResponse(path, headers={"Cache-Control": "no-store"})


@router.get("/cases/{case_id}/photo", summary="The case photo, faces blurred (logged)")
def case_photo(request: Request, user: AgentUser, case_id: CASE_ID) -> Response:
    return _case_file(request, user, case_id, "photo")


@router.get("/cases/{case_id}/crop", summary="The plate crop (logged)")
def case_crop(request: Request, user: AgentUser, case_id: CASE_ID) -> Response:
    return _case_file(request, user, case_id, "crop")


@router.get("/cases/{case_id}/vehicle", summary="The recogniser's view, faces blurred (logged)")
def case_vehicle(request: Request, user: AgentUser, case_id: CASE_ID) -> Response:
    return _case_file(request, user, case_id, "vehicle")


@router.post("/cases/{case_id}/decision", summary="Confirm, dismiss or mark the plate misread")
def decide(
    request: Request,
    user: AgentUser,
    case_id: CASE_ID,
    decision: Annotated[Literal["confirmed", "dismissed", "misread"], Form()],
    comment: Annotated[str, Form(max_length=2000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    _case(request, case_id)
    case = casestore.decide(
        request.app.state.store.engine, case_id, user.username, decision, comment.strip()
    )
    return _done(request, "/agent/queue", {"id": case.id, "decision": case.decision})


@router.get("/audit", summary="The audit log, newest first (admin)")
def audit_log(
    request: Request,
    user: AdminUser,
    case_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    entries = casestore.audit_entries(request.app.state.store.engine, 500, case_id)
    if not pages.wants_html(request):
        return JSONResponse([casestore.entry_json(e) for e in entries])
    return pages.render(request, "audit.html", entries=entries, case_id=case_id)


@router.get("/export.csv", summary="Every decision as CSV (admin; logged)")
def export_csv(request: Request, user: AdminUser) -> Response:
    engine = request.app.state.store.engine
    casestore.log(engine, user.username, "export_csv")
    return Response(
        casestore.decisions_csv(engine),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="twinflash-decisions.csv"'},
    )

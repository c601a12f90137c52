"""The public side: the twin-city render form, its gallery and queue position, and the
photo blurring demo. No login, rate limits per client, nothing of the agents' data: these
routes read only render jobs and never touch cases, photos or the audit log."""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from twinflash.errors import InputError
from twinflash.web import jobstore, pages
from twinflash.web.auth import client_of
from twinflash.web.checks import detectors
from twinflash.web.renders import PUBLIC_FILES, DemoRequest, render_file, sample
from twinflash.web.uploads import UploadError, decode_image, sniff

JOB_ID = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,48}$")]
_blur_lock = threading.Semaphore(1)  # one blur at a time: the CPU is shared with renders


def limited(bucket: str, attr: str):  # -> a FastAPI dependency
    """Refuse (429) a client over `Limits.<attr>` hits per minute in `bucket`."""

    def check(request: Request) -> None:
        limit = getattr(request.app.state.settings.limits, attr)
        wait = request.app.state.limiter.allow(bucket, client_of(request), limit)
        if wait:
            after = str(int(wait) + 1)
            raise HTTPException(
                429, f"too many requests: try again in {after} s", {"Retry-After": after}
            )

    return check


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def form_sent(request: Request) -> None:
    """A form route refuses a request with no form, or an empty field: FastAPI would give
    those fields their defaults, and a visitor would get a street they did not ask for."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in FORM_TYPES:
        raise UploadError(f"send the form as {' or '.join(FORM_TYPES)} (got {kind!r})", 415)
    form = await request.form()
    empty = next((k for k, v in form.multi_items() if isinstance(v, str) and not v.strip()), None)
    if empty is not None:
        raise UploadError(f"{empty[:40]}: empty (leave it out for the default)", 422)


router = APIRouter(
    tags=["public"], dependencies=[Depends(limited("any", "public_requests_per_min"))]
)


def client_tag(request: Request) -> str:
    """Who made a render, without storing an address: a salted hash of the client."""
    salt = str(request.app.state.settings.data_dir.resolve())
    return "public:" + hashlib.sha256(f"{salt}:{client_of(request)}".encode()).hexdigest()[:16]


@router.get("/", include_in_schema=False)
def demo_page(request: Request) -> Response:
    st = request.app.state
    gallery = jobstore.recent(st.store.engine, "render", st.settings.gallery_size)
    return pages.render(
        request, "demo.html", gallery=gallery, form=DemoRequest(), settings=st.settings
    )


@router.get("/healthz", summary="Liveness")
def healthz() -> dict:
    return {"ok": True}


@router.post(
    "/demo/renders",
    summary="Ask for a render of a street with these conditions",
    dependencies=[Depends(form_sent), Depends(limited("render", "public_renders_per_min"))],
)
def submit_render(request: Request, req: Annotated[DemoRequest, Form()]) -> Response:
    st = request.app.state
    if jobstore.count_waiting(st.store.engine, "render") >= st.settings.limits.render_queue_max:
        raise UploadError("the render queue is full: try again in a few minutes", 503)
    for what, count, most in (
        ("people", req.people, st.settings.demo_max_people),
        ("vehicles", req.vehicles, st.settings.demo_max_vehicles),
    ):
        if count > most:
            raise UploadError(f"{what}: at most {most} in the demo (got {count})", 422)
    try:
        sample(req, st.settings)  # refuse impossible scenes now, not after the wait
    except (InputError, ValueError) as exc:
        raise InputError(f"this street cannot be built: {exc}") from None
    return queue_public_job(request, "render", req.model_dump(mode="json"), "/demo/renders")


def queue_public_job(
    request: Request, kind: str, payload: dict, base: str, total: int = 1
) -> Response:
    """Queue a visitor's job; a browser goes to its page, an API client gets its status URL."""
    st = request.app.state
    job_id = jobstore.create_job(st.store.engine, kind, payload, client_tag(request), total)
    st.queue.send(job_id)
    if pages.wants_html(request):
        return RedirectResponse(f"{base}/{job_id}", status_code=303)
    return JSONResponse({"job_id": job_id, "status_url": f"{base}/{job_id}/status"}, 202)


def public_job(request: Request, job_id: str, kind: str, missing: str) -> jobstore.Job:
    """The job if it is of `kind` (a visitor reads nothing else), else 404 with `missing`."""
    job = jobstore.get_job(request.app.state.store.engine, job_id)
    if job is None or job.kind != kind:
        raise UploadError(missing, 404)
    return job


def _render_job(request: Request, job_id: str) -> jobstore.Job:
    return public_job(request, job_id, "render", f"no render {job_id}")


@router.get("/demo/renders/{job_id}/status", summary="State and queue position of a render")
def render_status(request: Request, job_id: JOB_ID) -> dict:
    job = _render_job(request, job_id)
    out = job.to_json()
    out["position"] = jobstore.queue_position(request.app.state.store.engine, job)
    out["files"] = (
        {n: f"/demo/renders/{job_id}/{n}" for n in PUBLIC_FILES} if job.status == "done" else {}
    )
    return out


@router.get("/demo/renders/{job_id}", include_in_schema=False)
def render_page(request: Request, job_id: JOB_ID) -> Response:
    job = _render_job(request, job_id)
    position = jobstore.queue_position(request.app.state.store.engine, job)
    settings = request.app.state.settings
    return pages.render(request, "render.html", job=job, position=position, settings=settings)


@router.get("/demo/renders/{job_id}/{name}", summary="image.png, overlay.png or annotations.json")
def render_output(
    request: Request, job_id: JOB_ID, name: Annotated[str, Path(max_length=40)]
) -> Response:
    job = _render_job(request, job_id)
    path = render_file(request.app.state.settings, job.id, name) if job.status == "done" else None
    if path is None:
        raise UploadError(f"render {job_id}: no file {name!r} (yet)", 404)
    headers = (
        {"Content-Disposition": f'attachment; filename="{job_id}-{name}"'}
        if name.endswith(".json")
        else {}
    )
    return FileResponse(path, media_type=PUBLIC_FILES[name], headers=headers)


@router.get("/demo/blur", include_in_schema=False)
def blur_page(request: Request) -> Response:
    return pages.render(request, "blur.html", limits=request.app.state.settings.limits)


def blur_bytes(data: bytes, name: str, max_pixels: int) -> tuple[bytes, str, int, int]:
    """Blur faces and plates of an uploaded photo in memory; (bytes, media type, faces, plates)."""
    from PIL import Image

    kind = sniff(data, name)
    rgb = decode_image(data, name, max_pixels)
    with _blur_lock:  # as `twinflash blur` does, the post-blur plate check included
        out, found, _ = detectors().blur_image(rgb, (1.0, 2.0))
    buf = io.BytesIO()
    Image.fromarray(out).save(buf, format=kind, **({"quality": 90} if kind == "JPEG" else {}))
    faces = sum(r.kind == "face" for r in found)
    return buf.getvalue(), f"image/{kind.lower()}", faces, len(found) - faces


@router.post(
    "/demo/blur",
    summary="Blur faces and plates of a photo; the copy comes back, nothing is kept",
    dependencies=[Depends(limited("blur", "public_blurs_per_min"))],
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}},
)
async def blur_photo(
    request: Request, photo: Annotated[UploadFile, File(description="JPEG or PNG photo")]
) -> Response:
    limits = request.app.state.settings.limits
    data = await photo.read(limits.upload_bytes + 1)
    await photo.close()
    if len(data) > limits.upload_bytes:
        raise UploadError(f"photo: larger than {limits.upload_bytes} bytes", 413)
    out, media, faces, plates = await run_in_threadpool(
        blur_bytes, data, photo.filename or "photo", limits.upload_pixels
    )
    return Response(
        out,
        media_type=media,
        headers={
            "X-Faces-Blurred": str(faces),
            "X-Plates-Blurred": str(plates),
            "Cache-Control": "no-store",
        },
    )

// twinflash serve: progress polling and the blur form. Plain JS, no library, no CDN.
"use strict";

function poll(box) {
  const url = box.dataset.poll;
  const tick = async () => {
    let state;
    try {
      const resp = await fetch(url, { headers: { Accept: "application/json" } });
      if (!resp.ok) { setTimeout(tick, 3000); return; }
      state = await resp.json();
    } catch (e) { setTimeout(tick, 3000); return; }
    for (const el of box.querySelectorAll("[data-field]")) {
      const value = state[el.dataset.field];
      if (value === undefined) continue;
      if (el.tagName === "PROGRESS") el.value = value; else el.textContent = value;
    }
    if (state.status === "done" || state.status === "failed") { location.reload(); return; }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 500);
}

async function blurSubmit(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById("blur-error");
  const result = document.getElementById("blur-result");
  const button = form.querySelector("button");
  error.hidden = true;
  button.disabled = true;
  button.textContent = "Blurring…";
  try {
    const resp = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } });
    if (!resp.ok) {
      const body = await resp.json().catch(() => ({ error: "request failed (" + resp.status + ")" }));
      error.textContent = body.error;
      error.hidden = false;
      return;
    }
    const blob = await resp.blob();
    const url = URL.createObjectURL(blob);
    document.getElementById("blur-image").src = url;
    const link = document.getElementById("blur-download");
    link.href = url;
    link.download = "blurred." + (blob.type === "image/png" ? "png" : "jpg");
    document.getElementById("blur-summary").textContent =
      resp.headers.get("X-Faces-Blurred") + " face(s) and " + resp.headers.get("X-Plates-Blurred") + " plate(s) blurred.";
    result.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = "Blur";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-poll]")) poll(box);
  const blur = document.getElementById("blur-form");
  if (blur) blur.addEventListener("submit", blurSubmit);
});

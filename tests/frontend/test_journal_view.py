"""The dashboard's journal and a job's story, driven in Debian's Chromium: a job created from the
page moves along its timeline while the page is open, the journal lists a refused request with its
problem and a near miss naming the closest operation; screenshots of both views."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
CROSMOS = {"Authorization": "Bearer csk_acme_dev_7Qm2VhX9pL4rT8wZ3nB6yK1cF5sD0gJ"}  # README
SPACE = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
CROSMOS_JOB = "/crosmos/api/v1/jobs/3f2b8c1e-9a4d-4e6f-b1c2-7d8e9f0a1b2c"


def screenshot(page: Any, name: str, tmp_path: Path) -> None:
    wanted = os.environ.get("JOBMOCK_UPDATE_SCREENSHOT")
    target = ROOT / "docs" / name if wanted else tmp_path / name
    target.parent.mkdir(exist_ok=True)
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def new_job_id(http: httpx.Client, api: str, known: set[str]) -> str:
    deadline = time.monotonic() + 10
    ids: set[str] = set()
    while time.monotonic() < deadline:
        ids = {job["id"] for job in http.get(f"/_mock/apis/{api}/jobs").json()} - known
        if ids:
            break
        time.sleep(0.1)
    assert len(ids) == 1, ids
    return ids.pop()


def test_a_jobs_story_moves_along_its_timeline_while_the_page_is_open(
    serve: Callable[..., Any], page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # fixtures/matcher.yaml `completes`: QUEUED 3 s, PROCESSING 20 s; at speed 4: 0.75 s, then 5 s
    server = serve(apis=("matcher",), clock="real", speed=4)
    http = httpx.Client(base_url=server.url)
    known = {job["id"] for job in http.get("/_mock/apis/matcher/jobs").json()}
    page.goto(server.url + "/_mock/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.select_option("#create-scenario", "completes")
    page.click("#create")
    job_id = new_job_id(http, "matcher", known)
    row = page.locator(f'tr[data-job="matcher:{job_id}"]')
    row.locator("[data-role=story]").click()
    story = page.locator("#story")
    expect(story).to_be_visible()
    expect(story).to_have_attribute("data-job", f"matcher:{job_id}")
    timeline = page.locator("#story-timeline li")
    expect(timeline).to_have_count(3)
    current = page.locator("#story-timeline li[data-state=current]")
    expect(current).to_have_attribute("data-status", "PROCESSING", timeout=15_000)
    expect(page.locator("#story-timeline li[data-status=QUEUED]")).to_have_attribute(
        "data-state", "done"
    )
    expect(page.locator("#story-timeline li[data-status=COMPLETED]")).to_have_attribute(
        "data-state", "next"
    )
    expect(page.locator("#story-body")).to_contain_text('"status": "PROCESSING"')
    # a client polls it: the poll is in the story
    job = http.get(f"/_mock/apis/matcher/jobs/{job_id}").json()
    assert http.get(job["status_path"], headers=job["headers"]).status_code == 200
    expect(page.locator("#story-polls tbody tr")).to_have_count(1, timeout=15_000)
    screenshot(page, "story.png", tmp_path)
    expect(current).to_have_attribute("data-status", "COMPLETED", timeout=15_000)
    expect(page.locator("#story-progress")).to_have_text("100%")
    expect(page.locator("#story-body")).to_contain_text('"status": "COMPLETED"')
    expect(row.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "100")
    http.close()


def test_the_journal_lists_a_refusal_with_its_problem_and_a_near_miss(
    serve: Callable[..., Any], page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    server = serve(apis=("crosmos", "matcher"))
    http = httpx.Client(base_url=server.url)
    page.goto(server.url + "/_mock/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    refused = http.post(
        "/crosmos/api/v1/sources",
        json={"space_id": SPACE, "sources": [{"content_type": "markdown"}]},
        headers=CROSMOS,
    )
    assert refused.status_code == 422
    assert http.get(CROSMOS_JOB, headers=CROSMOS).status_code == 200
    assert http.get(CROSMOS_JOB.replace("/jobs/", "/job/"), headers=CROSMOS).status_code == 404
    rows = page.locator("#journal tr.entry")
    expect(rows).to_have_count(3, timeout=15_000)  # live: no reload
    near_miss, ok, refusal = (rows.nth(i) for i in range(3))  # newest first
    expect(refusal).to_contain_text("body/sources/0/content: required")
    expect(refusal).to_have_class(re.compile(r"\brefused\b"))
    expect(near_miss).to_contain_text("closest GET /api/v1/jobs/{job_id}")
    expect(ok).to_have_class(re.compile(r"\bok\b"))

    # an entry opens to its problems, the documented request, headers and bodies, and a curl line
    refusal.click()
    detail = page.locator("#journal tr.detail")
    expect(detail.locator("[data-role=problems]")).to_contain_text("body/sources/0/content")
    expect(detail).to_contain_text("What the operation documents")
    expect(detail).to_contain_text("authorization: Bearer <masked>")
    curl = detail.locator("button.copy").get_attribute("title") or ""
    assert curl.startswith("curl -s -X POST") and "/crosmos/api/v1/sources" in curl
    assert CROSMOS["Authorization"] in curl  # filled from the tenant's headers, not stored
    near_miss.click()
    misses = page.locator("#journal tr.detail [data-role=near-misses]")
    expect(misses).to_contain_text("segment 3 is 'job'; the template has 'jobs'")

    # filters: API and status
    page.select_option("#journal-status", "4XX")
    expect(rows).to_have_count(2)
    page.select_option("#journal-api", "matcher")
    expect(rows).to_have_count(0)
    page.select_option("#journal-api", "")
    page.select_option("#journal-status", "")
    expect(rows).to_have_count(3)
    page.locator("#journal-section").scroll_into_view_if_needed()
    screenshot(page, "journal.png", tmp_path)
    http.close()

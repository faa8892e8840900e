"""The dashboard at /_mock/, served with the package and driven in Debian's Chromium: create a job,
watch it advance with the clock, force a failure and see it rendered, faults on and off."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from jobmock.config import Config
from jobmock.serving.app import create_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "dashboard.png"


def test_the_dashboard_and_its_files_are_served() -> None:
    with TestClient(create_app(Config(clock="manual", apis=("matcher",)))) as client:
        page = client.get("/_mock/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'src="dashboard/app.js"' in page.text
        script = client.get("/_mock/dashboard/app.js")
        assert script.headers["content-type"].startswith("text/javascript")
        # it calls the control API only (vendor URLs come from the jobs the control API lists)
        assert not re.search(r"/(matcher|crosmos|gu1|seekr|claret)\b", script.text)
        assert (
            client.get("/_mock/dashboard/style.css").headers["content-type"].startswith("text/css")
        )
        assert client.get("/_mock/dashboard/secrets.txt").status_code == 404
        assert client.get("/_mock", follow_redirects=False).headers["location"].endswith("/_mock/")


def new_job_id(http: httpx.Client, api: str, known: set[str]) -> str:
    """The one job the page created; the page's POST may still be on its way (a loaded machine)."""
    deadline = time.monotonic() + 10
    while True:
        ids = {job["id"] for job in http.get(f"/_mock/apis/{api}/jobs").json()} - known
        if ids or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(ids) == 1, ids
    job_id: str = ids.pop()
    return job_id


def test_create_advance_fail_and_faults_in_a_real_browser(
    serve: Callable[..., Any], page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    server = serve()  # manual clock: time moves when the page says so
    http = httpx.Client(base_url=server.url)
    page.goto(server.url + "/_mock/")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator(".api")).to_have_count(len(server.app.mock.apis))
    expect(page.locator(".api[data-api=matcher]")).to_contain_text("Authorization: Bearer ")

    # create a job of a chosen scenario
    known = {job["id"] for job in http.get("/_mock/apis/matcher/jobs").json()}
    page.select_option("#create-api", "matcher")
    page.select_option("#create-scenario", "completes")
    page.click("#create")
    expect(page.locator("#jobs-count")).to_have_text(re.compile(r"\(\d+\)"))
    first = new_job_id(http, "matcher", known)
    row = page.locator(f'tr[data-job="matcher:{first}"]')
    status = row.locator("[data-role=status]")
    expect(status).to_have_text("QUEUED")

    # move the clock from the page: the status follows
    page.fill("#advance-seconds", "5")
    page.click("#advance")
    expect(status).to_have_text("PROCESSING")

    # force a failure: rendered as failed, and the vendor API agrees
    row.locator("[data-role=target]").select_option("FAILED")
    row.locator("[data-role=move]").click()
    expect(status).to_have_text("FAILED")
    expect(row).to_have_class(re.compile(r"\bfailed\b"))
    expect(row.locator("[data-role=next]")).to_be_disabled()
    job = http.get(f"/_mock/apis/matcher/jobs/{first}").json()
    assert http.get(job["status_path"], headers=job["headers"]).json()["status"] == "FAILED"

    # let real time run: a new job advances with no click
    known.add(first)
    page.click("#create")
    expect(page.locator("#jobs tbody tr")).to_have_count(len(known) + 1 + others(http))
    second = new_job_id(http, "matcher", known)
    status = page.locator(f'tr[data-job="matcher:{second}"] [data-role=status]')
    page.select_option("#clock-mode-select", "real")
    page.fill("#clock-speed", "4")  # QUEUED 3 s then PROCESSING 20 s: 0.75 s, then 5 s
    page.click("#clock-apply")
    expect(page.locator("#problem")).to_be_hidden()
    deadline = time.monotonic() + 10
    while http.get("/_mock/clock").json()["mode"] != "real" and time.monotonic() < deadline:
        time.sleep(0.1)
    problem = page.locator("#problem").text_content()
    assert http.get("/_mock/clock").json()["mode"] == "real", problem
    expect(status).to_have_text("PROCESSING", timeout=15_000)
    expect(status).to_have_text("COMPLETED", timeout=15_000)
    assert http.get("/_mock/clock").json()["speed"] == 4

    # faults: set from the JSON editor, switched off and on with the checkbox
    page.click("#faults-panel summary")
    page.fill("#faults-json", '{"faults": [{"kind": "error", "api": "matcher", "rate": 0.25}]}')
    page.click("#faults-form button")
    expect(page.locator("#faults-state")).to_have_text("faults on")
    expect(page.locator("#faults-list")).to_contain_text("errors on matcher, 25% of requests")
    page.click("#faults-enabled")
    expect(page.locator("#faults-state")).to_have_text("faults off")
    assert http.get("/_mock/faults").json()["enabled"] is False
    page.click("#faults-enabled")
    expect(page.locator("#faults-state")).to_have_text("faults on")

    # a refused move is explained, not hidden
    page.locator(f'tr[data-job="matcher:{second}"] [data-role=delete]').click()
    expect(page.locator(f'tr[data-job="matcher:{second}"]')).to_have_count(0)
    assert http.get(f"/_mock/apis/matcher/jobs/{second}").status_code == 404

    target = SCREENSHOT if os.environ.get("JOBMOCK_UPDATE_SCREENSHOT") else tmp_path / "d.png"
    target.parent.mkdir(exist_ok=True)
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    http.close()


def others(http: httpx.Client) -> int:
    """Jobs of the other APIs (the fixtures' seed jobs)."""
    apis = [api["name"] for api in http.get("/_mock/apis").json() if api["name"] != "matcher"]
    return sum(len(http.get(f"/_mock/apis/{api}/jobs").json()) for api in apis)


def test_with_a_control_token_the_page_asks_for_it(serve: Callable[..., Any], page: Any) -> None:
    from playwright.sync_api import expect

    server = serve(apis=("gu1",), control_token="s3cret")
    page.goto(server.url + "/_mock/")
    expect(page.locator("#token-form")).to_be_visible()
    page.fill("#token", "s3cret")
    page.click("#token-form button")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator(".api[data-api=gu1]")).to_be_visible()
    expect(page.locator("#jobs tbody tr")).to_have_count(
        len(server.app.mock.apis["gu1"].fixture.jobs)
    )

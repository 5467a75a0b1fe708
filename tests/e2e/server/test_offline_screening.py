"""A screening in the field with no network (issue 20, item 6), in Chromium on a 390x844 phone,
in English and Arabic: a labour inspector opens the offline page while online (the service
worker keeps it), the network is cut, the page is reloaded (served by the service worker), a
passphrase is chosen and a person screened; the screening waits on the phone, encrypted — the
test reads IndexedDB and the browser's files on disk and finds none of the answers in clear —
with the provisional result of the rule's data. The network returns: the page sends it, and the
screening is on the server once (a second sync with the same key answers the same screening),
with the result the phone showed and that pharos.domain.screening.screen gives."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from pharos.domain.explain import PRESUMPTION_LABELS
from pharos.domain.screening import Observation, Observations, Person, Presumption, screen
from pharos.i18n import gettext, use_locale
from pharos.web.testing import CHROMIUM, CHROMIUM_ARGS, PHONE, sign_in

pytestmark = pytest.mark.browser

SHOTS = (
    Path(os.environ.get("PHAROS_SCREENSHOTS", "")) if os.environ.get("PHAROS_SCREENSHOTS") else None
)
PRESENT = ("cd_debt_bondage", "cd_violence_on_victims", "ec_excessive_hours", "ec_low_no_salary")
RULED_OUT = ("dr_nature_of_job",)
NOTE = "Passport kept by the gangmaster since March"

TEXTS = {
    "en": {"kept": "Kept on this device", "waiting": "Waiting to be sent: 1", "sent": "Everything"},
    "ar": {"kept": "محفوظ على هذا الجهاز", "waiting": "بانتظار الإرسال: 1", "sent": "أُرسل كل"},
}

READ_STORE = """async () => {
  const db = await new Promise((ok, ko) => {
    const r = indexedDB.open('pharos-offline'); r.onsuccess = () => ok(r.result); r.onerror = ko;
  });
  const all = async (name) => new Promise((ok) => {
    const q = db.transaction(name).objectStore(name).getAll();
    q.onsuccess = () => ok(q.result);
  });
  const plain = (v) => JSON.stringify(v, (k, x) => x instanceof Uint8Array ? Array.from(x) : x);
  const out = {queue: plain(await all('queue')), meta: plain(await all('meta')),
               count: (await all('queue')).length,
               bytes: new TextDecoder('latin1').decode(new Uint8Array(
                 (await all('queue')).flatMap((r) => Array.from(r.data))))};
  db.close();
  return out;
}"""

PAGE_KEPT = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match('/screenings/offline/')) return true;
  }
  return false;
}"""


def _wait(page: Any, script: str, seconds: float = 15) -> None:
    end = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < end, f"still false after {seconds}s: {script[:60]}"
        page.wait_for_timeout(100)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screen_offline_then_sync_once(
    browser: Any, live_server: str, tmp_path: Path, lang: str
) -> None:
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport=PHONE,
        locale=lang,
    )
    label = f"Worker Z-{lang}, greenhouse 7"
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server, "it.labour")

        # online: the page, its files and the service worker
        page.goto(live_server + "/screenings/offline/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        page.wait_for_selector("body[data-offline-ready='1']", state="attached")
        _wait(page, "navigator.serviceWorker.controller !== null")
        _wait(page, PAGE_KEPT)
        # installable: Chromium finds nothing missing (manifest, icon, service worker)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        cdp.detach()

        # the network is cut; the page opens again from the service worker
        context.set_offline(True)
        response = page.reload()
        assert response is not None and response.from_service_worker
        page.wait_for_selector("body[data-offline-ready='1']", state="attached")
        assert page.locator("#connection.warn").is_visible()
        assert (
            page.evaluate(
                "fetch('/screenings/offline/session.json').then(() => 'reached', () => 'offline')"
            )
            == "offline"
        )

        if SHOTS:
            page.screenshot(path=str(SHOTS / f"offline-reloaded-{lang}.png"))
        # a passphrase for the phone, then the screening
        page.fill("#f-passphrase", "field phone passphrase 2026")
        page.fill("#f-passphrase2", "field phone passphrase 2026")
        page.click("#vault-submit")
        page.wait_for_selector("#offline-form", state="visible")
        page.fill("#f-person_label", label)
        page.fill("#f-age", "31")
        page.fill("#f-nationality", "egy")
        for ind in PRESENT:
            page.select_option(f"#f-ind_{ind}", "present")
        for ind in RULED_OUT:
            page.select_option(f"#f-ind_{ind}", "ruled_out")
        page.check("input[name='explored_coercive_recruitment']")
        page.fill("#f-note", NOTE)
        if SHOTS:
            page.locator("#dim-coercion_at_destination").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"offline-form-{lang}.png"))
        page.click("#keep")
        page.wait_for_selector("#provisional", state="visible")
        assert TEXTS[lang]["kept"] in page.locator("#status-region").inner_text()
        assert page.locator("#queue-count").inner_text() == TEXTS[lang]["waiting"]
        provisional = page.locator("#provisional-text").inner_text()
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"offline-queued-{lang}.png"), full_page=False)

        # the page with the form, the queue and the result: no WCAG A/AA violation (axe-core)
        axe = pytest.importorskip("axe_playwright_python.base")
        page.evaluate(axe.AXE_SCRIPT)
        found = page.evaluate(
            "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}).then((r) => r.violations.map((v) => v.id))",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
        )
        assert found == []

        # kept encrypted: the stored records hold none of the answers in clear
        raw = page.evaluate(READ_STORE)
        assert raw["count"] == 1
        # (long enough not to occur by chance in the ciphertext's bytes)
        for secret in (label, NOTE, "Passport", "cd_debt_bondage", "dr_nature_of_job", "ruled_out"):
            assert secret not in raw["queue"]
            assert secret not in raw["bytes"]
        assert "cd_debt_bondage" not in raw["meta"]
        # ... nor do the browser's files on disk (IndexedDB's LevelDB), where the store's own
        # unencrypted field names are found: the files are readable, the answers are not there
        disk = b"".join(
            f.read_bytes() for f in profile.rglob("*") if f.is_file() and "IndexedDB" in str(f)
        )
        assert b"iterations" in disk or "iterations".encode("utf-16-le") in disk
        for secret in (label, NOTE, "gangmaster"):
            assert secret.encode() not in disk
            assert secret.encode("utf-16-le") not in disk

        # the network returns: the page sends what it kept; the first answer is lost on the way
        # back (the server stored the screening, the phone never heard), so it stays queued
        first: list[dict[str, Any]] = []

        def lose_answer(route: Any) -> None:
            answer = route.fetch()
            first.append({"status": answer.status, "body": answer.json()})
            route.abort("connectionreset")

        context.route("**/api/v1/screenings", lose_answer)
        context.set_offline(False)
        end = time.monotonic() + 15
        while not first:
            assert time.monotonic() < end, "the page did not send when the network returned"
            page.wait_for_timeout(100)
        with use_locale(lang):
            no_network = gettext("No connection: the screenings stay on this device.")
        page.locator("#status-region p", has_text=no_network).wait_for()
        assert [f["status"] for f in first] == [201]
        assert page.evaluate(READ_STORE)["count"] == 1
        context.unroute("**/api/v1/screenings")
        # sent again (the same Idempotency-Key): the server answers the screening it stored
        page.click("#sync")
        page.wait_for_selector("#sent-list li.sent")
        assert TEXTS[lang]["sent"] in page.locator("#status-region").inner_text()
        sent = page.locator("#sent-list li.sent").first
        sid = int(sent.get_attribute("data-id") or "0")
        assert sid == first[0]["body"]["id"]
        server = sent.get_attribute("data-presumption")
        assert page.evaluate(READ_STORE)["count"] == 0
        if SHOTS:
            page.screenshot(path=str(SHOTS / f"offline-sent-{lang}.png"), full_page=False)

        # the same result on the phone, on the server and in the domain's rule
        person = Person(age=31)
        expected = screen(
            Observations(
                present=tuple(Observation(i) for i in PRESENT),
                ruled_out=frozenset(RULED_OUT),
                assessed=frozenset({"coercive_recruitment"}),  # type: ignore[arg-type]
            ),
            person,
        ).presumption.value
        stored = page.evaluate(f"fetch('/api/v1/screenings/{sid}').then((r) => r.json())")
        assert server == stored["result"]["presumption"] == expected
        assert stored["person_label"] == label
        labels = page.evaluate("fetch('/screenings/new').then((r) => r.text())").count(
            json.dumps(label)[1:-1]
        )
        assert labels == 1
        with use_locale(lang):
            assert gettext(PRESUMPTION_LABELS[Presumption(expected)]) in provisional
            assert gettext(PRESUMPTION_LABELS[Presumption(expected)]) in sent.inner_text()
    finally:
        context.close()

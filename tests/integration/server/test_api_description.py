"""The API's description says what the API does (issue 14, finding 9), its documentation page
works under the Content-Security-Policy with files served by Pharos, and a referral or a
cross-border request can be withdrawn through the API. The bounded Schemathesis run over every
operation is in test_api_schemathesis.py."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pharos.coordinate.vocabulary import CaseStatus
from pharos.domain.geography import region_state_codes
from pharos.domain.vocabulary import Gender
from pharos.web.testing import PharosClient, signed_in_client


def _spec(app: FastAPI) -> dict[str, Any]:
    spec: dict[str, Any] = app.openapi()
    return spec


def _body_schema(spec: dict[str, Any], path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["paths"][path]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    ref = schema.get("$ref")
    if ref:
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def _resolve(spec: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with a ``$ref`` (alone, in allOf, or anyOf with null) followed."""
    for key in ("anyOf", "allOf"):
        for option in prop.get(key, []):
            if option.get("type") != "null":
                return _resolve(spec, option)
    ref = prop.get("$ref")
    if ref:
        return _resolve(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return prop


def test_vocabularies_are_enums_and_required_texts_refuse_empty(app: FastAPI) -> None:
    spec = _spec(app)
    case = _body_schema(spec, "/api/v1/cases")["properties"]
    assert set(_resolve(spec, case["gender"])["enum"]) == {g.value for g in Gender}
    assert _resolve(spec, case["title"])["minLength"] == 1
    person = _body_schema(spec, "/api/v1/cases/{case_id}/persons")["properties"]
    assert "possible_victim" in _resolve(spec, person["trafficking_status"])["enum"]
    status = _body_schema(spec, "/api/v1/cases/{case_id}/status")["properties"]
    assert set(_resolve(spec, status["status"])["enum"]) == {s.value for s in CaseStatus}
    request = _body_schema(spec, "/api/v1/cases/{case_id}/requests")["properties"]
    assert set(_resolve(spec, request["receiver_state"])["enum"]) == set(region_state_codes())
    assert _resolve(spec, request["type"])["enum"]
    for name in ("subject", "body"):
        assert _resolve(spec, request[name])["minLength"] == 1


def test_empty_required_texts_are_refused(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    for title in ("", "   "):
        r = labour.post("/api/v1/cases", json={"title": title})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "title"]
    r = labour.post("/api/v1/cases", json={"title": "T", "gender": "robot"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "gender"]
    # lax Pydantic would take a number as a date (0: 1 January 1970) and 0 as false
    r = labour.post("/api/v1/cases", json={"title": "T", "birthdate": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "birthdate"]


def test_estimate_and_exercises_have_body_schemas(app: FastAPI) -> None:
    spec = _spec(app)
    estimate = _body_schema(spec, "/api/v1/estimate")["properties"]
    assert "UKdat" in _resolve(spec, estimate["example"])["enum"]
    assert set(_resolve(spec, estimate["criterion"])["enum"]) == {"threshold", "aic", "bic"}
    action = _body_schema(spec, "/api/v1/exercises/{exercise_id}/actions")
    assert "interview" in action["properties"]["type"]["enum"] and action["required"] == ["type"]
    control = _body_schema(spec, "/api/v1/exercises/{exercise_id}/control")
    assert "start" in control["properties"]["command"]["enum"]


def test_every_status_code_a_route_gives_is_documented(app: FastAPI) -> None:
    spec = _spec(app)
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            assert "401" in codes, (method, path)  # every operation needs a signed-in caller
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in op:
                assert {"400", "422"} <= codes, (method, path)


def test_405_names_every_method_of_the_path(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    r = labour.request("OPTIONS", "/api/v1/cases")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"  # Starlette named the first route's: GET
    r = labour.delete("/api/v1/cases/1")
    assert r.status_code == 405 and r.headers["allow"] == "GET"


def test_the_docs_page_uses_files_served_by_pharos(app: FastAPI) -> None:
    client = PharosClient(app, base_url="http://testserver")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace('content="width', "")  # no address elsewhere
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    for asset in ("/api/v1/docs/swagger-ui-bundle.js", "/api/v1/docs/swagger-ui.css"):
        assert f'"{asset}"' in page.text
        r = client.get(asset)
        assert r.status_code == 200 and len(r.content) > 100_000
    assert client.get("/static/api-docs.js").status_code == 200
    assert client.get("/api/v1/docs/../../../etc/passwd").status_code == 404
    assert client.get("/api/v1/docs/index.html").status_code == 404


def _agency(client: PharosClient, state: str, kind: str) -> int:
    rows = client.get("/api/v1/directory", params={"state": state, "kind": kind}).json()
    return int(rows[0]["id"])


def test_a_referral_is_withdrawn_by_its_sender_only(app: FastAPI) -> None:
    labour = signed_in_client(app, "it.labour")
    case_id = int(labour.post("/api/v1/cases", json={"title": "Withdraw me"}).json()["id"])
    consent = {"informed": True, "consent_for_services": True, "disclosure_other_orgs": True}
    assert labour.post(f"/api/v1/cases/{case_id}/consent", json=consent).status_code == 200
    ngo_agency = _agency(labour, "ITA", "ngo")
    r = labour.post(
        f"/api/v1/cases/{case_id}/referrals", json={"to_agency_id": ngo_agency, "stage": 1}
    )
    assert r.status_code == 201, r.text
    referral = r.json()["id"]
    ngo = signed_in_client(app, "it.ngo")
    assert ngo.post(f"/api/v1/referrals/{referral}/withdraw").status_code == 403
    r = labour.post(f"/api/v1/referrals/{referral}/withdraw", json={"reason": "sent twice"})
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    assert ngo.get(f"/api/v1/cases/{case_id}").status_code == 404  # its access ended
    again = labour.post(f"/api/v1/referrals/{referral}/withdraw")
    assert again.status_code == 422


def test_a_cross_border_request_is_withdrawn_through_the_api(app: FastAPI) -> None:
    police = signed_in_client(app, "it.police")
    case_id = int(police.post("/api/v1/cases", json={"title": "Ask Tunisia"}).json()["id"])
    kinds = police.get(f"/api/v1/cases/{case_id}/instruments", params={"receiver": "TUN"}).json()
    assert kinds, "no instrument from Italy to Tunisia"
    r = police.post(
        f"/api/v1/cases/{case_id}/requests",
        json={"type": kinds[0]["type"], "receiver_state": "TUN", "subject": "S", "body": "B"},
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    r = police.post(f"/api/v1/requests/{request_id}/withdraw")
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert police.post(f"/api/v1/requests/{request_id}/withdraw").status_code == 422

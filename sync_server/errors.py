"""The server's error catalogue: stable codes with Dutch and English messages, and their handlers.

Every 4xx the API returns has the body ``{"code", "message", "message_en"}``. Raise ``ApiError(code)``;
``install_error_handlers`` turns it (and request validation errors) into that JSON.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas.inputs import UNSTORABLE, clean
from sync_server.routes import allowed_methods

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    nl: str
    en: str


CATALOGUE: dict[str, ErrorSpec] = {
    "validation_error": ErrorSpec(422, "De gegevens in het verzoek kloppen niet.", "The request data is invalid."),
    # input that no database stores (issue 12 part A, schemas.inputs)
    "input_unstorable": ErrorSpec(422, "De invoer bevat een teken dat niet kan worden opgeslagen (zoals een NUL- of "
                                       "stuurteken) of een onmogelijk getal. Haal het weg en probeer het opnieuw.",
                                  "The input holds a character that cannot be stored (such as a NUL or control "
                                  "character) or an impossible number. Remove it and try again."),
    "not_authenticated": ErrorSpec(401, "U bent niet ingelogd.", "You are not logged in."),
    "login_failed": ErrorSpec(401, "Gebruikersnaam of wachtwoord onjuist.", "Wrong username or password."),
    "login_rate_limited": ErrorSpec(429, "Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw.",
                                    "Too many failed attempts. Try again in a few minutes."),
    "device_revoked": ErrorSpec(401, "Dit apparaat is ingetrokken.", "This device has been revoked."),
    "forbidden": ErrorSpec(403, "U heeft geen toegang tot deze functie.", "You are not allowed to do this."),
    "not_found": ErrorSpec(404, "Niet gevonden.", "Not found."),
    # every database connection of this worker is in use, or SQLite's writer lock stayed taken (issue 13 part B)
    "server_busy": ErrorSpec(503, "De server is even te druk. Probeer het zo opnieuw; uw gegevens blijven bewaard.",
                             "The server is busy. Try again shortly; your data is kept."),
    "method_not_allowed": ErrorSpec(405, "Deze methode is niet toegestaan.", "Method not allowed."),
    "client_id_taken": ErrorSpec(403, "Dit apparaat-ID hoort bij een andere gebruiker.",
                                 "This client id belongs to another user."),
    "schema_unsupported": ErrorSpec(426, "Deze versie van de app is te oud. Werk de app bij.",
                                    "This app version is too old. Please update the app."),
    "schema_too_new": ErrorSpec(409, "De server is ouder dan de app. Neem contact op met de beheerder.",
                                "The server is older than the app. Contact your administrator."),
    "username_taken": ErrorSpec(409, "Deze gebruikersnaam bestaat al.", "This username already exists."),
    "username_invalid": ErrorSpec(422, "Deze gebruikersnaam kan niet: geen stuur- of onzichtbare tekens, hoogstens "
                                       "100 tekens.", "This username is not possible: no control or invisible "
                                                      "characters, at most 100 characters."),
    "invalid_sha256": ErrorSpec(400, "Ongeldige sha256.", "Invalid sha256."),
    "upload_offset_mismatch": ErrorSpec(409, "Upload-positie klopt niet; vraag de positie opnieuw op.",
                                        "Upload offset mismatch; ask for the offset again."),
    "upload_headers_invalid": ErrorSpec(400, "Upload-Offset en Upload-Length ontbreken of kloppen niet.",
                                        "Upload-Offset and Upload-Length are missing or invalid."),
    "upload_too_long": ErrorSpec(400, "Er is meer ontvangen dan de opgegeven lengte.",
                                 "More bytes than the declared length."),
    "blob_too_large": ErrorSpec(413, "Het bestand is te groot.", "The file is too large."),
    "hash_mismatch": ErrorSpec(422, "Het bestand kwam beschadigd aan; begin opnieuw.",
                               "The file arrived corrupted; start again."),
    "blob_exists": ErrorSpec(409, "Dit bestand is al aanwezig.", "This file is already present."),
    # sync (issue 4)
    "upload_expired": ErrorSpec(410, "De onderbroken upload is verlopen; begin opnieuw.",
                                 "The interrupted upload has expired; start again."),
    "conflict_resolved": ErrorSpec(409, "Dit conflict is al opgelost.", "This conflict has already been resolved."),
    "person_deleted": ErrorSpec(409, "Deze persoon is op de tablet verwijderd; corrigeren kan niet meer.",
                                "This person was deleted on the tablet; their answers can no longer be corrected."),
    "person_not_restorable": ErrorSpec(409, "Een op de tablet verwijderde persoon kan niet worden teruggezet; "
                                            "accepteer de verwijdering (uw correcties blijven in het conflict "
                                            "bewaard).",
                                       "A person deleted on the tablet cannot be restored; accept the deletion "
                                       "(your corrections stay kept in the conflict)."),
    # planning (issue 6)
    "address_invalid": ErrorSpec(422, "Het adres klopt niet (postcode 1234 AB, huisnummer, straat, woonplaats).",
                                 "The address is invalid (postcode 1234 AB, house number, street, city)."),
    "address_lookup_unavailable": ErrorSpec(503, "Adres opzoeken lukt nu niet; typ het adres zelf in.",
                                            "Address lookup is unavailable; type the address by hand."),
    "planning_date_out_of_range": ErrorSpec(422, "Kies een datum vanaf een jaar geleden tot twee jaar vooruit.",
                                            "Choose a date from one year ago up to two years ahead."),
    "unknown_control_type": ErrorSpec(422, "Voor dit soort controle is geen checklist gepubliceerd.",
                                      "No checklist is published for this type of control."),
    "planned_control_cancelled": ErrorSpec(409, "Deze controle is geannuleerd.", "This control has been cancelled."),
    "violation_in_future": ErrorSpec(422, "Een overtreding kan niet in de toekomst liggen.",
                                     "A violation cannot lie in the future."),
    "no_such_signal": ErrorSpec(409, "Deze controle heeft (nog) geen signaal met dit kenmerk.",
                                "This control has no such signal (yet)."),
    "export_unknown": ErrorSpec(404, "Onbekende export.", "Unknown export."),
    # tenancy
    "team_unknown": ErrorSpec(422, "Onbekend team of onbekende organisatie.", "Unknown team or organisation."),
    "team_exists": ErrorSpec(409, "Dit team bestaat al in deze organisatie.",
                             "This team already exists in this organisation."),
    "inspector_other_organisation": ErrorSpec(422, "Deze inspecteur hoort niet bij uw organisatie.",
                                              "This inspector does not belong to your organisation."),
    # tokens, devices and accounts (issue 12 part B, docs/SECURITY.md "Tokens and devices")
    "token_expired": ErrorSpec(401, "Uw sessie is verlopen. Log opnieuw in; uw werk blijft bewaard.",
                               "Your session has expired. Log in again; your work is kept."),
    "session_ended": ErrorSpec(401, "U bent op dit apparaat afgemeld. Log opnieuw in.",
                               "You have been logged out on this device. Log in again."),
    "account_disabled": ErrorSpec(401, "Uw account is uitgeschakeld. Neem contact op met de beheerder.",
                                  "Your account has been disabled. Contact your administrator."),
    "password_change_required": ErrorSpec(403, "Stel eerst een nieuw wachtwoord in.", "Set a new password first."),
    "password_wrong": ErrorSpec(422, "Het huidige wachtwoord klopt niet.", "The current password is wrong."),
    "password_too_short": ErrorSpec(422, "Kies een wachtwoord van minstens 10 tekens.",
                                    "Choose a password of at least 10 characters."),
    "password_unchanged": ErrorSpec(422, "Het nieuwe wachtwoord moet anders zijn dan het huidige.",
                                    "The new password must differ from the current one."),
    "client_id_mismatch": ErrorSpec(403, "Dit token hoort bij een ander apparaat. Log opnieuw in.",
                                    "This token belongs to another device. Log in again."),
    "handover_refused": ErrorSpec(403, "Alleen een ingetrokken apparaat draagt zo zijn laatste werk over.",
                                  "Only a revoked device hands over its last work this way."),
    "cannot_disable_self": ErrorSpec(409, "U kunt uw eigen account niet uitschakelen.",
                                     "You cannot disable your own account."),
    # the beheerder's users, teams and settings (issue 15 part C)
    "last_beheerder": ErrorSpec(409, "Dit is de laatste actieve beheerder van de organisatie; die kan niet worden "
                                     "uitgeschakeld of verplaatst naar een andere organisatie.",
                                "This is the organisation's last active beheerder: they cannot be disabled or moved "
                                "to another organisation."),
    "team_key_invalid": ErrorSpec(422, "Kies een teamcode van 1 tot 60 letters, cijfers, '-' of '_', zonder spaties.",
                                  "Choose a team code of 1 to 60 letters, digits, '-' or '_', without spaces."),
    "display_name_invalid": ErrorSpec(422, "Vul een naam in (hoogstens 200 tekens).",
                                      "Fill in a name (at most 200 characters)."),
    "user_already_in_team": ErrorSpec(409, "Deze gebruiker zit al in dit team.", "This user is already in this team."),
    "retention_above_maximum": ErrorSpec(422, "Een bewaartermijn mag niet langer zijn dan de termijn die de server "
                                              "hanteert (de bovengrens uit de selectielijst). Kies een kortere termijn "
                                              "of laat het veld leeg.",
                                         "A retention period may not be longer than the server's period (the "
                                         "maximum from the selectielijst). Choose a shorter period or leave the "
                                         "field empty."),
    # the beheerder's indicator catalogue and reference cases (issue 15 part B)
    "catalogue_draft_exists": ErrorSpec(409, "Er is al een concept van de indicatorcatalogus; werk daarin verder of "
                                             "gooi het weg.", "There is a catalogue draft already; continue it or "
                                                              "discard it."),
    "catalogue_none_published": ErrorSpec(409, "Er is nog geen indicatorcatalogus gepubliceerd.",
                                          "No indicator catalogue has been published yet."),
    "catalogue_draft_outdated": ErrorSpec(409, "Er is intussen een nieuwere versie van de catalogus gepubliceerd. Gooi "
                                               "dit concept weg en maak een nieuw concept van die versie.",
                                          "A newer catalogue version has been published since. Discard this draft "
                                          "and make a new one from that version."),
    "catalogue_draft_invalid": ErrorSpec(409, "Het concept heeft nog fouten; los die eerst op.",
                                         "The draft still has problems; fix them first."),
    "catalogue_cases_failed": ErrorSpec(409, "Niet alle referentiecasussen slagen. Pas het concept aan of publiceer "
                                             "met een ondertekende reden.",
                                        "Not every reference case passes. Change the draft or publish with a signed "
                                        "reason."),
    "case_exists": ErrorSpec(409, "Er is al een referentiecasus met deze naam.",
                             "A reference case with this name exists already."),
    "case_invalid": ErrorSpec(422, "De referentiecasus klopt niet.", "The reference case is invalid."),
    # limits and quotas (issue 12 part C, docs/SECURITY.md "Limits and quotas")
    "body_too_large": ErrorSpec(413, "Het verzoek is te groot.", "The request body is too large."),
    "handover_full": ErrorSpec(413, "De server bewaart niet meer van deze ingetrokken tablet. Het werk blijft "
                                    "versleuteld op de tablet; neem contact op met de beheerder.",
                               "The server keeps no more of this revoked tablet's work. The work stays on the tablet, "
                               "encrypted; contact the beheerder."),
    "quarantine_full": ErrorSpec(413, "Deze app is te oud en de server bewaart niet meer van zijn werk. Werk de app "
                                      "bij; het werk blijft tot dan op de tablet.",
                                 "This app is too old and the server keeps no more of its work. Update the app; the "
                                 "work stays on the tablet until then."),
    # checklists in the office app (issue 15 part A)
    "checklist_draft_exists": ErrorSpec(409, "Voor deze checklist bestaat al een concept; open dat concept.",
                                        "A draft of this checklist already exists; open that draft."),
    "checklist_draft_changed": ErrorSpec(409, "Een andere beheerder heeft dit concept intussen opgeslagen. Uw "
                                              "wijzigingen zijn niet opgeslagen maar staan nog op het scherm.",
                                         "Another beheerder saved this draft in the meantime. Your changes were not "
                                         "saved but are still on the screen."),
    "checklist_draft_invalid": ErrorSpec(422, "Het concept bevat nog fouten. Los ze eerst op; daarna kunt u "
                                              "publiceren.",
                                         "The draft still has problems. Solve them first; then you can publish."),
    "publish_central_only": ErrorSpec(403, "Checklists en de indicatorencatalogus gelden voor alle organisaties op "
                                           "deze server. Alleen de beheerders van de publicerende organisatie "
                                           "publiceren ze; u kunt een concept maken en testen.",
                                      "Checklists and the indicator catalogue apply to every organisation on this "
                                      "server. Only the beheerders of the publishing organisation publish them; you "
                                      "can make and test a draft."),
    "checklist_draft_outdated": ErrorSpec(409, "Na dit concept is een nieuwere versie van de checklist gepubliceerd. "
                                               "Verwijder het concept en maak een nieuw concept van de nieuwste "
                                               "versie.",
                                          "A newer version of the checklist was published after this draft. Delete "
                                          "the draft and make a new one from the newest version."),
    "checklist_catalogue_conflict": ErrorSpec(409, "De indicatorencatalogus leest een vraag die het concept verwijdert "
                                                   "of als niet scorend markeert. Pas eerst de catalogus aan, of "
                                                   "houd de vraag.",
                                              "The indicator catalogue reads a question the draft removes or marks "
                                              "not scoring. Change the catalogue first, or keep the question."),
    "upload_quota_exceeded": ErrorSpec(429, "Te veel foto's wachten nog op hun controle; de tablet probeert het "
                                            "straks opnieuw.",
                                       "Too many photos are still waiting for their control; the tablet tries again "
                                       "later."),
}

# Rejection codes for mutations (sent back through sync, not as HTTP errors).
REJECTIONS: dict[str, tuple[str, str]] = {
    "unknown_mutation": ("Onbekende wijziging; werk de app bij.", "Unknown mutation; update the app."),
    "invalid_args": ("De wijziging bevat ongeldige gegevens.", "The change has invalid data."),
    "forbidden": ("U mag deze inspectie niet wijzigen.", "You may not change this inspection."),
    "not_found": ("De inspectie bestaat niet (meer) op de server.", "The inspection does not exist on the server."),
    "already_exists": ("Deze inspectie bestaat al.", "This inspection already exists."),
    "unknown_template": ("Onbekende checklist of versie.", "Unknown checklist or version."),
    "unknown_question": ("Onbekende vraag in deze checklist.", "Unknown question in this checklist."),
    "invalid_answer": ("Ongeldig antwoord.", "Invalid answer."),
    "unknown_person": ("Onbekende persoon.", "Unknown person."),
    "inspection_finished": ("De inspectie is al afgerond.", "The inspection is already finished."),
    "input_unstorable": ("De wijziging bevat een teken dat niet kan worden opgeslagen (zoals een NUL- of stuurteken).",
                         "The change holds a character that cannot be stored (such as a NUL or control character)."),
    # an identifier refused by ``schemas.identifiers.problem`` (the tablet's own check; it corrects or removes it)
    "identifier_empty": ("Kenmerk geweigerd: er staat niets bruikbaars in. Corrigeer of verwijder het op de tablet.",
                         "Identifier refused: there is nothing usable in it. Correct or remove it on the tablet."),
    "identifier_too_long": ("Kenmerk geweigerd: langer dan 500 tekens. Corrigeer of verwijder het op de tablet.",
                            "Identifier refused: longer than 500 characters. Correct or remove it on the tablet."),
    "identifier_phone_invalid": ("Kenmerk geweigerd: een telefoonnummer heeft 6 tot 15 cijfers. Corrigeer of "
                                 "verwijder het op de tablet.",
                                 "Identifier refused: a phone number has 6 to 15 digits. Correct or remove it on the "
                                 "tablet."),
    "identifier_kvk_invalid": ("Kenmerk geweigerd: een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12). "
                               "Corrigeer of verwijder het op de tablet.",
                               "Identifier refused: a KvK number has 8 digits (a branch number 12). Correct or remove "
                               "it on the tablet."),
    "identifier_plate_invalid": ("Kenmerk geweigerd: een kenteken heeft 2 tot 10 letters en cijfers. Corrigeer of "
                                 "verwijder het op de tablet.",
                                 "Identifier refused: a licence plate has 2 to 10 letters and digits. Correct or "
                                 "remove it on the tablet."),
    "identifier_url_invalid": ("Kenmerk geweigerd: een advertentieadres heeft geen spaties. Corrigeer of verwijder het "
                               "op de tablet.",
                               "Identifier refused: an advertisement address has no spaces. Correct or remove it on "
                               "the tablet."),
}


class ApiError(Exception):
    """An expected failure with a stable code from ``CATALOGUE``."""

    def __init__(self, code: str, *, headers: dict[str, str] | None = None, detail: str = "") -> None:
        if code not in CATALOGUE:
            raise KeyError(f"unknown error code {code}")
        self.code = code
        self.spec = CATALOGUE[code]
        self.headers = headers or {}
        self.detail = detail
        super().__init__(code)


def error_body(code: str, detail: str = "") -> dict[str, Any]:
    spec = CATALOGUE[code]
    body: dict[str, Any] = {"code": code, "message": spec.nl, "message_en": spec.en}
    if detail:
        body["detail"] = detail
    return body


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(error_body(exc.code, exc.detail), status_code=exc.spec.status, headers=exc.headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10])
    code = "input_unstorable" if any(e["type"] == UNSTORABLE for e in exc.errors()) else "validation_error"
    return JSONResponse(error_body(code, clean(problems)), status_code=422)


_HTTP_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 405:  # name every method of the path, not only those of the first route that matched
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed_methods(request.app, request.url.path))}
    code = _HTTP_CODES.get(exc.status_code)
    if code is None:
        body = {"code": f"http_{exc.status_code}", "message": str(exc.detail), "message_en": str(exc.detail)}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    return JSONResponse(error_body(code), status_code=exc.status_code, headers=exc.headers)


def _busy(request: Request, exc: Exception) -> JSONResponse:
    """503 ``server_busy`` with ``Retry-After`` for a request that found no free database connection in time
    (``db_pool_timeout``) or, on SQLite, no write lock within the busy timeout: the client tries again later."""
    if isinstance(exc, OperationalError) and not _sqlite_locked(exc):
        raise exc
    retry_after = getattr(getattr(request.app.state, "settings", None), "busy_retry_after_seconds", 2)
    logger.warning("503 server_busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return JSONResponse(error_body("server_busy"), status_code=503, headers={"Retry-After": str(retry_after)})


def _sqlite_locked(exc: OperationalError) -> bool:
    return "database is locked" in str(exc.orig)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PoolTimeout, _busy)
    app.add_exception_handler(OperationalError, _busy)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)

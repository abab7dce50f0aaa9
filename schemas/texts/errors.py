"""The server's words: the message of every error code (``error_<code>``, the body of a 4xx next to the code) and
of every rejection of a sync mutation (``rejection_<code>``); ``sync_server.errors`` keeps each code's HTTP status.
Part of the one catalogue ``schemas.texts``."""

from __future__ import annotations

NL_ERRORS: dict[str, str] = {
    "error_validation_error": "De gegevens in het verzoek kloppen niet.",
    # input that no database stores (issue 12 part A, schemas.inputs)
    "error_input_unstorable": (
        "De invoer bevat een teken dat niet kan worden opgeslagen (zoals een NUL- of stuurteken) of een onmogelijk "
        "getal. Haal het weg en probeer het opnieuw."),
    "error_not_authenticated": "U bent niet ingelogd.",
    "error_login_failed": "Gebruikersnaam of wachtwoord onjuist.",
    "error_login_rate_limited": "Te veel mislukte pogingen. Probeer het over enkele minuten opnieuw.",
    "error_device_revoked": "Dit apparaat is ingetrokken.",
    "error_forbidden": "U heeft geen toegang tot deze functie.",
    "error_not_found": "Niet gevonden.",
    # every database connection of this worker is in use, or SQLite's writer lock stayed taken (issue 13 part B)
    "error_server_busy": "De server is even te druk. Probeer het zo opnieuw; uw gegevens blijven bewaard.",
    "error_method_not_allowed": "Deze methode is niet toegestaan.",
    "error_client_id_taken": "Dit apparaat-ID hoort bij een andere gebruiker.",
    "error_schema_unsupported": "Deze versie van de app is te oud. Werk de app bij.",
    "error_schema_too_new": "De server is ouder dan de app. Neem contact op met de beheerder.",
    "error_username_taken": "Deze gebruikersnaam bestaat al.",
    "error_username_invalid": "Deze gebruikersnaam kan niet: geen stuur- of onzichtbare tekens, hoogstens 100 tekens.",
    "error_invalid_sha256": "Ongeldige sha256.",
    "error_upload_offset_mismatch": "Upload-positie klopt niet; vraag de positie opnieuw op.",
    "error_upload_headers_invalid": "Upload-Offset en Upload-Length ontbreken of kloppen niet.",
    "error_upload_too_long": "Er is meer ontvangen dan de opgegeven lengte.",
    "error_blob_too_large": "Het bestand is te groot.",
    "error_hash_mismatch": "Het bestand kwam beschadigd aan; begin opnieuw.",
    "error_blob_exists": "Dit bestand is al aanwezig.",
    # sync (issue 4)
    "error_upload_expired": "De onderbroken upload is verlopen; begin opnieuw.",
    "error_conflict_resolved": "Dit conflict is al opgelost.",
    "error_person_deleted": "Deze persoon is op de tablet verwijderd; corrigeren kan niet meer.",
    "error_person_not_restorable": (
        "Een op de tablet verwijderde persoon kan niet worden teruggezet; accepteer de verwijdering (uw correcties "
        "blijven in het conflict bewaard)."),
    # planning (issue 6)
    "error_address_invalid": "Het adres klopt niet (postcode 1234 AB, huisnummer, straat, woonplaats).",
    "error_address_lookup_unavailable": "Adres opzoeken lukt nu niet; typ het adres zelf in.",
    "error_planning_date_out_of_range": "Kies een datum vanaf een jaar geleden tot twee jaar vooruit.",
    "error_unknown_control_type": "Voor dit soort controle is geen checklist gepubliceerd.",
    "error_planned_control_cancelled": "Deze controle is geannuleerd.",
    "error_violation_in_future": "Een overtreding kan niet in de toekomst liggen.",
    "error_no_such_signal": "Deze controle heeft (nog) geen signaal met dit kenmerk.",
    "error_export_unknown": "Onbekende export.",
    # tenancy
    "error_team_unknown": "Onbekend team of onbekende organisatie.",
    "error_team_exists": "Dit team bestaat al in deze organisatie.",
    "error_inspector_other_organisation": "Deze inspecteur hoort niet bij uw organisatie.",
    # tokens, devices and accounts (issue 12 part B, docs/SECURITY.md "Tokens and devices")
    "error_token_expired": "Uw sessie is verlopen. Log opnieuw in; uw werk blijft bewaard.",
    "error_session_ended": "U bent op dit apparaat afgemeld. Log opnieuw in.",
    "error_account_disabled": "Uw account is uitgeschakeld. Neem contact op met de beheerder.",
    "error_password_change_required": "Stel eerst een nieuw wachtwoord in.",
    "error_password_wrong": "Het huidige wachtwoord klopt niet.",
    "error_password_too_short": "Kies een wachtwoord van minstens 10 tekens.",
    "error_password_unchanged": "Het nieuwe wachtwoord moet anders zijn dan het huidige.",
    "error_client_id_mismatch": "Dit token hoort bij een ander apparaat. Log opnieuw in.",
    "error_handover_refused": "Alleen een ingetrokken apparaat draagt zo zijn laatste werk over.",
    "error_cannot_disable_self": "U kunt uw eigen account niet uitschakelen.",
    # the beheerder's users, teams and settings (issue 15 part C)
    "error_last_beheerder": (
        "Dit is de laatste actieve beheerder van de organisatie; die kan niet worden uitgeschakeld of verplaatst "
        "naar een andere organisatie."),
    "error_team_key_invalid": "Kies een teamcode van 1 tot 60 letters, cijfers, '-' of '_', zonder spaties.",
    "error_display_name_invalid": "Vul een naam in (hoogstens 200 tekens).",
    "error_user_already_in_team": "Deze gebruiker zit al in dit team.",
    "error_retention_above_maximum": (
        "Een bewaartermijn mag niet langer zijn dan de termijn die de server hanteert (de bovengrens uit de "
        "selectielijst). Kies een kortere termijn of laat het veld leeg."),
    # the beheerder's indicator catalogue and reference cases (issue 15 part B)
    "error_catalogue_draft_exists": (
        "Er is al een concept van de indicatorcatalogus; werk daarin verder of gooi het weg."),
    "error_catalogue_none_published": "Er is nog geen indicatorcatalogus gepubliceerd.",
    "error_catalogue_draft_outdated": (
        "Er is intussen een nieuwere versie van de catalogus gepubliceerd. Gooi dit concept weg en maak een nieuw "
        "concept van die versie."),
    "error_catalogue_draft_invalid": "Het concept heeft nog fouten; los die eerst op.",
    "error_catalogue_cases_failed": (
        "Niet alle referentiecasussen slagen. Pas het concept aan of publiceer met een ondertekende reden."),
    "error_case_exists": "Er is al een referentiecasus met deze naam.",
    "error_case_invalid": "De referentiecasus klopt niet.",
    # limits and quotas (issue 12 part C, docs/SECURITY.md "Limits and quotas")
    "error_body_too_large": "Het verzoek is te groot.",
    "error_handover_full": (
        "De server bewaart niet meer van deze ingetrokken tablet. Het werk blijft versleuteld op de tablet; neem "
        "contact op met de beheerder."),
    "error_quarantine_full": (
        "Deze app is te oud en de server bewaart niet meer van zijn werk. Werk de app bij; het werk blijft tot dan "
        "op de tablet."),
    # checklists in the office app (issue 15 part A)
    "error_checklist_draft_exists": "Voor deze checklist bestaat al een concept; open dat concept.",
    "error_checklist_draft_changed": (
        "Een andere beheerder heeft dit concept intussen opgeslagen. Uw wijzigingen zijn niet opgeslagen maar staan "
        "nog op het scherm."),
    "error_checklist_draft_invalid": "Het concept bevat nog fouten. Los ze eerst op; daarna kunt u publiceren.",
    "error_publish_central_only": (
        "Checklists en de indicatorencatalogus gelden voor alle organisaties op deze server. Alleen de beheerders "
        "van de publicerende organisatie publiceren ze; u kunt een concept maken en testen."),
    "error_checklist_draft_outdated": (
        "Na dit concept is een nieuwere versie van de checklist gepubliceerd. Verwijder het concept en maak een "
        "nieuw concept van de nieuwste versie."),
    "error_checklist_catalogue_conflict": (
        "De indicatorencatalogus leest een vraag die het concept verwijdert of als niet scorend markeert. Pas eerst "
        "de catalogus aan, of houd de vraag."),
    "error_upload_quota_exceeded": "Te veel foto's wachten nog op hun controle; de tablet probeert het straks opnieuw.",
    "rejection_unknown_mutation": "Onbekende wijziging; werk de app bij.",
    "rejection_invalid_args": "De wijziging bevat ongeldige gegevens.",
    "rejection_forbidden": "U mag deze inspectie niet wijzigen.",
    "rejection_not_found": "De inspectie bestaat niet (meer) op de server.",
    "rejection_already_exists": "Deze inspectie bestaat al.",
    "rejection_unknown_template": "Onbekende checklist of versie.",
    "rejection_unknown_question": "Onbekende vraag in deze checklist.",
    "rejection_invalid_answer": "Ongeldig antwoord.",
    "rejection_unknown_person": "Onbekende persoon.",
    "rejection_inspection_finished": "De inspectie is al afgerond.",
    "rejection_input_unstorable": (
        "De wijziging bevat een teken dat niet kan worden opgeslagen (zoals een NUL- of stuurteken)."),
    # an identifier refused by ``schemas.identifiers.problem`` (the tablet's own check; it corrects or removes it)
    "rejection_identifier_empty": (
        "Kenmerk geweigerd: er staat niets bruikbaars in. Corrigeer of verwijder het op de tablet."),
    "rejection_identifier_too_long": (
        "Kenmerk geweigerd: langer dan 500 tekens. Corrigeer of verwijder het op de tablet."),
    "rejection_identifier_phone_invalid": (
        "Kenmerk geweigerd: een telefoonnummer heeft 6 tot 15 cijfers. Corrigeer of verwijder het op de tablet."),
    "rejection_identifier_kvk_invalid": (
        "Kenmerk geweigerd: een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12). Corrigeer of verwijder het op "
        "de tablet."),
    "rejection_identifier_plate_invalid": (
        "Kenmerk geweigerd: een kenteken heeft 2 tot 10 letters en cijfers. Corrigeer of verwijder het op de "
        "tablet."),
    "rejection_identifier_url_invalid": (
        "Kenmerk geweigerd: een advertentieadres heeft geen spaties. Corrigeer of verwijder het op de tablet."),
}

EN_ERRORS: dict[str, str] = {
    "error_validation_error": "The request data is invalid.",
    # input that no database stores (issue 12 part A, schemas.inputs)
    "error_input_unstorable": (
        "The input holds a character that cannot be stored (such as a NUL or control character) or an impossible "
        "number. Remove it and try again."),
    "error_not_authenticated": "You are not logged in.",
    "error_login_failed": "Wrong username or password.",
    "error_login_rate_limited": "Too many failed attempts. Try again in a few minutes.",
    "error_device_revoked": "This device has been revoked.",
    "error_forbidden": "You are not allowed to do this.",
    "error_not_found": "Not found.",
    # every database connection of this worker is in use, or SQLite's writer lock stayed taken (issue 13 part B)
    "error_server_busy": "The server is busy. Try again shortly; your data is kept.",
    "error_method_not_allowed": "Method not allowed.",
    "error_client_id_taken": "This client id belongs to another user.",
    "error_schema_unsupported": "This app version is too old. Please update the app.",
    "error_schema_too_new": "The server is older than the app. Contact your administrator.",
    "error_username_taken": "This username already exists.",
    "error_username_invalid": (
        "This username is not possible: no control or invisible characters, at most 100 characters."),
    "error_invalid_sha256": "Invalid sha256.",
    "error_upload_offset_mismatch": "Upload offset mismatch; ask for the offset again.",
    "error_upload_headers_invalid": "Upload-Offset and Upload-Length are missing or invalid.",
    "error_upload_too_long": "More bytes than the declared length.",
    "error_blob_too_large": "The file is too large.",
    "error_hash_mismatch": "The file arrived corrupted; start again.",
    "error_blob_exists": "This file is already present.",
    # sync (issue 4)
    "error_upload_expired": "The interrupted upload has expired; start again.",
    "error_conflict_resolved": "This conflict has already been resolved.",
    "error_person_deleted": "This person was deleted on the tablet; their answers can no longer be corrected.",
    "error_person_not_restorable": (
        "A person deleted on the tablet cannot be restored; accept the deletion (your corrections stay kept in the "
        "conflict)."),
    # planning (issue 6)
    "error_address_invalid": "The address is invalid (postcode 1234 AB, house number, street, city).",
    "error_address_lookup_unavailable": "Address lookup is unavailable; type the address by hand.",
    "error_planning_date_out_of_range": "Choose a date from one year ago up to two years ahead.",
    "error_unknown_control_type": "No checklist is published for this type of control.",
    "error_planned_control_cancelled": "This control has been cancelled.",
    "error_violation_in_future": "A violation cannot lie in the future.",
    "error_no_such_signal": "This control has no such signal (yet).",
    "error_export_unknown": "Unknown export.",
    # tenancy
    "error_team_unknown": "Unknown team or organisation.",
    "error_team_exists": "This team already exists in this organisation.",
    "error_inspector_other_organisation": "This inspector does not belong to your organisation.",
    # tokens, devices and accounts (issue 12 part B, docs/SECURITY.md "Tokens and devices")
    "error_token_expired": "Your session has expired. Log in again; your work is kept.",
    "error_session_ended": "You have been logged out on this device. Log in again.",
    "error_account_disabled": "Your account has been disabled. Contact your administrator.",
    "error_password_change_required": "Set a new password first.",
    "error_password_wrong": "The current password is wrong.",
    "error_password_too_short": "Choose a password of at least 10 characters.",
    "error_password_unchanged": "The new password must differ from the current one.",
    "error_client_id_mismatch": "This token belongs to another device. Log in again.",
    "error_handover_refused": "Only a revoked device hands over its last work this way.",
    "error_cannot_disable_self": "You cannot disable your own account.",
    # the beheerder's users, teams and settings (issue 15 part C)
    "error_last_beheerder": (
        "This is the organisation's last active beheerder: they cannot be disabled or moved to another "
        "organisation."),
    "error_team_key_invalid": "Choose a team code of 1 to 60 letters, digits, '-' or '_', without spaces.",
    "error_display_name_invalid": "Fill in a name (at most 200 characters).",
    "error_user_already_in_team": "This user is already in this team.",
    "error_retention_above_maximum": (
        "A retention period may not be longer than the server's period (the maximum from the selectielijst). Choose "
        "a shorter period or leave the field empty."),
    # the beheerder's indicator catalogue and reference cases (issue 15 part B)
    "error_catalogue_draft_exists": "There is a catalogue draft already; continue it or discard it.",
    "error_catalogue_none_published": "No indicator catalogue has been published yet.",
    "error_catalogue_draft_outdated": (
        "A newer catalogue version has been published since. Discard this draft and make a new one from that "
        "version."),
    "error_catalogue_draft_invalid": "The draft still has problems; fix them first.",
    "error_catalogue_cases_failed": (
        "Not every reference case passes. Change the draft or publish with a signed reason."),
    "error_case_exists": "A reference case with this name exists already.",
    "error_case_invalid": "The reference case is invalid.",
    # limits and quotas (issue 12 part C, docs/SECURITY.md "Limits and quotas")
    "error_body_too_large": "The request body is too large.",
    "error_handover_full": (
        "The server keeps no more of this revoked tablet's work. The work stays on the tablet, encrypted; contact "
        "the beheerder."),
    "error_quarantine_full": (
        "This app is too old and the server keeps no more of its work. Update the app; the work stays on the tablet "
        "until then."),
    # checklists in the office app (issue 15 part A)
    "error_checklist_draft_exists": "A draft of this checklist already exists; open that draft.",
    "error_checklist_draft_changed": (
        "Another beheerder saved this draft in the meantime. Your changes were not saved but are still on the "
        "screen."),
    "error_checklist_draft_invalid": "The draft still has problems. Solve them first; then you can publish.",
    "error_publish_central_only": (
        "Checklists and the indicator catalogue apply to every organisation on this server. Only the beheerders of "
        "the publishing organisation publish them; you can make and test a draft."),
    "error_checklist_draft_outdated": (
        "A newer version of the checklist was published after this draft. Delete the draft and make a new one from "
        "the newest version."),
    "error_checklist_catalogue_conflict": (
        "The indicator catalogue reads a question the draft removes or marks not scoring. Change the catalogue "
        "first, or keep the question."),
    "error_upload_quota_exceeded": "Too many photos are still waiting for their control; the tablet tries again later.",
    "rejection_unknown_mutation": "Unknown mutation; update the app.",
    "rejection_invalid_args": "The change has invalid data.",
    "rejection_forbidden": "You may not change this inspection.",
    "rejection_not_found": "The inspection does not exist on the server.",
    "rejection_already_exists": "This inspection already exists.",
    "rejection_unknown_template": "Unknown checklist or version.",
    "rejection_unknown_question": "Unknown question in this checklist.",
    "rejection_invalid_answer": "Invalid answer.",
    "rejection_unknown_person": "Unknown person.",
    "rejection_inspection_finished": "The inspection is already finished.",
    "rejection_input_unstorable": (
        "The change holds a character that cannot be stored (such as a NUL or control character)."),
    # an identifier refused by ``schemas.identifiers.problem`` (the tablet's own check; it corrects or removes it)
    "rejection_identifier_empty": (
        "Identifier refused: there is nothing usable in it. Correct or remove it on the tablet."),
    "rejection_identifier_too_long": (
        "Identifier refused: longer than 500 characters. Correct or remove it on the tablet."),
    "rejection_identifier_phone_invalid": (
        "Identifier refused: a phone number has 6 to 15 digits. Correct or remove it on the tablet."),
    "rejection_identifier_kvk_invalid": (
        "Identifier refused: a KvK number has 8 digits (a branch number 12). Correct or remove it on the tablet."),
    "rejection_identifier_plate_invalid": (
        "Identifier refused: a licence plate has 2 to 10 letters and digits. Correct or remove it on the tablet."),
    "rejection_identifier_url_invalid": (
        "Identifier refused: an advertisement address has no spaces. Correct or remove it on the tablet."),
}

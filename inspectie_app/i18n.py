"""The UI message catalogue: every string the inspector and office apps show, in Dutch and English.

Keys are stable; ``AppError.code`` values from ``inspectie_app.contract`` and the sync status keys are keys
here, so a view turns any failure into words with ``t(code, lang)``. Dutch is the default language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from inspectie_app.i18n_a11y import EN_A11Y, NL_A11Y
from inspectie_app.i18n_accounts import EN_ACCOUNTS, NL_ACCOUNTS
from inspectie_app.i18n_catalogue import EN_CATALOGUE, NL_CATALOGUE
from inspectie_app.i18n_checklists import EN_CHECKLISTS, NL_CHECKLISTS
from inspectie_app.i18n_corrections import EN_CORRECTIONS, NL_CORRECTIONS
from inspectie_app.i18n_identifiers import EN_IDENTIFIERS, NL_IDENTIFIERS
from inspectie_app.i18n_planner import EN_PLANNER, NL_PLANNER
from inspectie_app.i18n_review import EN_REVIEW, NL_REVIEW
from inspectie_app.i18n_signals import EN_SIGNALS, NL_SIGNALS

LANGUAGES = ("nl", "en")
TZ = ZoneInfo("Europe/Amsterdam")

NL: dict[str, str] = {
    # app
    "app_title": "Inspectie",
    "office_title": "Inspectie — kantoor",
    "language_toggle": "English",
    "language_toggle_label": "Taal wisselen naar Engels",
    "back": "Terug",
    "cancel": "Annuleren",
    "close": "Sluiten",
    "confirm": "Bevestigen",
    "remove": "Verwijderen",
    "logout": "Uitloggen",
    "unknown_error": "Er ging iets mis ({code}).",
    "loading": "Bezig met laden…",
    # login
    "login_title": "Inloggen",
    "username": "Gebruikersnaam",
    "password": "Wachtwoord",
    "login_button": "Inloggen",
    "login_required_fields": "Vul uw gebruikersnaam en wachtwoord in.",
    "login_failed": "Gebruikersnaam of wachtwoord onjuist.",
    "login_offline": "Geen verbinding met de server. De eerste keer inloggen kan alleen online.",
    "login_rate_limited": "Te veel pogingen. Wacht een paar minuten en probeer het opnieuw.",
    "login_wrong_role": "Dit account heeft geen toegang tot deze app.",
    "logout_pending": "Er zijn nog niet-gesynchroniseerde wijzigingen. Synchroniseer eerst.",
    "office_no_access": "Geen toegang: alleen teamleiders en ketenregisseurs kunnen controles beoordelen.",
    "office_offline": "De server is niet bereikbaar. Probeer het later opnieuw.",
    "unauthorized": "Uw sessie is verlopen. Log opnieuw in.",
    "office_bad_reply": "De server gaf een onverwacht antwoord.",
    "office_server_error": "De server gaf een fout. Probeer het later opnieuw.",
    "not_found": "Niet gevonden.",
    "forbidden": "Geen toegang.",
    # home
    "home_title": "Mijn controles",
    "logged_in_as": "Ingelogd als {name}",
    "assigned_title": "Aan mij toegewezen",
    "assigned_empty": "Geen geplande controles.",
    "planned_on": "Gepland op {date}",
    "partners": "Partners: {partners}",
    "partners_none": "Partners: geen",
    "briefing": "Briefing: {text}",
    "briefing_more": "Hele briefing tonen",
    "briefing_less": "Briefing inkorten",
    "start": "Start",
    "continue": "Verder",
    "my_inspections": "Mijn controles",
    "inspections_empty": "Nog geen controles.",
    "status_draft": "Concept",
    "status_finished": "Afgerond",
    "unsynced": "Nog niet gesynchroniseerd",
    "synced": "Gesynchroniseerd",
    "new_pandenactie": "Nieuwe pandenactie",
    "open_inspection": "Controle openen: {address}",
    # control types
    "type_pandenactie": "Pandenactie",
    "type_massagesalon": "Massagesalon",
    "type_seksinrichting_vergund": "Seksinrichting (vergund)",
    "type_seksinrichting_onvergund": "Seksinrichting (onvergund) / thuisprostitutie",
    # address form
    "new_title": "Nieuwe pandenactie",
    "street": "Straat",
    "house_number": "Huisnummer",
    "postcode": "Postcode",
    "city": "Plaats",
    "create": "Aanmaken",
    "required_field": "Verplicht veld.",
    "invalid_house_number": "Gebruik een huisnummer zoals 12 of 12a.",
    "invalid_postcode": "Gebruik een postcode zoals 6811 AB.",
    "invalid_characters": "Dit veld bevat een teken dat niet kan worden opgeslagen (een stuurteken). Typ het opnieuw.",
    "no_template": "Er is nog geen checklist voor dit type controle. Synchroniseer eerst met de server.",
    "new_inspection": "Nieuwe controle",
    "new_inspection_title": "Nieuwe controle",
    "new_type": "Soort controle",
    # levels
    "level_none": "Nog niet beoordeeld",
    "level_0": "L0 geen signaal",
    "level_1": "L1 signaal",
    "level_2": "L2 ernstig signaal",
    "level_3": "L3 acuut",
    "level_label": "Signaalniveau: {level}",
    # sync bar
    "sync_now": "Nu synchroniseren",
    "syncing": "Bezig met synchroniseren…",
    "sync_pending": "{n} wijzigingen te versturen",
    "sync_pending_photos": "{n} foto's te versturen",
    "sync_never": "Nog niet gesynchroniseerd",
    "sync_last": "Laatst gesynchroniseerd om {when}",
    "sync_ok": "Alles verstuurd",
    "sync_offline": "Geen verbinding; uw werk is lokaal bewaard en wordt later verstuurd.",
    "sync_server_error": "De server gaf een fout; er wordt later opnieuw geprobeerd.",
    "sync_unauthorized": "De server herkent dit apparaat niet meer. Log opnieuw in.",
    "sync_update_app": "Deze app is te oud voor de server. Werk de app bij.",
    "sync_rejected": "De server weigerde een wijziging: {message}",
    "sync_history_lost": ("De server mist eerdere wijzigingen die deze tablet niet meer bewaart. Neem contact op "
                          "met de beheerder; op deze tablet wordt niets gewist."),
    "sync_conflicts": ("{n} keer corrigeerde de teamleider iets dat u ook wijzigde. De correctie geldt; uw waarde "
                       "is bewaard en de teamleider beslist."),
    "sync_conflict_item": "{field}: uw waarde {mine}, geldend {kept}",
    "conflict_field_note": "Notitie",
    "conflicts_title": "Conflicten tussen tablet en kantoor",
    "conflicts_none": "Geen conflicten.",
    "conflict_row": "{field}: tablet {device} · kantoor {office} · geldt nu: {kept}",
    "conflict_keep_office": "Correctie houden",
    "conflict_take_device": "Waarde van de tablet nemen",
    "conflict_person_gone": "Deze persoon is daarna op de tablet verwijderd: de waarde van de tablet kan niet meer "
                            "worden genomen.",
    "conflict_done": "Opgelost: {choice}",
    "conflict_side_office": "correctie kantoor",
    "conflict_side_device": "waarde tablet",
    # checklist
    "checklist_title": "Checklist",
    "required_marker": "*",
    "required_legend": "* = verplicht",
    "yes": "Ja",
    "no": "Nee",
    "unknown": "Onbekend",
    "number_invalid": "Vul een getal in.",
    "date_invalid": "Gebruik een datum als dd-mm-jjjj.",
    "date_hint": "dd-mm-jjjj",
    "pick_date": "Datum kiezen",
    "answer_invalid": "Ongeldig antwoord: {detail}",
    "inspection_finished": "Deze controle is afgerond en kan niet meer worden gewijzigd.",
    "saved": "Opgeslagen",
    "persons_title": "Aangetroffen personen",
    "persons_hint": "Anoniem: noteer nooit namen of BSN.",
    "add_person": "Persoon toevoegen",
    "remove_person": "Persoon verwijderen",
    "remove_person_title": "Persoon verwijderen?",
    "remove_person_text": "{label} en alle antwoorden over deze persoon worden verwijderd.",
    "photos_title": "Foto's",
    "add_photo": "Foto toevoegen",
    "photo_not_image": "Dit bestand is geen foto (JPEG of PNG).",
    "photo_heic_unsupported": "Deze tablet kan HEIC-foto's niet lezen. Stel de camera in op JPEG ('Meest compatibel').",
    "photo_too_large": "Deze foto is te groot.",
    "photo_truncated": "Deze foto is beschadigd of onvolledig.",
    "photo_pick_failed": "De foto kon niet worden gekozen. Probeer het opnieuw.",
    "photo_uploaded": "Verstuurd",
    "photo_waiting": "Wacht op versturen",
    "photo_thumbnail": "Foto {n}",
    "note_title": "Notitie",
    "note_label": "Notitie bij deze controle",
    "flag_title": "Signalen (lokale beoordeling)",
    "flag_advice": "Dit is een advies, geen besluit. Bespreek signalen met de teamleider.",
    "flag_no_hits": "Geen indicatoren gevonden.",
    "server_level": "Beoordeling server: {level}",
    "urgent_title": "Acuut signaal — handel nu",
    "urgent_default_1": "Breng uzelf en de persoon in veiligheid.",
    "urgent_default_2": "Bel bij acuut gevaar 112; meld mensenhandel aan de politie (AVIM).",
    "urgent_default_3": "Informeer direct de teamleider.",
    "urgent_ack": "Begrepen",
    "finish": "Afronden",
    "finish_missing_required": "Nog niet alle verplichte vragen zijn beantwoord:",
    "finish_done_title": "Controle afgerond",
    "finish_done_text": "De controle is afgerond. Signaalniveau: {level}.",
    "missing_person": "{label}: {question}",
    # office
    "review_title": "Beoordelingen",
    "review_empty": "Geen controles om te beoordelen.",
    "filter_level": "Filter op niveau",
    "filter_all": "Alle niveaus",
    "col_level": "Niveau",
    "col_type": "Type",
    "col_address": "Adres",
    "col_inspector": "Inspecteur",
    "col_finished": "Afgerond op",
    "col_photos": "Foto's",
    "photos_count": "{present}/{expected}",
    "not_finished": "Nog niet afgerond",
    "refresh": "Vernieuwen",
    "detail_title": "Controle",
    "inspector": "Inspecteur: {name}",
    "started_at": "Gestart: {when}",
    "finished_at": "Afgerond: {when}",
    "answers_title": "Antwoorden",
    "no_answer": "—",
    "person_answers": "Antwoorden over {label}",
    "photo_missing": "Foto nog niet ontvangen",
    "photo_caption": "Foto: {caption}",
    "explanation_title": "Uitleg van het signaal",
    "profile": "Profiel: {profile}",
    "profile_none": "Profiel: geen",
    "catalogue_version": "Beoordeeld met catalogus {catalogue} en checklist {template}",
    "subject": "{label} — {level}",
    "hit_line": "{label} ({code}) — sterkte {strength}, dimensie {dimension}",
    "evidence_line": "{question}: {value} ({evidence})",
    "reasons_title": "Redenen",
    "findings_title": "Bestuurlijke bevindingen",
    "findings_none": "Geen bestuurlijke bevindingen.",
    "no_flag": "Nog geen beoordeling beschikbaar.",
    "strength_S": "sterk",
    "strength_M": "middel",
    "strength_W": "zwak",
    "evidence_observed": "waargenomen",
    "evidence_document": "document",
    "evidence_self_reported": "eigen verklaring",
    "evidence_third_party": "derden",
    "premises": "Pand",
}

EN: dict[str, str] = {
    "app_title": "Inspectie",
    "office_title": "Inspectie — office",
    "language_toggle": "Nederlands",
    "language_toggle_label": "Switch language to Dutch",
    "back": "Back",
    "cancel": "Cancel",
    "close": "Close",
    "confirm": "Confirm",
    "remove": "Remove",
    "logout": "Log out",
    "unknown_error": "Something went wrong ({code}).",
    "loading": "Loading…",
    "login_title": "Log in",
    "username": "Username",
    "password": "Password",
    "login_button": "Log in",
    "login_required_fields": "Enter your username and password.",
    "login_failed": "Wrong username or password.",
    "login_offline": "No connection to the server. The first login needs a connection.",
    "login_rate_limited": "Too many attempts. Wait a few minutes and try again.",
    "login_wrong_role": "This account has no access to this app.",
    "logout_pending": "There are unsynced changes. Synchronise first.",
    "office_no_access": "No access: only team leads and chain directors can review controls.",
    "office_offline": "The server cannot be reached. Try again later.",
    "unauthorized": "Your session has expired. Log in again.",
    "office_bad_reply": "The server gave an unexpected reply.",
    "office_server_error": "The server returned an error. Try again later.",
    "not_found": "Not found.",
    "forbidden": "No access.",
    "home_title": "My controls",
    "logged_in_as": "Logged in as {name}",
    "assigned_title": "Assigned to me",
    "assigned_empty": "No planned controls.",
    "planned_on": "Planned on {date}",
    "partners": "Partners: {partners}",
    "partners_none": "Partners: none",
    "briefing": "Briefing: {text}",
    "briefing_more": "Show the whole briefing",
    "briefing_less": "Show less of the briefing",
    "start": "Start",
    "continue": "Continue",
    "my_inspections": "My inspections",
    "inspections_empty": "No inspections yet.",
    "status_draft": "Draft",
    "status_finished": "Finished",
    "unsynced": "Not synchronised yet",
    "synced": "Synchronised",
    "new_pandenactie": "New premises inspection",
    "open_inspection": "Open inspection: {address}",
    "type_pandenactie": "Premises inspection",
    "type_massagesalon": "Massage parlour",
    "type_seksinrichting_vergund": "Sex establishment (licensed)",
    "type_seksinrichting_onvergund": "Sex work (unlicensed) / home prostitution",
    "new_title": "New premises inspection",
    "street": "Street",
    "house_number": "House number",
    "postcode": "Postcode",
    "city": "City",
    "create": "Create",
    "required_field": "Required field.",
    "invalid_house_number": "Use a house number such as 12 or 12a.",
    "invalid_postcode": "Use a postcode such as 6811 AB.",
    "invalid_characters": "This field holds a character that cannot be stored (a control character). Type it again.",
    "no_template": "There is no checklist for this control type yet. Synchronise with the server first.",
    "new_inspection": "New inspection",
    "new_inspection_title": "New inspection",
    "new_type": "Kind of control",
    "level_none": "Not assessed yet",
    "level_0": "L0 no signal",
    "level_1": "L1 signal",
    "level_2": "L2 serious signal",
    "level_3": "L3 acute",
    "level_label": "Signal level: {level}",
    "sync_now": "Synchronise now",
    "syncing": "Synchronising…",
    "sync_pending": "{n} changes to send",
    "sync_pending_photos": "{n} photos to send",
    "sync_never": "Not synchronised yet",
    "sync_last": "Last synchronised at {when}",
    "sync_ok": "Everything sent",
    "sync_offline": "No connection; your work is stored locally and will be sent later.",
    "sync_server_error": "The server returned an error; it will be retried later.",
    "sync_unauthorized": "The server no longer recognises this device. Log in again.",
    "sync_update_app": "This app is too old for the server. Update the app.",
    "sync_rejected": "The server refused a change: {message}",
    "sync_history_lost": ("The server lacks earlier changes this tablet no longer keeps. Contact your "
                          "administrator; nothing on this tablet is deleted."),
    "sync_conflicts": ("{n} times the team lead corrected something you changed too. The correction stands; "
                       "your value is kept and the team lead decides."),
    "sync_conflict_item": "{field}: your value {mine}, now {kept}",
    "conflict_field_note": "Note",
    "conflicts_title": "Conflicts between tablet and office",
    "conflicts_none": "No conflicts.",
    "conflict_row": "{field}: tablet {device} · office {office} · now: {kept}",
    "conflict_keep_office": "Keep the correction",
    "conflict_take_device": "Take the tablet's value",
    "conflict_person_gone": "This person was deleted on the tablet afterwards: the tablet's value can no longer "
                            "be taken.",
    "conflict_done": "Resolved: {choice}",
    "conflict_side_office": "office correction",
    "conflict_side_device": "tablet value",
    "checklist_title": "Checklist",
    "required_marker": "*",
    "required_legend": "* = required",
    "yes": "Yes",
    "no": "No",
    "unknown": "Unknown",
    "number_invalid": "Enter a number.",
    "date_invalid": "Use a date as dd-mm-yyyy.",
    "date_hint": "dd-mm-yyyy",
    "pick_date": "Pick a date",
    "answer_invalid": "Invalid answer: {detail}",
    "inspection_finished": "This inspection is finished and can no longer be changed.",
    "saved": "Saved",
    "persons_title": "Persons met",
    "persons_hint": "Anonymous: never record names or BSN.",
    "add_person": "Add person",
    "remove_person": "Remove person",
    "remove_person_title": "Remove person?",
    "remove_person_text": "{label} and all answers about this person will be removed.",
    "photos_title": "Photos",
    "add_photo": "Add photo",
    "photo_not_image": "This file is not a photo (JPEG or PNG).",
    "photo_heic_unsupported": "This tablet cannot read HEIC photos. Set the camera to JPEG ('Most Compatible').",
    "photo_too_large": "This photo is too large.",
    "photo_truncated": "This photo is damaged or incomplete.",
    "photo_pick_failed": "The photo could not be picked. Please try again.",
    "photo_uploaded": "Sent",
    "photo_waiting": "Waiting to be sent",
    "photo_thumbnail": "Photo {n}",
    "note_title": "Note",
    "note_label": "Note on this inspection",
    "flag_title": "Signals (local assessment)",
    "flag_advice": "This is advice, not a decision. Discuss signals with the team lead.",
    "flag_no_hits": "No indicators found.",
    "server_level": "Server assessment: {level}",
    "urgent_title": "Acute signal — act now",
    "urgent_default_1": "Bring yourself and the person to safety.",
    "urgent_default_2": "In acute danger call 112; report trafficking to the police (AVIM).",
    "urgent_default_3": "Inform the team lead immediately.",
    "urgent_ack": "Understood",
    "finish": "Finish",
    "finish_missing_required": "Not all required questions have been answered:",
    "finish_done_title": "Inspection finished",
    "finish_done_text": "The inspection is finished. Signal level: {level}.",
    "missing_person": "{label}: {question}",
    "review_title": "Reviews",
    "review_empty": "No inspections to review.",
    "filter_level": "Filter by level",
    "filter_all": "All levels",
    "col_level": "Level",
    "col_type": "Type",
    "col_address": "Address",
    "col_inspector": "Inspector",
    "col_finished": "Finished on",
    "col_photos": "Photos",
    "photos_count": "{present}/{expected}",
    "not_finished": "Not finished yet",
    "refresh": "Refresh",
    "detail_title": "Inspection",
    "inspector": "Inspector: {name}",
    "started_at": "Started: {when}",
    "finished_at": "Finished: {when}",
    "answers_title": "Answers",
    "no_answer": "—",
    "person_answers": "Answers about {label}",
    "photo_missing": "Photo not received yet",
    "photo_caption": "Photo: {caption}",
    "explanation_title": "Explanation of the signal",
    "profile": "Profile: {profile}",
    "profile_none": "Profile: none",
    "catalogue_version": "Assessed with catalogue {catalogue} and checklist {template}",
    "subject": "{label} — {level}",
    "hit_line": "{label} ({code}) — strength {strength}, dimension {dimension}",
    "evidence_line": "{question}: {value} ({evidence})",
    "reasons_title": "Reasons",
    "findings_title": "Administrative findings",
    "findings_none": "No administrative findings.",
    "no_flag": "No assessment available yet.",
    "strength_S": "strong",
    "strength_M": "medium",
    "strength_W": "weak",
    "evidence_observed": "observed",
    "evidence_document": "document",
    "evidence_self_reported": "self-reported",
    "evidence_third_party": "third party",
    "premises": "Premises",
}

NL.update({k: v for k, v in NL_REVIEW.items() if k not in NL})
EN.update({k: v for k, v in EN_REVIEW.items() if k not in EN})
NL.update({k: v for k, v in NL_PLANNER.items() if k not in NL})
EN.update({k: v for k, v in EN_PLANNER.items() if k not in EN})
NL.update({k: v for k, v in NL_CORRECTIONS.items() if k not in NL})
EN.update({k: v for k, v in EN_CORRECTIONS.items() if k not in EN})
NL.update({k: v for k, v in NL_SIGNALS.items() if k not in NL})
EN.update({k: v for k, v in EN_SIGNALS.items() if k not in EN})
NL.update({k: v for k, v in NL_ACCOUNTS.items() if k not in NL})
EN.update({k: v for k, v in EN_ACCOUNTS.items() if k not in EN})
NL.update({k: v for k, v in NL_CHECKLISTS.items() if k not in NL})
EN.update({k: v for k, v in EN_CHECKLISTS.items() if k not in EN})
NL.update({k: v for k, v in NL_IDENTIFIERS.items() if k not in NL})
EN.update({k: v for k, v in EN_IDENTIFIERS.items() if k not in EN})
NL.update({k: v for k, v in NL_A11Y.items() if k not in NL})
EN.update({k: v for k, v in EN_A11Y.items() if k not in EN})
NL.update({k: v for k, v in NL_CATALOGUE.items() if k not in NL})
EN.update({k: v for k, v in EN_CATALOGUE.items() if k not in EN})
CATALOGUE: dict[str, dict[str, str]] = {"nl": NL, "en": EN}


def t(key: str, lang: str = "nl", **fmt: object) -> str:
    """The message for ``key`` in ``lang`` (Dutch when unknown), formatted with ``fmt``.

    An unknown key (e.g. a new server error code) falls back to the generic message naming the code.
    """
    messages = CATALOGUE.get(lang, NL)
    text = messages.get(key)
    if text is None:
        return messages["unknown_error"].format(code=key)
    return text.format(**fmt) if fmt else text


def has_key(key: str) -> bool:
    return key in NL


def fmt_date(value: date | None) -> str:
    """dd-mm-jjjj; a datetime is first converted to Europe/Amsterdam."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.strftime("%d-%m-%Y")


def fmt_datetime(value: datetime | None) -> str:
    """dd-mm-jjjj HH:MM in Europe/Amsterdam (naive datetimes are taken as UTC)."""
    if value is None:
        return ""
    return to_local(value).strftime("%d-%m-%Y %H:%M")


def to_local(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def parse_date(text: str) -> date | None:
    """Parse dd-mm-jjjj (also d-m-jjjj, with / or .) or ISO jjjj-mm-dd; None when it is not a date."""
    text = text.strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    try:
        if len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None
    return None

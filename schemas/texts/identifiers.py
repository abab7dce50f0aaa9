"""UI texts of correcting and removing identifiers on the tablet, and of the server's rejections shown on the item
they concern (issue 14); part of the one catalogue ``schemas.texts``.

``rejected_<code>`` is the inspector's words for every rejection code the server sends (``sync_server.errors
.REJECTIONS``; a test keeps them in step); the rule codes of ``schemas.identifiers.PROBLEMS`` are also the messages
of a value refused at entry (``identifier_empty`` and ``identifier_too_long`` live in ``review``)."""

from __future__ import annotations

from schemas.identifiers import KVK_DIGITS, MAX_LENGTH, PHONE_DIGITS, PLATE_LENGTH
from schemas.texts.plural import Message, Plural

_PHONE = f"{PHONE_DIGITS[0]} tot {PHONE_DIGITS[1]}"
_PLATE = f"{PLATE_LENGTH[0]} tot {PLATE_LENGTH[1]}"
_PHONE_EN = f"{PHONE_DIGITS[0]} to {PHONE_DIGITS[1]}"
_PLATE_EN = f"{PLATE_LENGTH[0]} to {PLATE_LENGTH[1]}"

NL_IDENTIFIERS: dict[str, Message] = {
    # a value refused at entry (nothing is stored)
    "identifier_phone_invalid": f"Een telefoonnummer heeft {_PHONE} cijfers. Er is niets vastgelegd.",
    "identifier_kvk_invalid": (f"Een KvK-nummer heeft {KVK_DIGITS[0]} cijfers (een vestigingsnummer "
                               f"{KVK_DIGITS[1]}). Er is niets vastgelegd."),
    "identifier_plate_invalid": f"Een kenteken heeft {_PLATE} letters en cijfers. Er is niets vastgelegd.",
    "identifier_url_invalid": ("Een advertentieadres heeft geen spaties, bijvoorbeeld voorbeeld.nl/advertentie/12. "
                               "Er is niets vastgelegd."),
    "identifier_not_found": "Dit kenmerk staat niet (meer) op deze tablet.",
    # correcting or removing one
    "identifier_fix": "Corrigeren of verwijderen",
    "identifier_fix_label": "Kenmerk corrigeren of verwijderen: {hint}",
    "identifier_fix_title": "Kenmerk corrigeren of verwijderen",
    "identifier_fix_value": "Juiste waarde ({kind})",
    "identifier_fix_save": "Correctie opslaan",
    "identifier_fix_remove": "Kenmerk verwijderen",
    "identifier_fix_cancel": "Annuleren",
    "identifier_fix_help": ("De server bewaart alleen de juiste waarde; de oude verdwijnt ook uit de koppelingen. "
                            "Er gaat niets verloren tot u opslaat of verwijdert."),
    "identifier_corrected": "Kenmerk gecorrigeerd.",
    "identifier_removed": "Kenmerk verwijderd.",
    # a rejection on the item it concerns
    "identifier_refused": "Geweigerd door de server: {reason} Corrigeer of verwijder dit kenmerk.",
    "answer_refused": "Geweigerd door de server: {reason} Geef het antwoord opnieuw.",
    "control_refused_title": "Door de server geweigerd",
    "control_refused_line": "{what}: {reason}",
    "refused_seen": "Gezien",
    "refused_seen_label": "Gezien: {what}",
    "refused_open": "Openen",
    "refused_open_label": "Controle openen: {where}",
    "sync_refused": Plural("De server weigerde {n} wijziging. Open de controle om het te herstellen:",
                           "De server weigerde {n} wijzigingen. Open de controle om het te herstellen:"),
    "sync_refused_one": "De server weigerde 1 wijziging. Open de controle om het te herstellen:",
    "sync_refused_line": "{where} — {what}: {reason}",
    "refused_unknown_control": "een controle die niet meer op deze tablet staat",
    # what a refused change was
    "refused_what_identifier": "Kenmerk",
    "refused_what_answer": "Antwoord",
    "refused_what_person": "Persoon",
    "refused_what_photo": "Foto",
    "refused_what_note": "Notitie of adres",
    "refused_what_control": "Controle",
    "refused_what_finish": "Afronden",
    "refused_what_change": "Wijziging",
    # the server's rejection codes in the inspector's words
    "rejected_unknown_mutation": "de server kent deze wijziging nog niet; de beheerder moet de server bijwerken.",
    "rejected_invalid_args": "de wijziging bevat ongeldige gegevens.",
    "rejected_forbidden": "u mag deze controle niet wijzigen.",
    "rejected_not_found": "de server kent deze controle niet (meer).",
    "rejected_already_exists": "dit staat al op de server.",
    "rejected_unknown_template": "de server kent deze checklist of versie niet.",
    "rejected_unknown_question": "deze vraag staat niet in de checklist op de server.",
    "rejected_invalid_answer": "dit antwoord is ongeldig.",
    "rejected_unknown_person": "deze persoon is op de server niet (meer) bekend.",
    "rejected_inspection_finished": "de controle was al afgerond.",
    "rejected_input_unstorable": "er staat een teken in dat niet kan worden opgeslagen (zoals een stuurteken).",
    "rejected_identifier_empty": "er staat niets bruikbaars in.",
    "rejected_identifier_too_long": f"langer dan {MAX_LENGTH} tekens.",
    "rejected_identifier_phone_invalid": f"een telefoonnummer heeft {_PHONE} cijfers.",
    "rejected_identifier_kvk_invalid": (f"een KvK-nummer heeft {KVK_DIGITS[0]} cijfers (een vestigingsnummer "
                                        f"{KVK_DIGITS[1]})."),
    "rejected_identifier_plate_invalid": f"een kenteken heeft {_PLATE} letters en cijfers.",
    "rejected_identifier_url_invalid": "een advertentieadres heeft geen spaties.",
    "rejected_other": "de server weigerde deze wijziging.",
    # the office's audit trail
    "action_remove_identifier": "kenmerk verwijderd of gecorrigeerd (tablet)",
}

EN_IDENTIFIERS: dict[str, Message] = {
    "identifier_phone_invalid": f"A phone number has {_PHONE_EN} digits. Nothing was recorded.",
    "identifier_kvk_invalid": (f"A KvK number has {KVK_DIGITS[0]} digits (a branch number {KVK_DIGITS[1]}). "
                               "Nothing was recorded."),
    "identifier_plate_invalid": f"A licence plate has {_PLATE_EN} letters and digits. Nothing was recorded.",
    "identifier_url_invalid": ("An advertisement address has no spaces, for example example.nl/advert/12. "
                               "Nothing was recorded."),
    "identifier_not_found": "This identifier is no longer on this tablet.",
    "identifier_fix": "Correct or remove",
    "identifier_fix_label": "Correct or remove identifier: {hint}",
    "identifier_fix_title": "Correct or remove identifier",
    "identifier_fix_value": "Correct value ({kind})",
    "identifier_fix_save": "Save correction",
    "identifier_fix_remove": "Remove identifier",
    "identifier_fix_cancel": "Cancel",
    "identifier_fix_help": ("The server keeps only the correct value; the old one also leaves the links. Nothing is "
                            "lost until you save or remove."),
    "identifier_corrected": "Identifier corrected.",
    "identifier_removed": "Identifier removed.",
    "identifier_refused": "Refused by the server: {reason} Correct or remove this identifier.",
    "answer_refused": "Refused by the server: {reason} Give the answer again.",
    "control_refused_title": "Refused by the server",
    "control_refused_line": "{what}: {reason}",
    "refused_seen": "Seen",
    "refused_seen_label": "Seen: {what}",
    "refused_open": "Open",
    "refused_open_label": "Open control: {where}",
    "sync_refused": Plural("The server refused {n} change. Open the control to fix it:",
                           "The server refused {n} changes. Open the control to fix them:"),
    "sync_refused_one": "The server refused 1 change. Open the control to fix it:",
    "sync_refused_line": "{where} — {what}: {reason}",
    "refused_unknown_control": "a control no longer on this tablet",
    "refused_what_identifier": "Identifier",
    "refused_what_answer": "Answer",
    "refused_what_person": "Person",
    "refused_what_photo": "Photo",
    "refused_what_note": "Note or address",
    "refused_what_control": "Control",
    "refused_what_finish": "Finishing",
    "refused_what_change": "Change",
    "rejected_unknown_mutation": "the server does not know this change yet; the beheerder must update the server.",
    "rejected_invalid_args": "the change holds invalid data.",
    "rejected_forbidden": "you may not change this control.",
    "rejected_not_found": "the server does not know this control (any more).",
    "rejected_already_exists": "this is already on the server.",
    "rejected_unknown_template": "the server does not know this checklist or version.",
    "rejected_unknown_question": "this question is not in the checklist on the server.",
    "rejected_invalid_answer": "this answer is invalid.",
    "rejected_unknown_person": "the server does not know this person (any more).",
    "rejected_inspection_finished": "the control was already finished.",
    "rejected_input_unstorable": "it holds a character that cannot be stored (such as a control character).",
    "rejected_identifier_empty": "there is nothing usable in it.",
    "rejected_identifier_too_long": f"longer than {MAX_LENGTH} characters.",
    "rejected_identifier_phone_invalid": f"a phone number has {_PHONE_EN} digits.",
    "rejected_identifier_kvk_invalid": f"a KvK number has {KVK_DIGITS[0]} digits (a branch number {KVK_DIGITS[1]}).",
    "rejected_identifier_plate_invalid": f"a licence plate has {_PLATE_EN} letters and digits.",
    "rejected_identifier_url_invalid": "an advertisement address has no spaces.",
    "rejected_other": "the server refused this change.",
    "action_remove_identifier": "identifier removed or corrected (tablet)",
}

WHAT = {"identifier": "identifier", "answer": "answer", "person": "person", "photo": "photo", "inspection": "control"}
"""The first part of a mutation name -> ``refused_what_<x>``."""


def refused_what(mutation_name: str | None) -> str:
    """The i18n key naming what a refused mutation changed."""
    if mutation_name in ("inspection.update.v1",):
        return "refused_what_note"
    if mutation_name == "inspection.finish.v1":
        return "refused_what_finish"
    return f"refused_what_{WHAT.get((mutation_name or '').split('.')[0], 'change')}"


def rejected_key(code: str, known: set[str] | frozenset[str] | None = None) -> str:
    """The i18n key of a rejection code (``rejected_other`` for a code this app does not know)."""
    key = f"rejected_{code}"
    return key if known is None or key in known else "rejected_other"

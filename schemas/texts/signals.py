"""UI texts of a flag's explanation (level line, legal frame, indicators with their evidence, groups of persons
with the same signals) and of verifying a group; part of the one catalogue ``schemas.texts``."""

from __future__ import annotations

from schemas.texts.plural import Message, Plural

NL_SIGNALS: dict[str, Message] = {
    # explanation (office detail, tablet)
    "group_members": "Personen: {labels}",
    "also_profiles": "ook: {profiles}",
    "frame_line": "Art. 273f Sr — handeling: {act} · middel: {means} · uitbuitingsdoel: {purpose}",
    "frame_yes": "ja",
    "frame_yes_codes": "ja ({codes})",
    "frame_no": "nee",
    "frame_no_codes": "nee ({codes})",
    "strength_none": "geen",
    "evidence_line_scoped": "{question}: {value} ({evidence}, {scope})",
    "scope_premises": "pand",
    "scope_person": "persoon",
    "flag_source": "Niveau van: {label}",
    "flag_also": "Ook een signaal: {label}",
    "dimension_positive": "Dimensie {dimension} positief: {indicators}.",
    # verifying a group
    "group_signal_line": "{title}: {level}",
    "group_state": "{verified} van {total} geverifieerd",
    "group_verify_button": "Groep verifiëren",
    "group_verify_help": "Eén oordeel en reden voor alle {n} personen; per persoon kan daarna nog apart.",
    "group_persons_toggle": "Per persoon beoordelen",
    "group_verified_ok": Plural("Oordeel vastgelegd voor {n} signaal.",
                                "Oordeel vastgelegd voor {n} signalen."),
    "verify_reason_too_long": "De reden is te lang: maximaal {max} tekens.",
    "referral_note_too_long": "De toelichting is te lang: maximaal {max} tekens.",
    "comment_too_long": "De opmerking is te lang: maximaal {max} tekens.",
    "form_invalid": "Deze invoer kan niet worden opgeslagen; controleer de lengte en de tekens.",
    "verify_invalid": "Het oordeel kon niet worden vastgelegd: geef een reden van 1 tot 4000 tekens.",
    "action_verify_group": "groep signalen geverifieerd",
}

EN_SIGNALS: dict[str, Message] = {
    "group_members": "Persons: {labels}",
    "also_profiles": "also: {profiles}",
    "frame_line": "Art. 273f Criminal Code — act: {act} · means: {means} · purpose: {purpose}",
    "frame_yes": "yes",
    "frame_yes_codes": "yes ({codes})",
    "frame_no": "no",
    "frame_no_codes": "no ({codes})",
    "strength_none": "none",
    "evidence_line_scoped": "{question}: {value} ({evidence}, {scope})",
    "scope_premises": "premises",
    "scope_person": "person",
    "flag_source": "Level from: {label}",
    "flag_also": "Also a signal: {label}",
    "dimension_positive": "Dimension {dimension} positive: {indicators}.",
    "group_signal_line": "{title}: {level}",
    "group_state": "{verified} of {total} verified",
    "group_verify_button": "Verify group",
    "group_verify_help": "One verdict and reason for all {n} persons; each can still be verified on their own.",
    "group_persons_toggle": "Verify per person",
    "group_verified_ok": Plural("Verdict recorded for {n} signal.",
                                "Verdict recorded for {n} signals."),
    "verify_reason_too_long": "The reason is too long: at most {max} characters.",
    "referral_note_too_long": "The note is too long: at most {max} characters.",
    "comment_too_long": "The comment is too long: at most {max} characters.",
    "form_invalid": "This input cannot be saved; check its length and characters.",
    "verify_invalid": "The verdict could not be recorded: give a reason of 1 to 4000 characters.",
    "action_verify_group": "group of signals verified",
}

"""UI texts of accounts and devices: logging in again, a new password after a reset, a revoked tablet that hands
over its work and wipes itself, and the beheerder's screen "Gebruikers en apparaten"; merged into
``inspectie_app.i18n``."""

from __future__ import annotations

from schemas.accounts import PASSWORD_MIN_LENGTH

NL_ACCOUNTS: dict[str, str] = {
    # logging in again, a new password (both apps)
    "login_again": "Opnieuw inloggen",
    "login_again_intro": ("Uw sessie is verlopen. Log opnieuw in; uw werk op deze tablet blijft bewaard en wordt "
                          "daarna verstuurd."),
    "login_account_disabled": "Uw account is uitgeschakeld. Neem contact op met de beheerder.",
    "login_device_revoked": ("Dit apparaat was ingetrokken door de beheerder. Het werk dat nog niet verstuurd was, is "
                             "veiliggesteld op de server en alle gegevens op dit apparaat zijn gewist."),
    "sync_login_again": "Uw sessie is verlopen of beëindigd. Log opnieuw in; uw werk blijft op deze tablet bewaard.",
    "sync_account_disabled": ("Uw account is uitgeschakeld. Uw werk blijft op deze tablet bewaard; neem contact op met "
                              "de beheerder."),
    "sync_password_change": "Kies eerst een nieuw wachtwoord.",
    "sync_device_revoked": ("Dit apparaat is ingetrokken door de beheerder. Het werk dat nog niet verstuurd was, wordt "
                            "veiliggesteld zodra er verbinding is; daarna wordt alles op dit apparaat gewist."),
    "sync_device_wiped": ("Dit apparaat is ingetrokken door de beheerder. Het werk dat nog niet verstuurd was, is "
                          "veiliggesteld op de server; alle gegevens, foto's en sleutels op dit apparaat zijn gewist. "
                          "Log opnieuw in om verder te werken."),
    "revoked_title": "Apparaat ingetrokken",
    "revoked_pending": ("Dit apparaat is ingetrokken door de beheerder. Er valt hier niets meer te openen. Het werk "
                        "dat nog niet verstuurd was, wordt versleuteld bewaard en veiliggesteld op de server zodra er "
                        "verbinding is; daarna wordt alles op dit apparaat gewist."),
    "password_title": "Nieuw wachtwoord kiezen",
    "password_must_change": ("De beheerder heeft uw wachtwoord opnieuw ingesteld. Kies een nieuw wachtwoord om verder "
                             "te gaan."),
    "password_current": "Huidig (tijdelijk) wachtwoord",
    "password_new": "Nieuw wachtwoord (minstens {n} tekens)",
    "password_repeat": "Herhaal het nieuwe wachtwoord",
    "password_save": "Wachtwoord opslaan",
    "password_fields_required": "Vul alle drie de velden in.",
    "password_too_short": f"Kies een wachtwoord van minstens {PASSWORD_MIN_LENGTH} tekens.",
    "password_repeat_differs": "De twee nieuwe wachtwoorden zijn niet gelijk.",
    "password_unchanged": "Het nieuwe wachtwoord moet anders zijn dan het huidige.",
    "password_wrong": "Het huidige wachtwoord klopt niet.",
    "password_changed": "Uw nieuwe wachtwoord is opgeslagen.",
    # the beheerder's screen
    "nav_users": "Gebruikers en apparaten",
    "users_title": "Gebruikers en apparaten",
    "users_intro": ("Trek een verloren of gestolen tablet in: het token werkt direct niet meer, en bij het volgende "
                    "contact stelt de tablet het nog niet verstuurde werk veilig en wist hij al zijn gegevens."),
    "users_heading": "{name} ({username}) — {role}, team {team}",
    "users_disabled_badge": "Uitgeschakeld",
    "users_must_change_badge": "Moet een nieuw wachtwoord kiezen",
    "users_no_devices": "Geen apparaten in gebruik.",
    "device_line": "{name} · {state} · laatste contact {seen}",
    "device_schema": "app-schema {n}",
    "device_expires": "token verloopt {when}",
    "device_handed_over": "{n} wijzigingen veiliggesteld in quarantaine",
    "device_never": "nooit",
    "device_state_active": "actief",
    "device_state_expired": "verlopen (opnieuw inloggen)",
    "device_state_ended": "afgemeld",
    "device_state_revoked": "ingetrokken — wissen nog niet bevestigd",
    "device_state_wiped": "ingetrokken en gewist",
    "revoke_device": "Intrekken",
    "revoke_device_label": "Apparaat {device} van {user} intrekken",
    "disable_user": "Uitschakelen",
    "enable_user": "Inschakelen",
    "reset_password": "Wachtwoord resetten",
    "revoke_confirm_title": "Apparaat intrekken?",
    "revoke_confirm_text": ("{device} van {user}: het token werkt direct niet meer. Een tablet stelt bij het volgende "
                            "contact zijn niet-verstuurde werk veilig en wist daarna al zijn gegevens. Dit kan niet "
                            "ongedaan worden gemaakt."),
    "disable_confirm_title": "Gebruiker uitschakelen?",
    "disable_confirm_text": ("{user} kan niet meer inloggen en al zijn tokens werken direct niet meer. Tablets worden "
                             "niet gewist: trek die apart in."),
    "enable_confirm_title": "Gebruiker inschakelen?",
    "enable_confirm_text": "{user} kan weer inloggen.",
    "reset_confirm_title": "Wachtwoord resetten?",
    "reset_confirm_text": ("{user} wordt op alle apparaten afgemeld en moet na de volgende keer inloggen eerst een "
                           "nieuw wachtwoord kiezen."),
    "reset_done_title": "Tijdelijk wachtwoord",
    "reset_done_text": "Geef dit tijdelijke wachtwoord aan {user}. Het wordt maar één keer getoond:",
    "users_done_revoke": "Apparaat ingetrokken.",
    "users_done_disable": "Gebruiker uitgeschakeld.",
    "users_done_enable": "Gebruiker ingeschakeld.",
    "users_done_reset": "Wachtwoord gereset.",
    "action_revoke_device": "apparaat ingetrokken",
    "action_disable_user": "gebruiker uitgeschakeld",
    "action_enable_user": "gebruiker ingeschakeld",
    "action_reset_password": "wachtwoord gereset",
    "role_inspecteur": "inspecteur",
    "role_teamleider": "teamleider",
    "role_ketenregisseur": "ketenregisseur",
    "role_planner": "planner",
    "role_beheerder": "beheerder",
}

EN_ACCOUNTS: dict[str, str] = {
    "login_again": "Log in again",
    "login_again_intro": ("Your session has expired. Log in again; your work on this tablet is kept and sent "
                          "afterwards."),
    "login_account_disabled": "Your account has been disabled. Contact your administrator.",
    "login_device_revoked": ("This device was revoked by the administrator. The work not yet sent has been saved on "
                             "the server and all data on this device has been deleted."),
    "sync_login_again": "Your session has expired or ended. Log in again; your work stays on this tablet.",
    "sync_account_disabled": ("Your account has been disabled. Your work stays on this tablet; contact your "
                              "administrator."),
    "sync_password_change": "Choose a new password first.",
    "sync_device_revoked": ("This device was revoked by the administrator. The work not yet sent is saved as soon as "
                            "there is a connection; then everything on this device is deleted."),
    "sync_device_wiped": ("This device was revoked by the administrator. The work not yet sent has been saved on the "
                          "server; all data, photos and keys on this device have been deleted. Log in again to go on."),
    "revoked_title": "Device revoked",
    "revoked_pending": ("This device was revoked by the administrator. Nothing can be opened here any more. The work "
                        "not yet sent is kept encrypted and saved on the server as soon as there is a connection; then "
                        "everything on this device is deleted."),
    "password_title": "Choose a new password",
    "password_must_change": "The administrator reset your password. Choose a new password to go on.",
    "password_current": "Current (temporary) password",
    "password_new": "New password (at least {n} characters)",
    "password_repeat": "Repeat the new password",
    "password_save": "Save password",
    "password_fields_required": "Fill in all three fields.",
    "password_too_short": f"Choose a password of at least {PASSWORD_MIN_LENGTH} characters.",
    "password_repeat_differs": "The two new passwords differ.",
    "password_unchanged": "The new password must differ from the current one.",
    "password_wrong": "The current password is wrong.",
    "password_changed": "Your new password has been saved.",
    "nav_users": "Users and devices",
    "users_title": "Users and devices",
    "users_intro": ("Revoke a lost or stolen tablet: its token stops working at once, and at its next contact the "
                    "tablet saves the work not yet sent and deletes all its data."),
    "users_heading": "{name} ({username}) — {role}, team {team}",
    "users_disabled_badge": "Disabled",
    "users_must_change_badge": "Must choose a new password",
    "users_no_devices": "No devices in use.",
    "device_line": "{name} · {state} · last contact {seen}",
    "device_schema": "app schema {n}",
    "device_expires": "token expires {when}",
    "device_handed_over": "{n} changes saved in quarantine",
    "device_never": "never",
    "device_state_active": "active",
    "device_state_expired": "expired (log in again)",
    "device_state_ended": "logged out",
    "device_state_revoked": "revoked — wipe not yet confirmed",
    "device_state_wiped": "revoked and wiped",
    "revoke_device": "Revoke",
    "revoke_device_label": "Revoke device {device} of {user}",
    "disable_user": "Disable",
    "enable_user": "Enable",
    "reset_password": "Reset password",
    "revoke_confirm_title": "Revoke device?",
    "revoke_confirm_text": ("{device} of {user}: its token stops working at once. A tablet saves its unsent work at "
                            "its next contact and then deletes all its data. This cannot be undone."),
    "disable_confirm_title": "Disable user?",
    "disable_confirm_text": ("{user} can no longer log in and all their tokens stop working at once. Tablets are not "
                             "wiped: revoke them separately."),
    "enable_confirm_title": "Enable user?",
    "enable_confirm_text": "{user} can log in again.",
    "reset_confirm_title": "Reset password?",
    "reset_confirm_text": ("{user} is logged out on every device and must choose a new password after the next "
                           "login."),
    "reset_done_title": "Temporary password",
    "reset_done_text": "Give this temporary password to {user}. It is shown only once:",
    "users_done_revoke": "Device revoked.",
    "users_done_disable": "User disabled.",
    "users_done_enable": "User enabled.",
    "users_done_reset": "Password reset.",
    "action_revoke_device": "device revoked",
    "action_disable_user": "user disabled",
    "action_enable_user": "user enabled",
    "action_reset_password": "password reset",
    "role_inspecteur": "inspector",
    "role_teamleider": "team lead",
    "role_ketenregisseur": "chain director",
    "role_planner": "planner",
    "role_beheerder": "administrator",
}

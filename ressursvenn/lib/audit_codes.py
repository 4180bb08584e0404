"""Every action code the audit trail may hold, with its Norwegian label.

One enum, in the style of zulip's AuditLogEventType: an action writes
`record_change(obj, by=..., action=AuditAction.MEMBERSHIP_ADD, ...)`, and `record_change`
refuses a code that is not here. A new action therefore adds its code and label below, and
the audit review shows the label instead of the code.

Values are `<record>.<verb>`; they are stored as they are and must never change (old rows keep
them). Apps below lib pass the enum; a few call sites still pass the equal string.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # Users and their accounts
    USER_INVITE = "user.invite", _("Invitert")
    USER_INVITE_VOLUNTEER = "user.invite_volunteer", _("Ressursvenn invitert til å lage konto")
    USER_RESEND_INVITATION = "user.resend_invitation", _("Invitasjon sendt på nytt")
    USER_ACCEPT_INVITATION = "user.accept_invitation", _("Invitasjon godtatt")
    USER_ACTIVATE = "user.activate", _("Bruker aktivert")
    USER_DEACTIVATE = "user.deactivate", _("Bruker deaktivert")
    USER_UPDATE_PROFILE = "user.update_profile", _("Profil endret")
    USER_CHANGE_PASSWORD = "user.change_password", _("Passord endret")
    USER_RESET_PASSWORD = "user.reset_password", _("Passord tilbakestilt")
    USER_LOGOUT = "user.logout", _("Logget ut")
    USER_ENROL_TOTP = "user.enrol_totp", _("Tofaktor tatt i bruk")
    USER_REGENERATE_RECOVERY_CODES = "user.regenerate_recovery_codes", _("Nye reservekoder laget")
    # Roles
    MEMBERSHIP_ADD = "membership.add", _("Rolle gitt")
    MEMBERSHIP_END = "membership.end", _("Rolle avsluttet")
    # Organisations and cooperations
    ORGANISATION_CREATE = "organisation.create", _("Organisasjon opprettet")
    ORGANISATION_UPDATE = "organisation.update", _("Organisasjon endret")
    COOPERATION_ADD = "cooperation.add", _("Samarbeidsavtale inngått")
    COOPERATION_END = "cooperation.end", _("Samarbeidsavtale avsluttet")
    # Volunteers: application, screening and status
    VOLUNTEER_APPLY = "volunteer.apply", _("Søknad som ressursvenn mottatt")
    VOLUNTEER_IMPORT = "volunteer.import", _("Ressursvenn importert")
    VOLUNTEER_IMPORT_LIST = "volunteer.import_list", _("Liste med ressursvenner importert")
    VOLUNTEER_LINK_USER = "volunteer.link_user", _("Ressursvenn koblet til brukerkonto")
    VOLUNTEER_UPDATE_OWN_PROFILE = (
        "volunteer.update_own_profile",
        _("Ressursvenn endret egen profil"),
    )
    VOLUNTEER_TAKE_INTO_SCREENING = "volunteer.take_into_screening", _("Tatt inn til vurdering")
    VOLUNTEER_APPROVE = "volunteer.approve", _("Ressursvenn godkjent")
    VOLUNTEER_SET_APPROVED_ON = "volunteer.set_approved_on", _("Godkjenningsdato satt")
    VOLUNTEER_REJECT = "volunteer.reject", _("Søknad avslått")
    VOLUNTEER_WITHDRAW = "volunteer.withdraw", _("Søknad trukket")
    VOLUNTEER_PAUSE = "volunteer.pause", _("Ressursvenn satt på pause")
    VOLUNTEER_RESUME = "volunteer.resume", _("Ressursvenn tilbake fra pause")
    VOLUNTEER_END = "volunteer.end", _("Ressursvenn avsluttet")
    VOLUNTEER_RECORD_POLICE_CERTIFICATE = (
        "volunteer.record_police_certificate",
        _("Politiattest registrert"),
    )
    VOLUNTEER_RECORD_INTERVIEW = "volunteer.record_interview", _("Egnethetssamtale registrert")
    VOLUNTEER_RECORD_REFERENCE = "volunteer.record_reference", _("Referanse registrert")
    VOLUNTEER_SIGN_DECLARATION = "volunteer.sign_declaration", _("Taushetserklæring signert")
    VOLUNTEER_RECORD_PAPER_DECLARATION = (
        "volunteer.record_paper_declaration",
        _("Taushetserklæring på papir registrert"),
    )
    VOLUNTEER_COURSE_COMPLETED = "volunteer.course_completed", _("Opplæringskurs fullført")
    # Courses and guidance groups
    COURSE_CREATE = "course.create", _("Kurs opprettet")
    COURSE_UPDATE = "course.update", _("Kurs endret")
    COURSE_ADD_SESSION = "course.add_session", _("Kurssamling lagt til")
    COURSE_ENROL = "course.enrol", _("Påmeldt kurs")
    COURSE_SIGN_UP = "course.sign_up", _("Meldte seg på kurs")
    COURSE_CANCEL_SIGNUP = "course.cancel_signup", _("Kurspåmelding trukket")
    COURSE_RECORD_ATTENDANCE = "course.record_attendance", _("Oppmøte på kurs registrert")
    COURSE_COMPLETION = "course.completion", _("Kurs fullført registrert")
    GUIDANCE_CREATE = "guidance.create", _("Veiledningsgruppe opprettet")
    GUIDANCE_SET_MEMBERS = "guidance.set_members", _("Medlemmer i veiledningsgruppe endret")
    GUIDANCE_ADD_SESSION = "guidance.add_session", _("Veiledningsmøte lagt til")
    GUIDANCE_RECORD_ATTENDANCE = (
        "guidance.record_attendance",
        _("Oppmøte i veiledningsgruppe registrert"),
    )
    # Referrals
    REFERRAL_CREATE = "referral.create", _("Henvisning opprettet")
    REFERRAL_UPDATE = "referral.update", _("Henvisning endret")
    REFERRAL_SUBMIT = "referral.submit", _("Henvisning sendt")
    REFERRAL_ACCEPT = "referral.accept", _("Henvisning tatt imot")
    REFERRAL_DECLINE = "referral.decline", _("Henvisning avslått")
    REFERRAL_WITHDRAW = "referral.withdraw", _("Henvisning trukket")
    REFERRAL_WITHDRAW_CONSENT = "referral.withdraw_consent", _("Samtykke trukket")
    REFERRAL_EXCLUDE_VOLUNTEERS = "referral.exclude_volunteers", _("Ressursvenner utelukket")
    REFERRAL_PROPOSE = "referral.propose", _("Forslag sendt for henvisning")
    REFERRAL_BACK_TO_WAITING = "referral.back_to_waiting", _("Tilbake på ventelisten")
    REFERRAL_BACK_TO_WAITING_LIST = (
        "referral.back_to_waiting_list",
        _("Tilbake på ventelisten etter avbrutt kobling"),
    )
    REFERRAL_MATCHED = "referral.matched", _("Henvisning koblet")
    REFERRAL_CLOSE = "referral.close", _("Henvisning avsluttet")
    # Matches and koblingsmøter
    MATCH_PROPOSE = "match.propose", _("Kobling foreslått")
    MATCH_ACCEPT = "match.accept", _("Ressursvennen takket ja")
    MATCH_DECLINE = "match.decline", _("Ressursvennen takket nei")
    MATCH_CANCEL = "match.cancel", _("Kobling avbrutt")
    MATCH_PLAN_MEETING = "match.plan_meeting", _("Koblingsmøte planlagt for koblingen")
    MATCH_CANCEL_AFTER_MEETING = (
        "match.cancel_after_meeting",
        _("Kobling avbrutt etter koblingsmøtet"),
    )
    MATCH_ACTIVATE = "match.activate", _("Kobling startet")
    MEETING_PLAN = "meeting.plan", _("Koblingsmøte planlagt")
    MEETING_MOVE = "meeting.move", _("Koblingsmøte flyttet")
    MEETING_CANCEL = "meeting.cancel", _("Koblingsmøte avlyst")
    MEETING_OUTCOME = "meeting.outcome", _("Utfall av koblingsmøtet registrert")
    # Follow-up: activities and the pair's own meetings
    ACTIVITY_LOG = "activity.log", _("Aktivitet registrert")
    ACTIVITY_UPDATE = "activity.update", _("Aktivitet rettet")
    ACTIVITY_DELETE = "activity.delete", _("Aktivitet slettet")
    ROOM_RENEW = "room.renew", _("Nytt videorom for paret")
    PAIR_MEETING_PLAN = "pair_meeting.plan", _("Møte for paret planlagt")
    PAIR_MEETING_MOVE = "pair_meeting.move", _("Møte for paret flyttet")
    PAIR_MEETING_CANCEL = "pair_meeting.cancel", _("Møte for paret avlyst")
    # Follow-up: check-ins
    CHECKIN_SCHEDULE = "checkin.schedule", _("Oppfølgingssamtaler satt opp")
    CHECKIN_RECORD = "checkin.record", _("Oppfølgingssamtale registrert")
    CHECKIN_GROUP = "checkin.group", _("Veiledningsgruppe registrert som oppfølgingssamtale")
    CHECKIN_CANCEL = "checkin.cancel", _("Oppfølgingssamtaler bortfalt")
    # Follow-up: concerns
    CONCERN_REPORT = "concern.report", _("Bekymringsmelding sendt")
    CONCERN_ACKNOWLEDGE = "concern.acknowledge", _("Bekymringsmelding mottatt")
    CONCERN_RESOLVE = "concern.resolve", _("Bekymringsmelding løst")
    CONCERN_RESEND = "concern.resend", _("Bekymringsmelding sendt på nytt")
    # Follow-up: pause for safety
    MATCH_PAUSE = "match.pause", _("Kobling satt på pause")
    MATCH_RESUME_CONFIRM = "match.resume_confirm", _("Gjenopptakelse bekreftet")
    MATCH_RESUME = "match.resume", _("Kobling gjenopptatt")
    # Follow-up: social events
    EVENT_CREATE = "event.create", _("Sosialt treff opprettet")
    EVENT_UPDATE = "event.update", _("Sosialt treff endret")
    EVENT_CANCEL = "event.cancel", _("Sosialt treff avlyst")
    EVENT_SIGNUP = "event.signup", _("Svar på invitasjon til sosialt treff")
    EVENT_ATTENDANCE = "event.attendance", _("Oppmøte på sosialt treff registrert")
    # Follow-up: extension and closure
    MATCH_EXTEND = "match.extend", _("Kobling forlenget")
    MATCH_CLOSING_CONVERSATION = (
        "match.closing_conversation",
        _("Avslutningssamtale registrert"),
    )
    MATCH_START_CLOSING = "match.start_closing", _("Avslutning av koblingen påbegynt")
    MATCH_CLOSE = "match.close", _("Kobling avsluttet")
    # Follow-up: notices and preferences
    USER_TASK_EMAIL = "user.task_email", _("Varsling om oppgaver endret")
    # Reports
    REPORT_EXPORT = "report.export", _("Tall for programmet lastet ned")
    # Outcome questionnaires (surveys)
    SURVEY_LINK_CREATE = "survey_link.create", _("Lenke til spørreskjema laget")
    SURVEY_LINK_REVOKE = "survey_link.revoke", _("Lenke til spørreskjema trukket tilbake")
    SURVEY_LINK_EMAIL = "survey_link.email", _("Lenke til spørreskjema sendt på e-post")
    SURVEY_RESPONSE_SUBMIT = "survey_response.submit", _("Spørreskjema sendt inn")
    SURVEY_OUTCOME_RECORD = "survey_outcome.record", _("Utfall registrert")
    SURVEY_OUTCOME_CORRECT = "survey_outcome.correct", _("Utfall rettet")
    # Reporting periods and targets (surveys)
    REPORTING_PERIOD_CREATE = "reporting_period.create", _("Rapporteringsperiode opprettet")
    REPORTING_PERIOD_UPDATE = "reporting_period.update", _("Rapporteringsperiode endret")
    REPORTING_PERIOD_DELETE = "reporting_period.delete", _("Rapporteringsperiode slettet")
    TARGET_CREATE = "target.create", _("Mål satt")
    TARGET_UPDATE = "target.update", _("Mål endret")
    TARGET_DELETE = "target.delete", _("Mål slettet")
    # Privacy operations (privacy app, accounts hygiene)
    PRIVACY_EXPORT = "privacy.export", _("Innsyn: alt om en person hentet ut")
    PRIVACY_ERASE = "privacy.erase", _("Personopplysninger slettet på forespørsel")
    PRIVACY_RETENTION = "privacy.retention", _("Personopplysninger anonymisert etter lagringstiden")
    ACCESS_LOG_EXPORT = "access_log.export", _("Tilgangslogg lastet ned")
    USER_DEACTIVATION_WARNING = (
        "user.deactivation_warning",
        _("Varslet om deaktivering (ubrukt konto)"),
    )
    USER_DEACTIVATE_UNUSED = (
        "user.deactivate_unused",
        _("Bruker deaktivert (kontoen var ikke i bruk)"),
    )
    # Demo data
    DEMO_SEED = "demo.seed", _("Demodata laget")


def is_known(code: str) -> bool:
    return code in AuditAction.values


def label(code: str) -> str:
    """The Norwegian label of a stored code; an unknown code (never written today) as is."""
    return str(AuditAction(code).label) if is_known(code) else code

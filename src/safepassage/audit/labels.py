"""What each recorded action is called, in the reader's language.

Every action code passed to ``record()`` anywhere in the code base has an
entry here: a short label for the log's lines, a sentence saying what it
means, and for actions that come in runs (a pair shown for review after
another) the words for a group of them. A test finds every ``record(`` call
under src/ and checks its code is here, so a new action cannot reach the
auditor's page as a bare code.

The labels of every app live in this one module rather than in each app:
the audit app imports no feature app (DESIGN.md), translators find all the
actions in one place, and the log stays readable for actions of an app that
is no longer installed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    label: Promise
    description: Promise
    # "%(count)s ..." in singular and plural, for a run of these shown as one line.
    many: Promise | None = None


# Areas, for the filter: the part of an action code before the dot.
AREAS: dict[str, Promise] = {
    "auth": _("Logging in and out"),
    "access": _("Refused access"),
    "staff": _("Staff accounts"),
    "team": _("Teams"),
    "vault": _("Keys and compartments"),
    "audit": _("The audit log"),
    "demo": _("Demo"),
    "case": _("Cases"),
    "intake": _("Requests for help"),
    "analysis": _("Counting victims"),
    "documentation": _("Documentation"),
    "safehouse": _("Safe houses"),
    "host": _("Hosts and pathways"),
    "partner": _("Partner organisations"),
    "retention": _("Retention"),
}

ACTIONS: dict[str, Action] = {
    # Logging in and out (accounts).
    "auth.login": Action(_("Logged in"), _("Signed in with a password and a second factor.")),
    "auth.login_failed": Action(
        _("Failed login"), _("A wrong password or code was given for this account.")
    ),
    "auth.login_throttled": Action(
        _("Login refused: too many attempts"),
        _("A login was refused without checking it, because of earlier failures."),
    ),
    "auth.logout": Action(
        _("Logged out"), _("The session ended: logged out, timed out or ended by sealing.")
    ),
    "auth.second_factor_enrolled": Action(
        _("Enrolled an authenticator app"), _("An authenticator app was enrolled for this account.")
    ),
    "auth.enrolment_failed": Action(
        _("Failed two-factor set-up"),
        _("A wrong code was given while enrolling an authenticator app."),
    ),
    "auth.password_changed": Action(
        _("Changed own password"), _("The password was changed; other sessions ended.")
    ),
    "auth.recovery_codes_issued": Action(
        _("Made new recovery codes"),
        _("A new set of one-time recovery codes replaced the old one."),
    ),
    "auth.reauth_failed": Action(
        _("Failed confirmation"),
        _("A wrong password or code was given to confirm a sensitive step."),
    ),
    "auth.reauthenticated": Action(
        _("Confirmed identity"),
        _("The password and a code were given again before a sensitive step."),
    ),
    "auth.logged_out_everywhere": Action(
        _("Logged out everywhere"), _("Every session of the account was ended at once.")
    ),
    "access.denied": Action(
        _("Access refused"),
        _("A page or record was refused (the person was shown “not found”)."),
    ),
    # Staff accounts and teams (accounts).
    "staff.identities_read": Action(
        _("Read staff names"), _("The staff list was shown with real names.")
    ),
    "staff.identity_read": Action(
        _("Read a staff member's name"),
        _("A staff member's real name and e-mail address were shown."),
    ),
    "staff.created": Action(
        _("Added a staff member"), _("A staff account was created with its roles and teams.")
    ),
    "staff.access_changed": Action(
        _("Changed roles or teams"), _("A staff member's roles or teams were changed.")
    ),
    "staff.password_reset": Action(
        _("Reset a password"),
        _("A temporary password was issued; the person's compartments must be granted again."),
    ),
    "staff.second_factor_reset": Action(
        _("Reset a staff member's two-factor login"),
        _("The authenticator was removed; the person enrols again at the next login."),
    ),
    "staff.activated": Action(_("Activated an account"), _("The account may log in again.")),
    "staff.deactivated": Action(
        _("Deactivated an account"), _("The account can no longer log in; its sessions ended.")
    ),
    "staff.identity_changed": Action(
        _("Changed a staff member's name or e-mail"),
        _("The encrypted name or e-mail address of a staff member was changed."),
    ),
    "team.created": Action(_("Created a team"), _("A new team was created.")),
    "team.members_changed": Action(
        _("Changed a team's members"), _("People were added to or removed from a team.")
    ),
    # Keys and compartments (vault).
    "vault.ceremony_held": Action(
        _("Held the key ceremony"),
        _("The recovery key was made and split into custodians' shares."),
    ),
    "vault.granted": Action(
        _("Granted a compartment"), _("A person was given the keys of a compartment.")
    ),
    "vault.revoked": Action(
        _("Revoked a compartment"),
        _("A person's keys to a compartment were removed and their sessions ended."),
    ),
    "vault.user_key_replaced": Action(
        _("Replaced a personal key"),
        _("A new personal key after a password change or reset."),
    ),
    "vault.rotation_started": Action(
        _("Started replacing a compartment's keys"),
        _("Everything in a compartment began to be encrypted again under new keys."),
    ),
    "vault.rotation_finished": Action(
        _("Finished replacing a compartment's keys"),
        _("Everything in a compartment is now encrypted under its new keys."),
    ),
    "vault.sealed": Action(
        _("Sealed the vault"), _("Every session ended and every key left memory.")
    ),
    # The audit log itself.
    "audit.viewed": Action(
        _("Looked at the audit log"),
        _("The audit log was shown, with the state of its chain."),
        ngettext_lazy(
            "Looked at the audit log %(count)s time",
            "Looked at the audit log %(count)s times",
            "count",
        ),
    ),
    "audit.full_check_started": Action(
        _("Started a full check of the audit log"),
        _("Every entry of the audit log began to be checked again."),
    ),
    "audit.full_check_finished": Action(
        _("Finished a full check of the audit log"),
        _("Every entry of the audit log was checked again; the outcome says whether it held."),
    ),
    "audit.protection_installed": Action(
        _("Installed the audit log's protection again"),
        _("The triggers that keep the audit log append-only were installed again."),
    ),
    "vault.partner_key_made": Action(
        _("Made our partner key"),
        _("A new key pair for exchanging cases with partner organisations was made."),
    ),
    "vault.signing_key_made": Action(
        _("Made a signing key"),
        _("A new key pair with which the organisation signs custody logs was made."),
    ),
    "demo.loaded": Action(
        _("Loaded the demo"), _("Demo staff and data were created (development only).")
    ),
    # Cases.
    "case.viewed": Action(_("Opened a case"), _("A case's page was shown.")),
    "case.opened": Action(
        _("Started a case"),
        _("A case was opened: the person and each member of their household got a record."),
    ),
    "case.people_moved": Action(
        _("Gave a case's people their own records"),
        _("A case stored before each person had a record of their own was moved into records."),
    ),
    "case.person_described": Action(
        _("Recorded who someone of a case is"),
        _("What is recorded about a person of a case (their name, contacts, age...) was changed."),
    ),
    "case.person_added": Action(
        _("Added someone to a household"),
        _("Someone who travels with the principal of a case was added, not yet described."),
    ),
    "case.person_viewed": Action(
        _("Opened what is recorded about someone"),
        _("The page recording who a person of a case is was opened."),
    ),
    "case.people_indexed": Action(
        _("Made people findable by name"),
        _("Names of people recorded without the identity keys were added to the name search."),
    ),
    "case.people_searched": Action(
        _("Searched people by name"),
        _("The names of people in cases were searched (the words searched are not kept)."),
    ),
    "case.list_viewed": Action(
        _("Looked at the list of cases"),
        _("The list of cases was shown (codes, stages and flags; no names)."),
        ngettext_lazy(
            "Looked at the list of cases %(count)s time",
            "Looked at the list of cases %(count)s times",
            "count",
        ),
    ),
    "case.moved": Action(
        _("Moved a case to another stage"),
        _("A case moved to another stage; why is kept with the case, sealed."),
    ),
    "case.updated": Action(
        _("Changed a case"),
        _("A case's assignee, risk level, risk factors or flags were changed."),
    ),
    "case.team_changed": Action(
        _("Gave a case to a team"), _("A case was given to a team, whose members now see it.")
    ),
    "case.check_recorded": Action(
        _("Recorded a verification check"),
        _("An interview, a reference, a comparison of accounts or a document check was recorded."),
    ),
    "case.verification_finished": Action(
        _("Finished a verification"),
        _("A round of verification checks ended with an outcome; its reasons are sealed."),
    ),
    "case.locked": Action(
        _("Locked a case: suspected infiltration"),
        _(
            "A verification ended in a suspicion of infiltration: the case was locked and "
            "its contact handles flagged wherever they appear."
        ),
    ),
    "case.unlocked": Action(
        _("Unlocked a case"),
        _("A coordinator lifted the lock of a case suspected of infiltration, saying why."),
    ),
    # A case's stays in safe houses (cases.stays).
    "case.stay_placed": Action(
        _("Placed a case in a safe house"),
        _("Some or all of a case's household were placed in a safe house from a planned day."),
    ),
    "case.stay_arrived": Action(
        _("Recorded an arrival in a safe house"),
        _("A household's arrival in a house was recorded."),
    ),
    "case.stay_left": Action(
        _("Recorded a departure from a safe house"),
        _("A household's departure from a house was recorded."),
    ),
    "case.stay_cancelled": Action(
        _("Cancelled a placement"), _("A placement whose arrival never happened was cancelled.")
    ),
    "case.stay_moved": Action(
        _("Moved a case to another safe house"),
        _("A stay ended on the day of a move and a new one began in another house."),
    ),
    "case.stay_changed": Action(
        _("Corrected a stay"), _("The dates or notes of a stay in a safe house were corrected.")
    ),
    "case.stays_purged": Action(
        _("Forgot where a case stayed"),
        _(
            "The houses, people and notes of a case's past stays were removed; "
            "their dates remain for statistics."
        ),
    ),
    "case.stays_viewed": Action(
        _("Looked at a case's stays"),
        _("The stays of a case in safe houses were shown."),
        ngettext_lazy(
            "Looked at a case's stays %(count)s time",
            "Looked at a case's stays %(count)s times",
            "count",
        ),
    ),
    # Safe houses (cases.safehouses).
    "safehouse.created": Action(_("Added a safe house"), _("A new safe house was added.")),
    "safehouse.changed": Action(
        _("Changed a safe house"),
        _("A house's label, beds, notes, whether it is open, or its address was changed."),
    ),
    "safehouse.clearance_changed": Action(
        _("Changed who may know where a house is"),
        _("Staff or teams were cleared for a safe house's address, or no longer are."),
    ),
    "safehouse.viewed": Action(
        _("Looked at a safe house"),
        _("A safe house's page was shown; the details say whether its address was shown."),
        ngettext_lazy(
            "Looked at a safe house %(count)s time",
            "Looked at a safe house %(count)s times",
            "count",
        ),
    ),
    "safehouse.list_viewed": Action(
        _("Looked at the safe houses"),
        _("The list of safe houses and their beds was shown."),
        ngettext_lazy(
            "Looked at the safe houses %(count)s time",
            "Looked at the safe houses %(count)s times",
            "count",
        ),
    ),
    "safehouse.capacity_overridden": Action(
        _("Placed people beyond a house's beds"),
        _(
            "Someone allowed to override capacity placed people in a house that is full, "
            "giving a reason (kept sealed with the stay)."
        ),
    ),
    # Travel: documents, applications, journeys, asylum (cases/travel_actions.py).
    "case.travel_viewed": Action(
        _("Looked at a case's travel"),
        _("A case's travel documents, applications, journeys and asylum claims were shown."),
    ),
    "case.travel_read": Action(
        _("Opened a travel record"),
        _("A travel document, application, journey or asylum claim was shown to be changed."),
        ngettext_lazy(
            "Opened a travel record %(count)s time",
            "Opened travel records %(count)s times",
            "count",
        ),
    ),
    "case.travel_document_added": Action(
        _("Recorded a travel document"),
        _("A passport, birth certificate or other document of a person was recorded."),
    ),
    "case.travel_document_changed": Action(
        _("Changed a travel document"), _("What was recorded about a travel document changed.")
    ),
    "case.application_added": Action(
        _("Recorded an application"),
        _("An application to a host's visa or programme was recorded."),
    ),
    "case.application_changed": Action(
        _("Changed an application"),
        _("An application's dates, decision, people or notes changed."),
    ),
    "case.journey_added": Action(_("Planned a journey"), _("A journey out was recorded.")),
    "case.journey_changed": Action(
        _("Changed a journey"), _("A journey's status, application or notes changed.")
    ),
    "case.journey_leg_added": Action(
        _("Added a leg to a journey"), _("A leg of a journey (dates, where, how) was recorded.")
    ),
    "case.journey_leg_changed": Action(
        _("Changed a leg of a journey"), _("A leg's dates or details changed.")
    ),
    "case.arrival_recorded": Action(
        _("Recorded an arrival"), _("The date and place a journey arrived were recorded.")
    ),
    "case.asylum_claim_added": Action(
        _("Recorded an asylum claim"), _("An asylum claim in a host country was recorded.")
    ),
    "case.asylum_claim_changed": Action(
        _("Changed an asylum claim"),
        _("An asylum claim's status, dates, outcome or notes changed."),
    ),
    # Retention and who viewed a case (cases/retention.py, forgetting.py, viewers.py).
    "case.identity_purged": Action(
        _("Removed who a case's people are"),
        _(
            "Under the retention rules, the identity of a case's people and everything "
            "written about them were removed; its stages, dates and counts remain."
        ),
    ),
    "case.identity_shown": Action(
        _("Was shown who the people of cases are"),
        _(
            "A page about several cases (a safe house's, a search by name) showed who "
            "the people of the cases in the details are."
        ),
        ngettext_lazy(
            "Was shown who the people of cases are %(count)s time",
            "Was shown who the people of cases are %(count)s times",
            "count",
        ),
    ),
    "case.viewers_viewed": Action(
        _("Looked at who viewed a case"),
        _("The list of who was shown a case's identity, and of refused attempts, was shown."),
    ),
    "retention.run": Action(
        _("Applied the retention rules"),
        _(
            "What the retention rules no longer keep was removed; the details count the "
            "cases and what went."
        ),
    ),
    "retention.previewed": Action(
        _("Previewed the retention rules"),
        _("A dry run said what the retention rules would remove; nothing was changed."),
    ),
    "case.journey_details_purged": Action(
        _("Removed journey details"),
        _(
            "Where, how and with whom a case's journeys went, and who met them, were removed "
            "after arrival; dates and statuses stay."
        ),
    ),
    # Hosts and pathways (cases/hosts.py).
    "host.added": Action(
        _("Added a host"), _("A country or partner organisation that takes people in was added.")
    ),
    "host.changed": Action(_("Changed a host"), _("A host's names, code or kind changed.")),
    "host.retired": Action(
        _("Retired a host"),
        _("A host and its pathways are no longer offered for new applications."),
    ),
    "host.pathway_added": Action(
        _("Added a pathway"), _("A visa or programme of a host was added.")
    ),
    "host.pathway_changed": Action(
        _("Changed a pathway"), _("A pathway's names, kind or rules changed.")
    ),
    "host.pathway_retired": Action(
        _("Retired a pathway"), _("A pathway is no longer offered for new applications.")
    ),
    # Consent, referrals and transfers (cases).
    # Notes and tasks (cases.notes, cases.tasks).
    "case.note_added": Action(
        _("Wrote a note"), _("A note was written on a case (its text sealed to casework).")
    ),
    "case.note_changed": Action(
        _("Changed a note"), _("The author of a note on a case changed its text.")
    ),
    "case.notes_purged": Action(
        _("Removed a case's notes"),
        _("Every note of a case was removed by a retention rule."),
    ),
    "case.notes_viewed": Action(
        _("Read a case's notes"), _("A case's notes were shown (read if casework was held).")
    ),
    "case.task_added": Action(
        _("Gave a task"), _("A task with a due date was given to someone on a case.")
    ),
    "case.task_changed": Action(
        _("Changed a task"), _("What a task says, who does it or when it is due was changed.")
    ),
    "case.task_done": Action(_("Marked a task done"), _("A task of a case was marked done.")),
    "case.task_reopened": Action(
        _("Opened a task again"), _("A task marked done was opened again: it was not done.")
    ),
    "case.reminder_done": Action(
        _("Marked a reminder done"),
        _("A reminder computed from a case's dates was marked done and is no longer shown."),
    ),
    "case.reminder_reopened": Action(
        _("Opened a reminder again"),
        _("A reminder marked done was opened again: it shows while its date calls for it."),
    ),
    "case.tasks_viewed": Action(
        _("Read tasks"),
        _("A list of tasks was shown: a case's, one's own, one's teams' or the dashboard's."),
    ),
    "case.consent_viewed": Action(
        _("Looked at a case's consents"),
        _("The consents of a case's people, and its referrals and transfers, were shown."),
    ),
    "case.consent_recorded": Action(
        _("Recorded a consent"),
        _(
            "What a person of a case agreed to was recorded; a record it replaces stays "
            "in the history."
        ),
    ),
    "case.consent_withdrawn": Action(
        _("Recorded a consent withdrawn"),
        _("A person withdrew a consent they had given; the record stays in the history."),
    ),
    "case.consent_refused": Action(
        _("Share refused: consent missing"),
        _("A referral or transfer was refused because someone's consent was missing."),
    ),
    "case.testimony_handed_over": Action(
        _("Handed testimony over to documentation"),
        _(
            "A person of a case became a pseudonymous victim in the documentation, with the "
            "consent recorded for it; documentation was not told the case."
        ),
    ),
    "case.testimony_withdrawal_told": Action(
        _("Told documentation of a withdrawn consent"),
        _(
            "A person whose testimony was handed over withdrew their consent to it; their "
            "pseudonymous victim in the documentation now has no consent to testimony or "
            "originals."
        ),
    ),
    "case.testimony_consent_given_again_told": Action(
        _("Told documentation of a consent given again"),
        _(
            "A person whose testimony was handed over gave their consent to it again (after "
            "withdrawing it, or after a hand-over without it); their pseudonymous victim in "
            "the documentation may be documented from their testimony again, with working "
            "copies of evidence only."
        ),
    ),
    "case.consent_overridden": Action(
        _("Shared without consent (override)"),
        _(
            "Someone allowed to override consent shared a case although a person's consent "
            "was missing, and wrote why (the reason is sealed)."
        ),
    ),
    "case.referred": Action(
        _("Referred a case to a partner"),
        _(
            "A bundle of the case, sealed to a partner organisation's key, was made: they "
            "get a copy."
        ),
    ),
    "case.transfer_sent": Action(
        _("Transferred a case to a partner"),
        _(
            "A bundle of the case, sealed to a partner organisation's key, was made: the case "
            "becomes theirs once they accept."
        ),
    ),
    "case.transfer_accepted": Action(
        _("Recorded a transfer accepted"),
        _("The partner organisation accepted a case transferred to them: it is theirs now."),
    ),
    "case.transfer_declined": Action(
        _("Recorded a transfer declined"),
        _("The partner organisation declined a case transferred to them: it stays ours."),
    ),
    "case.bundle_downloaded": Action(
        _("Downloaded a bundle"),
        _("A referral's or transfer's bundle (sealed to the partner) was downloaded."),
    ),
    "case.bundle_imported": Action(
        _("Opened a bundle from a partner"),
        _("A bundle a partner organisation sent was opened as a new case."),
    ),
    "case.bundle_refused": Action(
        _("Bundle from a partner refused"),
        _(
            "A bundle was not opened (altered, for another organisation, or from an "
            "unknown sender)."
        ),
    ),
    # Partner organisations.
    "partner.added": Action(
        _("Added a partner organisation"), _("A partner organisation and its key were added.")
    ),
    "partner.changed": Action(
        _("Changed a partner organisation"),
        _("A partner organisation's name, contact, key or activity was changed."),
    ),
    "partner.verified": Action(
        _("Checked a partner's key"),
        _("Someone compared a partner organisation's key fingerprint with them, out of band."),
    ),
    # Requests for help (intake).
    "intake.inbox_viewed": Action(
        _("Looked at the requests inbox"),
        _("The list of requests for help was shown."),
        ngettext_lazy(
            "Looked at the requests inbox %(count)s time",
            "Looked at the requests inbox %(count)s times",
            "count",
        ),
    ),
    "intake.viewed": Action(_("Opened a request"), _("A request for help was opened and read.")),
    "intake.file_downloaded": Action(
        _("Downloaded a file"),
        _("A file sent with a request was decrypted and downloaded."),
        ngettext_lazy("Downloaded %(count)s file", "Downloaded %(count)s files", "count"),
    ),
    "intake.original_opened": Action(
        _("Opened an original file"),
        _(
            "The original of a file, as the person sent it with its hidden details "
            "(kept with their consent), was decrypted and downloaded."
        ),
        ngettext_lazy("Opened %(count)s original file", "Opened %(count)s original files", "count"),
    ),
    "intake.question_saved": Action(
        _("Changed the request form"), _("A question of the public request form was saved.")
    ),
    "intake.region_added": Action(
        _("Added a region to the request form"),
        _("A place people can choose under “Where are you now?” was added."),
    ),
    "intake.region_changed": Action(
        _("Changed a region of the request form"),
        _("A place people can choose under “Where are you now?” was renamed, moved or hidden."),
    ),
    "intake.tag_created": Action(
        _("Created a tag"), _("A new tag for requests was created (its name is sealed).")
    ),
    "intake.replied": Action(
        _("Replied to a request"), _("A message was sent to the person who asked for help.")
    ),
    "intake.status_changed": Action(
        _("Changed a request's status"), _("A request was moved to another status.")
    ),
    "intake.tagged": Action(_("Tagged a request"), _("A request's tags were changed.")),
    "intake.assigned": Action(
        _("Assigned a request"), _("A request was given to a staff member, or unassigned.")
    ),
    "intake.case_opened": Action(
        _("Opened a case from a request"), _("A case was opened for the person who asked.")
    ),
    # Counting victims (analysis).
    "analysis.list_imported": Action(
        _("Imported a victim list"), _("A source's list was imported, each row encrypted.")
    ),
    "analysis.linkage_started": Action(
        _("Started linking lists"),
        _("Records of several lists began to be matched into people."),
    ),
    "analysis.linkage_cancelled": Action(
        _("Cancelled a linkage run"),
        _("A linkage run was stopped before it ended; nothing was kept."),
    ),
    "analysis.linkage_restarted": Action(
        _("Restarted a linkage run"),
        _("A linkage run that was stopped was started again with the same inputs."),
    ),
    "analysis.estimate_cancelled": Action(
        _("Cancelled an estimate"), _("An estimate was stopped before it ended; nothing was kept.")
    ),
    "analysis.estimate_restarted": Action(
        _("Restarted an estimate"),
        _("An estimate that was stopped was started again with the same inputs."),
    ),
    "analysis.pair_shown": Action(
        _("Showed a pair for review"),
        _("Two victims' records were decrypted and shown side by side for review."),
        ngettext_lazy(
            "Showed %(count)s pair for review", "Showed %(count)s pairs for review", "count"
        ),
    ),
    "analysis.link_decided": Action(
        _("Decided on a pair"),
        _("A reviewer said whether two records are the same person."),
    ),
    "analysis.estimate_started": Action(
        _("Started an estimate"), _("An estimate of how many victims no list recorded began.")
    ),
    "analysis.run_exported": Action(
        _("Exported a linkage run's people"),
        _(
            "Which records of the lists are one person was written out as CSV, with the lists' "
            "own record ids."
        ),
    ),
    "analysis.counted_from_documentation": Action(
        _("Counted from the documentation"),
        _(
            "The documented victims were read and made into victim lists, one per source, "
            "with the documentation's own word on which records are one victim or act."
        ),
    ),
    "analysis.keys_refused": Action(
        _("Analysis refused: no keys"),
        _("A command that needs the documentation keys was run without them."),
    ),
    # Documentation: events, acts, people, sources, statements, vocabularies.
    "documentation.events_listed": Action(
        _("Listed events"), _("The list of documented events was shown, with their titles.")
    ),
    "documentation.event_viewed": Action(
        _("Opened an event"),
        _("An event's page was shown: its acts, victims, perpetrators and sources."),
    ),
    "documentation.timeline_shown": Action(
        _("Showed the timeline"),
        _("The timeline of documented acts was shown, with their victims and events."),
    ),
    "documentation.restricted_event_read": Action(
        _("Read a restricted event"),
        _("A page showed something sealed of an event shared only with some teams and people."),
    ),
    "documentation.sources_listed": Action(
        _("Listed sources' accounts"),
        _("The list of what sources reported was shown, with their names and accounts."),
    ),
    "documentation.information_viewed": Action(
        _("Opened a source's account"), _("A source's account was opened for editing.")
    ),
    "documentation.interventions_listed": Action(
        _("Listed interventions"), _("The list of interventions was shown.")
    ),
    "documentation.intervention_viewed": Action(
        _("Opened an intervention"), _("An intervention was opened for editing.")
    ),
    "documentation.involvement_viewed": Action(
        _("Opened a perpetrator's part"),
        _("A perpetrator's part in an act was opened for editing."),
    ),
    "documentation.event_recorded": Action(
        _("Recorded an event"), _("A new event was documented.")
    ),
    "documentation.event_changed": Action(
        _("Changed an event"), _("An event's details, or whom it is shared with, were changed.")
    ),
    "documentation.events_linked": Action(
        _("Linked two events"), _("Two events were linked in a chain of events.")
    ),
    "documentation.events_unlinked": Action(
        _("Unlinked two events"), _("A link in a chain of events was removed.")
    ),
    "documentation.act_viewed": Action(_("Opened an act"), _("An act was opened for editing.")),
    "documentation.act_recorded": Action(
        _("Recorded an act"), _("An act against a victim was documented in an event.")
    ),
    "documentation.act_changed": Action(
        _("Changed an act"), _("An act's details or how far it is established were changed.")
    ),
    "documentation.involvement_recorded": Action(
        _("Recorded a perpetrator's part"), _("A perpetrator's part in an act was documented.")
    ),
    "documentation.involvement_changed": Action(
        _("Changed a perpetrator's part"), _("A perpetrator's part in an act was changed.")
    ),
    "documentation.information_recorded": Action(
        _("Recorded a source's account"), _("What a source reported was documented.")
    ),
    "documentation.information_changed": Action(
        _("Changed a source's account"), _("What a source reported was changed.")
    ),
    "documentation.intervention_recorded": Action(
        _("Recorded an intervention"),
        _("An intervention (a complaint, a letter, an appeal) was documented."),
    ),
    "documentation.intervention_changed": Action(
        _("Changed an intervention"), _("An intervention or where it stands was changed.")
    ),
    "documentation.person_recorded": Action(
        _("Recorded a person"), _("A victim, perpetrator, witness or source was recorded.")
    ),
    "documentation.person_changed": Action(
        _("Changed a person"), _("What is documented about a person was changed.")
    ),
    "documentation.consent_recorded": Action(
        _("Recorded a documented person's consent"),
        _(
            "What a documented person agreed to (their testimony, the originals of evidence "
            "about them in a dossier) was recorded by a documenter or handed over from "
            "casework; a record it replaces stays in the history."
        ),
    ),
    "documentation.person_viewed": Action(
        _("Opened a person"), _("A person's page was shown, with where they appear.")
    ),
    "documentation.people_searched": Action(
        _("Searched people by name"), _("People were searched for by name.")
    ),
    "documentation.people_listed": Action(
        _("Listed people"),
        _("The people recorded most recently were listed, with their names opened."),
    ),
    "documentation.people_linked": Action(
        _("Linked two people"), _("A biographic link (family, unit, command) was recorded.")
    ),
    "documentation.people_unlinked": Action(
        _("Unlinked two people"), _("A biographic link (family, unit, command) was removed.")
    ),
    "documentation.statements_listed": Action(
        _("Listed statements"), _("The list of officials' statements was shown.")
    ),
    "documentation.statement_viewed": Action(
        _("Opened a statement"),
        _("An official's statement was shown beside the facts it concerns."),
    ),
    "documentation.statement_recorded": Action(
        _("Recorded a statement"), _("An official's public statement was documented.")
    ),
    "documentation.statement_changed": Action(
        _("Changed a statement"), _("An official's statement was changed.")
    ),
    "documentation.statement_linked": Action(
        _("Set a statement beside the facts"),
        _("An official's statement was set beside an event or an act."),
    ),
    "documentation.commitments_listed": Action(
        _("Listed promises"), _("The list of officials' promises and where each stands was shown.")
    ),
    "documentation.commitment_viewed": Action(
        _("Opened a promise"), _("A promise's page was shown, with its follow-up.")
    ),
    "documentation.commitment_recorded": Action(
        _("Recorded a promise"), _("An official's promise was documented.")
    ),
    "documentation.commitment_changed": Action(
        _("Changed a promise"), _("What a promise says, who made it or to whom, was changed.")
    ),
    "documentation.commitment_status_changed": Action(
        _("Followed up a promise"), _("A dated, sourced change of a promise's status was added.")
    ),
    "documentation.term_added": Action(
        _("Added a term"), _("A term was added to a vocabulary (a new version of it).")
    ),
    "documentation.term_renamed": Action(
        _("Renamed a term"), _("A term's labels were changed (a new version; its code stays).")
    ),
    "documentation.term_retired": Action(
        _("Retired a term"),
        _("A term (and those below it) can no longer be chosen; records keep it."),
    ),
    "documentation.records_imported": Action(
        _("Imported records"),
        _(
            "Events, acts, people, perpetrators' parts and sources' accounts were imported "
            "from a file (the counts; never what the file said)."
        ),
    ),
    "documentation.import_refused": Action(
        _("Import refused"),
        _("A file was read for import and had problems: nothing was stored."),
    ),
    "documentation.exported": Action(
        _("Exported the documentation"),
        _("What the person may see was downloaded as a file (the counts of each record)."),
    ),
    "documentation.evidence_listed": Action(
        _("Listed evidence"), _("The list of evidence items was shown (how many).")
    ),
    "documentation.evidence_opened": Action(
        _("Opened an evidence item's page"),
        _("An item's page was shown: its metadata, links and custody log, not its content."),
    ),
    "documentation.evidence_uploaded": Action(
        _("Received evidence"),
        _("An original file was received, hashed and stored encrypted: its custody log begins."),
    ),
    "documentation.evidence_viewed": Action(
        _("Viewed evidence"), _("An evidence item was shown; its custody log says which and why.")
    ),
    "documentation.evidence_downloaded": Action(
        _("Downloaded evidence"),
        _("An evidence item was downloaded; its custody log says which and why."),
    ),
    "documentation.evidence_derived": Action(
        _("Made a working copy"),
        _("A working copy (hidden details removed, blurred) was made of an evidence item."),
    ),
    "documentation.evidence_made_from": Action(
        _("Working copy made"),
        _("The custody log of a new working copy begins with the item it was made from."),
    ),
    "documentation.evidence_linked": Action(
        _("Linked evidence"),
        _("An evidence item was set beside an event, an act, a statement or a source's account."),
    ),
    "documentation.evidence_exported": Action(
        _("Exported evidence"), _("An evidence item left the system in an export (a dossier).")
    ),
    "documentation.evidence_transferred": Action(
        _("Handed over evidence"),
        _("An evidence item was handed over to someone outside the organisation."),
    ),
    "documentation.custody_verified": Action(
        _("Checked the custody logs"),
        _("Every evidence item's custody chain, signature and stored file were checked."),
    ),
    "documentation.custody_timestamped": Action(
        _("Timestamped the custody logs"),
        _("Timestamp authorities were asked for tokens over the signed heads (how many kept)."),
    ),
    "documentation.dossier_exported": Action(
        _("Exported a dossier"),
        _(
            "A dossier of evidence was made: its items, their custody logs, signatures and "
            "timestamps, to be checked by others."
        ),
    ),
    "documentation.terms_imported": Action(
        _("Added terms from an import"),
        _("An import was allowed to add terms that were not in the vocabulary."),
    ),
}


def label(code: str) -> str:
    """The action's label, or its code for an action not (or no longer) known."""
    action = ACTIONS.get(code)
    return str(action.label) if action else code


def description(code: str) -> str:
    action = ACTIONS.get(code)
    return str(action.description) if action else ""


def many(code: str, count: int) -> str | None:
    """A run of ``count`` entries of this action as one line, if it groups."""
    action = ACTIONS.get(code)
    if action is None or action.many is None:
        return None
    return str(action.many % {"count": count})


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Actions by area, for a filter: each area first (all of it), then its actions."""
    grouped: list[tuple[str, list[tuple[str, str]]]] = []
    for area, name in AREAS.items():
        options = [(f"{area}.", gettext("All of “%(area)s”") % {"area": name})]
        options += sorted(
            (
                (code, str(action.label))
                for code, action in ACTIONS.items()
                if code.startswith(f"{area}.")
            ),
            key=lambda option: option[1],
        )
        grouped.append((str(name), options))
    return grouped


# The details recorded with actions, by their key, and the values that are
# codes of ours (a factor, a reason), in the reader's words. Other values
# (numbers, request codes, ids) are shown as they are. A test finds every
# keyword passed to ``record(`` under src/ and checks it is here.
DETAILS: dict[str, Promise] = {
    "active": pgettext_lazy("audit detail", "shown on the form"),
    "acts": pgettext_lazy("audit detail", "acts"),
    "added": pgettext_lazy("audit detail", "added"),
    "added_roles": pgettext_lazy("audit detail", "roles added"),
    "added_teams": pgettext_lazy("audit detail", "teams added"),
    "act": pgettext_lazy("audit detail", "act"),
    "already": pgettext_lazy("audit detail", "rows already in the list"),
    "arrivals": pgettext_lazy("audit detail", "arrivals"),
    "attachment": pgettext_lazy("audit detail", "file"),
    "attempt": pgettext_lazy("audit detail", "attempt"),
    "backend": pgettext_lazy("audit detail", "engine"),
    "beds": pgettext_lazy("audit detail", "beds"),
    "capacity": pgettext_lazy("audit detail", "beds in the house"),
    "bundle": pgettext_lazy("audit detail", "bundle"),
    "case": pgettext_lazy("audit detail", "case"),
    "cases": pgettext_lazy("audit detail", "cases"),
    "chain_ok": pgettext_lazy("audit detail", "chain intact"),
    "changed": pgettext_lazy("audit detail", "changed"),
    "check": pgettext_lazy("audit detail", "check"),
    "checked": pgettext_lazy("audit detail", "entries checked"),
    "commitment_status": pgettext_lazy("audit detail", "promise"),
    "commitments": pgettext_lazy("audit detail", "promises"),
    "compartment": pgettext_lazy("audit detail", "compartment"),
    "confidentiality": pgettext_lazy("audit detail", "who may see it"),
    "contacts_removed": pgettext_lazy("audit detail", "contact index entries removed"),
    "cleared": pgettext_lazy("audit detail", "suspicion cleared"),
    "contacts": pgettext_lazy("audit detail", "contact handles flagged"),
    "country": pgettext_lazy("audit detail", "country"),
    "consent": pgettext_lazy("audit detail", "consent to"),
    "custodians": pgettext_lazy("audit detail", "custodians"),
    "days": pgettext_lazy("audit detail", "days over capacity"),
    "decision": pgettext_lazy("audit detail", "decision"),
    "decisions": pgettext_lazy("audit detail", "decisions"),
    "duplicate_of": pgettext_lazy("audit detail", "duplicate of"),
    "email": pgettext_lazy("audit detail", "e-mail address"),
    "entry": pgettext_lazy("audit detail", "entry"),
    "event": pgettext_lazy("audit detail", "event"),
    "explanations": pgettext_lazy("audit detail", "explanations read"),
    "events": pgettext_lazy("audit detail", "events"),
    "factor": pgettext_lazy("audit detail", "with"),
    "dossier": pgettext_lazy("audit detail", "dossier"),
    "files": pgettext_lazy("audit detail", "files"),
    "filtered": pgettext_lazy("audit detail", "filtered"),
    "fields": pgettext_lazy("audit detail", "what changed"),
    "finding": pgettext_lazy("audit detail", "finding"),
    "findings": pgettext_lazy("audit detail", "found"),
    "first": pgettext_lazy("audit detail", "first record"),
    "format": pgettext_lazy("audit detail", "format"),
    "from_stage": pgettext_lazy("audit detail", "from stage"),
    "granted": pgettext_lazy("audit detail", "granted to"),
    "grants_lost": pgettext_lazy("audit detail", "access lost"),
    "head": pgettext_lazy("audit detail", "up to entry"),
    "house": pgettext_lazy("audit detail", "safe house"),
    "host": pgettext_lazy("audit detail", "host"),
    "identity": pgettext_lazy("audit detail", "identity read"),
    "information": pgettext_lazy("audit detail", "sources' accounts"),
    "interventions": pgettext_lazy("audit detail", "interventions"),
    "involvements": pgettext_lazy("audit detail", "perpetrators' parts"),
    "journey_details": pgettext_lazy("audit detail", "journey legs and arrivals emptied"),
    "kept": pgettext_lazy("audit detail", "stays not over, kept"),
    "key": pgettext_lazy("audit detail", "key"),
    "items": pgettext_lazy("audit detail", "items"),
    "kind": pgettext_lazy("audit detail", "kind"),
    "legs": pgettext_lazy("audit detail", "legs"),
    "lists": pgettext_lazy("audit detail", "lists"),
    "location": pgettext_lazy("audit detail", "address shown or changed"),
    "method": pgettext_lazy("audit detail", "method"),
    "mode": pgettext_lazy("audit detail", "what goes"),
    "more": pgettext_lazy("audit detail", "more problems"),
    "moved_from": pgettext_lazy("audit detail", "moved from"),
    "names": pgettext_lazy("audit detail", "names shown"),
    "note": pgettext_lazy("audit detail", "note"),
    "narrative": pgettext_lazy("audit detail", "story read"),
    "need": pgettext_lazy("audit detail", "needed"),
    "notes": pgettext_lazy("audit detail", "notes changed"),
    "open": pgettext_lazy("audit detail", "open"),
    "outcome": pgettext_lazy("audit detail", "result"),
    "page": pgettext_lazy("audit detail", "page"),
    "over_capacity": pgettext_lazy("audit detail", "beyond the beds"),
    "peak": pgettext_lazy("audit detail", "most people on one day"),
    "pathways": pgettext_lazy("audit detail", "pathways"),
    "origin": pgettext_lazy("audit detail", "where it came from"),
    "originals": pgettext_lazy("audit detail", "originals may be handed over"),
    "override": pgettext_lazy("audit detail", "override"),
    "partner": pgettext_lazy("audit detail", "partner organisation"),
    "parts": pgettext_lazy("audit detail", "parts shared"),
    "people": pgettext_lazy("audit detail", "people"),
    "person": pgettext_lazy("audit detail", "person"),
    "problem": pgettext_lazy("audit detail", "problem"),
    "problems": pgettext_lazy("audit detail", "problems"),
    "progress": pgettext_lazy("audit detail", "progress"),
    "protected": pgettext_lazy("audit detail", "protection granted"),
    "reason": pgettext_lazy("audit detail", "reason"),
    "revision": pgettext_lazy("audit detail", "revision"),
    "records": pgettext_lazy("audit detail", "records"),
    "recovery_codes_left": pgettext_lazy("audit detail", "recovery codes left"),
    "region_shown": pgettext_lazy("audit detail", "region shown to all"),
    "regions": pgettext_lazy("audit detail", "regions read"),
    "refusal": pgettext_lazy("audit detail", "why refused"),
    "reminder": pgettext_lazy("audit detail", "reminder"),
    "removed": pgettext_lazy("audit detail", "removed"),
    "removed_roles": pgettext_lazy("audit detail", "roles removed"),
    "removed_teams": pgettext_lazy("audit detail", "teams removed"),
    "removed_versions": pgettext_lazy("audit detail", "key versions removed"),
    "renamed": pgettext_lazy("audit detail", "label changed"),
    "replaces": pgettext_lazy("audit detail", "replaces"),
    "rewritten": pgettext_lazy("audit detail", "values re-encrypted"),
    "risk": pgettext_lazy("audit detail", "risk level"),
    "roles": pgettext_lazy("audit detail", "roles"),
    "rule": pgettext_lazy("audit detail", "retention rule"),
    "rows": pgettext_lazy("audit detail", "rows"),
    "scope": pgettext_lazy("audit detail", "acts counted"),
    "seq": pgettext_lazy("audit detail", "entry number"),
    "searched": pgettext_lazy("audit detail", "searched"),
    "second": pgettext_lazy("audit detail", "second record"),
    "sessions": pgettext_lazy("audit detail", "sessions ended"),
    "sharing": pgettext_lazy("audit detail", "sharing"),
    "testimony": pgettext_lazy("audit detail", "testimony may be used"),
    "shown": pgettext_lazy("audit detail", "shown"),
    "skipped": pgettext_lazy("audit detail", "rows skipped"),
    "stage": pgettext_lazy("audit detail", "stage"),
    "staff": pgettext_lazy("audit detail", "staff"),
    "statements": pgettext_lazy("audit detail", "statements"),
    "status": pgettext_lazy("audit detail", "status"),
    "stay": pgettext_lazy("audit detail", "stay"),
    "stays": pgettext_lazy("audit detail", "stays"),
    "tags": pgettext_lazy("audit detail", "tags"),
    "task": pgettext_lazy("audit detail", "task"),
    "team": pgettext_lazy("audit detail", "team"),
    "teams": pgettext_lazy("audit detail", "teams"),
    "term": pgettext_lazy("audit detail", "term"),
    "terms": pgettext_lazy("audit detail", "terms"),
    "threshold": pgettext_lazy("audit detail", "shares needed"),
    "to": pgettext_lazy("audit detail", "to"),
    "users": pgettext_lazy("audit detail", "users"),
    "verification": pgettext_lazy("audit detail", "established"),
    "verdict": pgettext_lazy("audit detail", "outcome"),
    "version": pgettext_lazy("audit detail", "key version"),
    "versions": pgettext_lazy("audit detail", "key versions"),
    "view": pgettext_lazy("audit detail", "list"),
    "vocabulary": pgettext_lazy("audit detail", "vocabulary"),
    "wait": pgettext_lazy("audit detail", "seconds to wait"),
    "where": pgettext_lazy("audit detail", "shown on"),
}

_STATUSES: dict[str, Promise] = {
    "new": pgettext_lazy("audit value", "new"),
    "triaged": pgettext_lazy("audit value", "in triage"),
    "spam": pgettext_lazy("audit value", "spam"),
    "duplicate": pgettext_lazy("audit value", "duplicate"),
    "case": pgettext_lazy("audit value", "case opened"),
    "closed": pgettext_lazy("audit value", "closed"),
}

# The stages of a case (cases.models.Stage), in the log's words.
_STAGES: dict[str, Promise] = {
    "received": pgettext_lazy("audit value", "received"),
    "screening": pgettext_lazy("audit value", "screening"),
    "verified": pgettext_lazy("audit value", "verified"),
    "accepted": pgettext_lazy("audit value", "accepted"),
    "in_safe_house": pgettext_lazy("audit value", "in a safe house"),
    "documents": pgettext_lazy("audit value", "documents"),
    "applied": pgettext_lazy("audit value", "applied"),
    "approved": pgettext_lazy("audit value", "approved"),
    "travelling": pgettext_lazy("audit value", "travelling"),
    "arrived": pgettext_lazy("audit value", "arrived"),
    "asylum_claimed": pgettext_lazy("audit value", "asylum claimed"),
    "protected": pgettext_lazy("audit value", "protected"),
    "closed": pgettext_lazy("audit value", "closed"),
    "declined": pgettext_lazy("audit value", "declined"),
    "withdrawn": pgettext_lazy("audit value", "withdrawn"),
    "lost_contact": pgettext_lazy("audit value", "lost contact"),
    "detained": pgettext_lazy("audit value", "detained"),
    "deceased": pgettext_lazy("audit value", "deceased"),
}

VALUES: dict[str, dict[str, Promise]] = {
    "factor": {
        "password": pgettext_lazy("audit value", "password"),
        "code": pgettext_lazy("audit value", "a code"),
        "totp": pgettext_lazy("audit value", "authenticator app"),
        "recovery": pgettext_lazy("audit value", "recovery code"),
    },
    "reason": {
        "user": pgettext_lazy("audit value", "logged out"),
        "idle": pgettext_lazy("audit value", "idle too long"),
        "lifetime": pgettext_lazy("audit value", "session too old"),
        "invalid": pgettext_lazy("audit value", "session no longer valid"),
        "button": pgettext_lazy("audit value", "the “Seal now” button"),
        "command": pgettext_lazy("audit value", "the command line"),
        "signal": pgettext_lazy("audit value", "a signal to the server"),
    },
    "decision": {
        "same": pgettext_lazy("audit value", "Same person"),
        "different": pgettext_lazy("audit value", "Different people"),
    },
    "method": {
        "in_person": pgettext_lazy("audit value", "in person"),
        "message": pgettext_lazy("audit value", "by message"),
        "phone": pgettext_lazy("audit value", "by phone"),
        "loglinear": pgettext_lazy("audit value", "log-linear models"),
        "bma": pgettext_lazy("audit value", "model averaging"),
        "latent": pgettext_lazy("audit value", "latent classes"),
    },
    "outcome": {
        "ok": pgettext_lazy("audit value", "done"),
        "failed": pgettext_lazy("audit value", "failed"),
        "denied": pgettext_lazy("audit value", "refused"),
    },
    "view": {
        "open": pgettext_lazy("audit value", "open"),
        "mine": pgettext_lazy("audit value", "assigned to me"),
        # Lists of tasks (cases.tasks).
        "team": pgettext_lazy("audit value", "my teams'"),
        "dashboard": pgettext_lazy("audit value", "the dashboard"),
        "task": pgettext_lazy("audit value", "one task"),
        "one_case": pgettext_lazy("audit value", "one case's"),
        **_STATUSES,
    },
    "status": _STATUSES,
    "scope": {
        "verified": pgettext_lazy("audit value", "verified acts only"),
        "all": pgettext_lazy("audit value", "every act"),
    },
    "verification": {
        "reported": pgettext_lazy("audit value", "reported"),
        "corroborated": pgettext_lazy("audit value", "corroborated"),
        "verified": pgettext_lazy("audit value", "verified"),
    },
    "mode": {
        "copies": pgettext_lazy("audit value", "working copies"),
        "originals": pgettext_lazy("audit value", "originals"),
    },
    "format": {
        "json": pgettext_lazy("audit value", "JSON"),
        "csv": pgettext_lazy("audit value", "CSV"),
    },
    "page": {
        "events": pgettext_lazy("audit value", "the event list"),
        "timeline": pgettext_lazy("audit value", "the timeline"),
        "statement": pgettext_lazy("audit value", "a statement beside the facts"),
        "person": pgettext_lazy("audit value", "a person's page"),
        "sources": pgettext_lazy("audit value", "the sources' accounts"),
        "interventions": pgettext_lazy("audit value", "the interventions"),
        "chain": pgettext_lazy("audit value", "a chain of events on another event's page"),
    },
    "confidentiality": {
        "compartment": pgettext_lazy("audit value", "everyone who documents"),
        "restricted": pgettext_lazy("audit value", "only the teams and people named"),
    },
    "commitment_status": {
        "unknown": pgettext_lazy("audit value", "not known yet"),
        "kept": pgettext_lazy("audit value", "kept"),
        "partly_kept": pgettext_lazy("audit value", "partly kept"),
        "not_kept": pgettext_lazy("audit value", "not kept"),
    },
    "kind": {
        "individual": pgettext_lazy("audit value", "a person"),
        "group": pgettext_lazy("audit value", "a group of people"),
        "organisation": pgettext_lazy("audit value", "an organisation"),
    },
    "stage": _STAGES,
    "from_stage": _STAGES,
    "check": {
        "interview": pgettext_lazy("audit value", "interview"),
        "reference": pgettext_lazy("audit value", "reference"),
        "consistency": pgettext_lazy("audit value", "consistency between accounts"),
        "documents": pgettext_lazy("audit value", "document check"),
    },
    "finding": {
        "supports": pgettext_lazy("audit value", "supports their account"),
        "inconclusive": pgettext_lazy("audit value", "inconclusive"),
        "doubts": pgettext_lazy("audit value", "raises doubts"),
    },
    "verdict": {
        "verified": pgettext_lazy("audit value", "verified"),
        "not_verified": pgettext_lazy("audit value", "not verified"),
        "suspected_infiltration": pgettext_lazy("audit value", "suspected infiltration"),
    },
    "risk": {
        "unassessed": pgettext_lazy("audit value", "not assessed"),
        "low": pgettext_lazy("audit value", "low"),
        "medium": pgettext_lazy("audit value", "medium"),
        "high": pgettext_lazy("audit value", "high"),
        "critical": pgettext_lazy("audit value", "critical"),
    },
    "fields": {
        "risk": pgettext_lazy("audit value", "risk level"),
        "risk_factors": pgettext_lazy("audit value", "risk factors"),
        "flags": pgettext_lazy("audit value", "flags"),
        "assignee": pgettext_lazy("audit value", "assignee"),
        "name": pgettext_lazy("audit value", "name"),
        "other_names": pgettext_lazy("audit value", "other names"),
        "born": pgettext_lazy("audit value", "date of birth"),
        "age": pgettext_lazy("audit value", "age"),
        "minor": pgettext_lazy("audit value", "whether a minor"),
        "gender": pgettext_lazy("audit value", "gender"),
        "relationship": pgettext_lazy("audit value", "relationship"),
        "contacts": pgettext_lazy("audit value", "contacts"),
        "place": pgettext_lazy("audit value", "where they are"),
        "notes": pgettext_lazy("audit value", "notes"),
        # A task's (cases.tasks).
        "title": pgettext_lazy("audit value", "what is to be done"),
        "owner": pgettext_lazy("audit value", "who does it"),
        "due_on": pgettext_lazy("audit value", "due date"),
    },
    "reminder": {
        "document_expires": pgettext_lazy("audit value", "a travel document expires"),
        "appointment": pgettext_lazy("audit value", "an appointment"),
        "follow_up": pgettext_lazy("audit value", "a follow-up after arrival"),
    },
    "consent": {
        "partner": pgettext_lazy("audit value", "sharing with a partner organisation"),
        "host_government": pgettext_lazy("audit value", "sharing with a host government"),
        "testimony": pgettext_lazy("audit value", "testimony for documentation"),
        "statistics": pgettext_lazy("audit value", "aggregate statistics"),
    },
    "sharing": {
        "referral": pgettext_lazy("audit value", "referral"),
        "transfer": pgettext_lazy("audit value", "transfer"),
        "testimony": pgettext_lazy("audit value", "hand-over of testimony to documentation"),
    },
    "origin": {
        "casework": pgettext_lazy("audit value", "handed over from casework"),
        "override": pgettext_lazy("audit value", "handed over from casework under an override"),
        "documenter": pgettext_lazy("audit value", "recorded by a documenter"),
    },
    "rule": {
        "after_arrival": pgettext_lazy("audit value", "safe houses and journeys, after arrival"),
        "declined": pgettext_lazy("audit value", "a declined case"),
        "withdrawn": pgettext_lazy("audit value", "a withdrawn case"),
    },
    "where": {"search": pgettext_lazy("audit value", "a search by name")},
    "refusal": {
        "too_large": pgettext_lazy("audit value", "far too large"),
        "unreadable": pgettext_lazy("audit value", "does not open or cannot be read"),
        "unknown_sender": pgettext_lazy("audit value", "not from a checked partner"),
        "duplicate": pgettext_lazy("audit value", "already opened"),
    },
}


def detail(key: str) -> str:
    """A detail's key in the reader's words (the key itself if unknown)."""
    found = DETAILS.get(key)
    return str(found) if found is not None else key


def detail_value(key: str, value: str) -> str | None:
    """A coded value in the reader's words, or None if it is no code of ours."""
    found = VALUES.get(key, {}).get(value)
    return str(found) if found is not None else None

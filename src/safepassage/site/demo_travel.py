"""The demo's way out for one case (site.demo_casework walks it): a safe
house, travel documents, an application to a host's pathway, the
journey, the arrival and the asylum claim, each through its action, on
the days the programme gives."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from safepassage.cases import consent, stages, stays, travel_actions
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Journey,
    Person,
    Stay,
)
from safepassage.cases.models.travel import ArrivalDetails, DocumentDetails, LegDetails
from safepassage.site.demo_programme import Plan

if TYPE_CHECKING:
    from safepassage.site.demo_reference import Reference, Staff

CITIES = {"DE": "Berlin", "FR": "Paris", "CA": "Toronto", "LT": "Vilnius", "NL": "Amsterdam"}
EXPLAINED = "(demo) What would be shared, with whom and why, and that they may say no."
OVERRIDE = "(demo) No other bed free tonight: a mattress in the living room."


class TravelSteps:
    """The steps of a case from acceptance to protection."""

    case: Case

    def __init__(
        self,
        plan: Plan,
        staff: Staff,
        reference: Reference,
        rng: random.Random,
        today: date,
    ) -> None:
        self.plan = plan
        self.staff = staff
        self.reference = reference
        self.rng = rng
        self.today = today
        self._interviews = 0
        self.stay: Stay | None = None
        self.application: Application | None = None
        self.journey: Journey | None = None
        self.claim: AsylumClaim | None = None

    def people(self) -> list[Person]:
        return list(self.case.people.order_by("position"))

    def _move(self, stage: str, reason: str = "", *, by: str = "caseworker") -> None:
        stages.move_case(self.case, to=stage, by=getattr(self.staff, by), reason=reason)

    def _consent(self, person: Person, kind: str, day: date, country: str = "") -> None:
        consent.record_consent(
            person,
            kind=kind,
            given_on=day,
            method=self.rng.choice(["in_person", "message", "phone"]),
            explanation=EXPLAINED,
            partner=self.reference.partner if kind == "partner" else None,
            country=country,
            scope={
                "partner": ["identity", "narrative"],
                "host_government": ["identity", "documents"],
            }.get(kind, []),
            by=self.staff.caseworker,
        )

    # --- A safe house --------------------------------------------------------------

    def _leaves_house_on(self) -> date | None:
        """The day the household leaves the house, if the programme has one."""
        route, days = self.plan.route, self.plan.days
        for stage, day in zip(route, days, strict=True):
            if stage in ("travelling", "closed", *stages.SIDE_EXITS):
                return day
        return None

    def _to_in_safe_house(self, day: date) -> None:
        people = self.people()
        leaving = self._leaves_house_on()
        planned = leaving or self.today + timedelta(days=self.rng.randint(10, 60))
        houses = list(self.reference.houses)
        self.rng.shuffle(houses)
        stay = None
        for house in houses:
            placement = stays.Placement(house, people, day, planned)
            try:
                stay = stays.place_case(self.case, placement, by=self.staff.caseworker)
                break
            except stays.OverCapacity:
                continue
        if stay is None:
            placement = stays.Placement(houses[0], people, day, planned, override_reason=OVERRIDE)
            stay = stays.place_case(self.case, placement, by=self.staff.coordinator)
        self.stay = stays.record_arrival(stay, day, version=stay.version, by=self.staff.caseworker)
        self._move("in_safe_house")

    def _leave_house(self, day: date) -> None:
        if self.stay is not None and self.stay.current:
            self.stay = stays.record_departure(
                self.stay, day, version=self.stay.version, by=self.staff.caseworker
            )

    # --- Documents and the application ----------------------------------------------

    def _documents(self, day: date, *, all_issued: bool) -> None:
        rng = self.rng
        for person in self.people():
            child = person.minor is True
            issued = all_issued or rng.random() < 0.5
            expires = None
            if issued and not child:
                soon = rng.random() < 0.15
                expires = self.today + timedelta(
                    days=rng.randint(-20, 80) if soon else rng.randint(400, 3000)
                )
            travel_actions.add_travel_document(
                person,
                by=self.staff.caseworker,
                kind="birth_certificate" if child else "foreign_passport",
                status="issued" if issued else "applied",
                expires_on=expires,
                details=DocumentDetails(
                    number=f"DEMO {rng.randint(10, 99)} {rng.randint(1000000, 9999999)}",
                    issued_by="(demo) passport office",
                    issued_on=day.isoformat() if issued else "",
                ),
            )

    def _to_documents(self, day: date) -> None:
        self._documents(day, all_issued=self.plan.target != "documents")
        self._move("documents")

    def _apply(self, day: date, *, submitted: bool) -> Application:
        pathway = self.rng.choice(self.reference.pathways)
        host = pathway.host
        for person in self.people():
            self._consent(person, "host_government", day, country=host.name_en)
        if submitted:
            appointment = day - timedelta(days=self.rng.randint(0, 10))
            appointment = max(appointment, self.plan.day_of("documents"))
        else:
            appointment = self.today + timedelta(days=self.rng.randint(2, 12))
        return travel_actions.add_application(
            self.case,
            pathway,
            people=self.people(),
            by=self.staff.caseworker,
            office=self.reference.office[host.pk],
            appointment_on=appointment,
            submitted_on=day if submitted else None,
            notes="(demo) All papers translated and certified.",
        )

    def _to_applied(self, day: date) -> None:
        self.application = self._apply(day, submitted=True)
        self._move("applied")

    def _to_approved(self, day: date) -> None:
        application = self.application
        assert application is not None  # noqa: S101 (applied first)
        travel_actions.change_application(
            application,
            version=application.version,
            by=self.staff.caseworker,
            decision="approved",
            decided_on=day,
        )
        self._move("approved")

    def _waiting_abroad(self) -> None:
        """An appointment still to come for a case gathering documents; a
        journey booked for some of those approved."""
        if self.plan.target == "documents" and self.rng.random() < 0.6:
            self._apply(self.today, submitted=False)
        if self.plan.target == "approved" and self.rng.random() < 0.5:
            self._journey(self.today + timedelta(days=self.rng.randint(3, 20)), None)

    # --- The journey, the arrival, the claim ----------------------------------------

    def _journey(self, departs: date, arrives: date | None) -> Journey:
        application = self.application
        assert application is not None  # noqa: S101 (approved first)
        city = CITIES.get(application.host.country, "Berlin")
        journey = travel_actions.add_journey(
            self.case, by=self.staff.caseworker, status="planned", application=application
        )
        travel_actions.add_leg(
            journey,
            by=self.staff.caseworker,
            departs_on=departs,
            arrives_on=arrives,
            details=LegDetails(
                origin="Moscow",
                destination=city,
                transport=self.rng.choice(["flight", "train, then flight", "bus, then flight"]),
                escort="(demo) a volunteer of the programme",
            ),
        )
        return journey

    def _to_travelling(self, day: date) -> None:
        arrives = self.plan.day_of("arrived") if self.plan.reached("arrived") else None
        journey = self._journey(day, arrives)
        self._leave_house(day)
        self._move("travelling")
        travel_actions.change_journey(
            journey, version=journey.version, by=self.staff.caseworker, status="under_way"
        )
        journey.refresh_from_db()
        self.journey = journey

    def _to_arrived(self, day: date) -> None:
        journey, application = self.journey, self.application
        assert journey is not None  # noqa: S101 (travelled first)
        assert application is not None  # noqa: S101 (approved first)
        travel_actions.record_arrival(
            journey,
            version=journey.version,
            by=self.staff.caseworker,
            arrived_on=day,
            arrived_in=application.host,
            arrival=ArrivalDetails(
                place=CITIES.get(application.host.country, ""),
                met_by="(demo) the partner's volunteer",
            ),
        )
        self._move("arrived")

    def _to_asylum_claimed(self, day: date) -> None:
        application = self.application
        assert application is not None  # noqa: S101 (arrived first)
        host = application.host
        self.claim = travel_actions.add_asylum_claim(
            self.case,
            people=self.people(),
            by=self.staff.caseworker,
            host=host,
            authority=self.reference.authority.get(host.pk, ""),
            reference=f"DEMO-{self.rng.randint(100000, 999999)}",
            status="lodged",
            lodged_on=day,
        )
        self._move("asylum_claimed")

    def _to_protected(self, day: date) -> None:
        claim = self.claim
        assert claim is not None  # noqa: S101 (claimed first)
        values: dict[str, Any] = {
            "status": "decided",
            "interview_on": claim.lodged_on + (day - claim.lodged_on) / 2
            if claim.lodged_on
            else None,
            "decided_on": day,
            "outcome": self.rng.choice(["refugee", "refugee", "subsidiary", "humanitarian"]),
        }
        travel_actions.change_asylum_claim(
            claim, version=claim.version, by=self.staff.caseworker, **values
        )
        self._move("protected")

"""The demo programme's reference data: host countries and their
pathways, safe houses with who may know where each is, partner
organisations with checked keys, and the organisation's own partner key.
Each made through the action that keeps it, as an administrator or a
coordinator would; all of it invented."""

from __future__ import annotations

from dataclasses import dataclass, field

from safepassage.accounts.models import Team, User
from safepassage.cases import hosts, partners, safehouses
from safepassage.cases.models import Host, PartnerOrganisation, Pathway, SafeHouse
from safepassage.vault import exchange
from safepassage.vault.bundles import ExchangeSecret, partner_key_text

# country, names (en, ru, fr), the office that decides asylum claims,
# the embassy, and its pathways: (kind, names en, ru, fr).
HOSTS = [
    (
        "DE",
        ("Germany", "Германия", "Allemagne"),
        "BAMF",
        "Embassy of Germany, Moscow",
        [
            (
                "humanitarian_visa",
                ("Humanitarian admission", "Гуманитарный приём", "Admission humanitaire"),
            )
        ],
    ),
    (
        "FR",
        ("France", "Франция", "France"),
        "OFPRA",
        "Embassy of France, Moscow",
        [("humanitarian_visa", ("Asylum visa", "Виза для убежища", "Visa au titre de l'asile"))],
    ),
    (
        "CA",
        ("Canada", "Канада", "Canada"),
        "IRB",
        "Embassy of Canada, Moscow",
        [
            (
                "private_sponsorship",
                ("Private sponsorship", "Частное спонсорство", "Parrainage privé"),
            )
        ],
    ),
    (
        "LT",
        ("Lithuania", "Литва", "Lituanie"),
        "Migration Department",
        "Embassy of Lithuania, Moscow",
        [
            (
                "humanitarian_visa",
                ("National humanitarian visa", "Национальная виза", "Visa national humanitaire"),
            )
        ],
    ),
    (
        "NL",
        ("Netherlands", "Нидерланды", "Pays-Bas"),
        "IND",
        "Embassy of the Netherlands, Moscow",
        [("short_stay_visa", ("Short-stay visa", "Краткосрочная виза", "Visa de court séjour"))],
    ),
]

# label, beds, region, cleared for the Evacuation team too (else the
# coordinator only).
HOUSES = [
    ("Birch", 8, "Nalchik", True),
    ("Rowan", 6, "Nalchik", True),
    ("Linden", 10, "Moscow", True),
    ("Alder", 4, "Moscow", False),
    ("Juniper", 8, "Saint Petersburg", True),
    ("Willow", 6, "Saint Petersburg", True),
    ("Aspen", 8, "Nizhny Novgorod", True),
]

PARTNERS = [
    ("Northern Bridge (demo)", "office@northern-bridge.example", True),
    ("Safe Route (demo)", "contact@safe-route.example", False),
]


@dataclass(frozen=True)
class Staff:
    coordinator: User
    caseworker: User
    verifier: User
    admin: User
    hotline: Team
    evacuation: Team


@dataclass
class Reference:
    """What the demo's cases are placed in, apply to and are shared with."""

    pathways: list[Pathway] = field(default_factory=list)
    # By host id: the office deciding asylum claims, and the embassy.
    authority: dict[int, str] = field(default_factory=dict)
    office: dict[int, str] = field(default_factory=dict)
    houses: list[SafeHouse] = field(default_factory=list)
    partner: PartnerOrganisation | None = None


def _hosts(reference: Reference, admin: User) -> None:
    for country, (en, ru, fr), authority, office, pathways in HOSTS:
        host = Host.objects.filter(kind="country", country=country).first()
        if host is None:
            host = hosts.add_host(by=admin, country=country, name_en=en, name_ru=ru, name_fr=fr)
        reference.authority[host.pk] = authority
        reference.office[host.pk] = office
        for kind, (name_en, name_ru, name_fr) in pathways:
            pathway = Pathway.objects.filter(host=host, kind=kind, name_en=name_en).first()
            if pathway is None:
                pathway = hosts.add_pathway(
                    host,
                    by=admin,
                    kind=kind,
                    name_en=name_en,
                    name_ru=name_ru,
                    name_fr=name_fr,
                    rules="(demo) Who qualifies and what to bring: invented for the demo.",
                )
            reference.pathways.append(pathway)


def _houses(reference: Reference, coordinator: User, evacuation: Team) -> None:
    for number, (label, beds, region, team_cleared) in enumerate(HOUSES, start=1):
        house = SafeHouse.objects.filter(label=label).first()
        if house is None:
            house = safehouses.create_house(
                safehouses.HouseDetails(
                    label=label,
                    capacity=beds,
                    notes="(demo) A host family; no phones inside, no visitors after dark.",
                    location=safehouses.Location(
                        region=region,
                        address=f"(демо) ул. Вымышленная, д. {number}",
                        directions="(demo) The green gate behind the bakery.",
                        host_contact=f"(demo) Signal +00 000 9{number:03d}",
                    ),
                ),
                by=coordinator,
            )
            if team_cleared:
                house = safehouses.set_clearance(
                    house,
                    staff=[coordinator],
                    teams=[evacuation],
                    version=house.version,
                    by=coordinator,
                )
        reference.houses.append(house)


def _partners(reference: Reference, admin: User) -> None:
    if exchange.own_key() is None:
        exchange.make_key(by=admin)
    for name, contact, checked in PARTNERS:
        partner = PartnerOrganisation.objects.filter(name=name).first()
        if partner is None:
            # Their key, as their own safepassage would print it (its
            # private half is thrown away: the demo never opens their side).
            key = partner_key_text(ExchangeSecret.generate().public)
            partner = partners.add_partner(name=name, contact=contact, key_text=key, by=admin)
            if checked:
                partner = partners.verify_partner(partner, version=partner.version, by=admin)
        if checked:
            reference.partner = partner


def build(*, admin: User, coordinator: User, evacuation: Team) -> Reference:
    """The reference data, made once (a second run finds it)."""
    reference = Reference()
    _hosts(reference, admin)
    _houses(reference, coordinator, evacuation)
    _partners(reference, admin)
    return reference

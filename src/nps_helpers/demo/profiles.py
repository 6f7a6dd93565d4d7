"""Who the demo clients are: names, industries, languages, events and what drives them.

Twelve clients are written out by hand (six banks, so each bank has five peers); any
further client is drawn from the seed (in one of the industries the demo writes comments
for) with a name made from per-language parts. Each
profile says what is true in its data (the score-churn link, real shifts at events), so
tests and analyses know what there is to find.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..config.params import INDUSTRIES, ClientParams, Event
from .comments import COMMENT_LANGUAGES, DEMO_INDUSTRIES, INDUSTRY_THEMES

CHURN_LINKS = {"strong": 0.7, "weak": 0.3, "none": 0.0}
SEGMENTS = ("region", "plan", "touchpoint")

# Plans and touchpoint codes per industry; the last touchpoint is rare on purpose, so
# segment tables have a group small enough to be flagged or withheld.
PLANS = {
    "banking": ("Basic", "Plus", "Premium"),
    "insurance": ("Basic", "Comfort", "Premium"),
    "telecom": ("Prepaid", "Standard", "Unlimited"),
    "retail": ("Member", "Gold"),
    "ecommerce": ("Free", "Plus"),
    "software": ("Starter", "Team", "Enterprise"),
    "airlines": ("Blue", "Silver", "Gold"),
    "hospitality": ("Guest", "Member", "Elite"),
    "healthcare": ("Basic", "Standard", "Premium"),
    "utilities": ("Fixed", "Variable", "Green"),
}
TOUCHPOINTS = {
    "banking": ("app", "branch", "phone", "web", "chat"),
    "insurance": ("agent", "phone", "web", "app", "chat"),
    "telecom": ("app", "shop", "phone", "web", "chat"),
    "retail": ("store", "web", "app", "phone", "chat"),
    "ecommerce": ("web", "app", "email", "phone", "chat"),
    "software": ("app", "web", "email", "phone", "chat"),
    "airlines": ("web", "app", "phone", "counter", "chat"),
    "hospitality": ("reception", "web", "phone", "app", "chat"),
    "healthcare": ("reception", "phone", "web", "app", "chat"),
    "utilities": ("web", "phone", "app", "email", "chat"),
}
TOUCHPOINT_LABELS = {
    "en": {"app": "Mobile app", "branch": "Branch", "phone": "Phone", "web": "Website", "chat": "Chat",
           "agent": "Agent", "shop": "Shop", "store": "Store", "email": "E-mail", "counter": "Airport desk",
           "reception": "Reception"},
    "pl": {"app": "Aplikacja", "branch": "Oddział", "phone": "Infolinia", "web": "Strona www", "chat": "Czat",
           "agent": "Agent", "shop": "Salon", "store": "Sklep", "email": "E-mail", "counter": "Stanowisko na lotnisku",
           "reception": "Recepcja"},
    "sl": {"app": "Aplikacija", "branch": "Poslovalnica", "phone": "Telefon", "web": "Spletna stran",
           "chat": "Klepet", "agent": "Zastopnik", "shop": "Prodajno mesto", "store": "Trgovina",
           "email": "E-pošta", "counter": "Okence na letališču", "reception": "Recepcija"},
    "ru": {"app": "Приложение", "branch": "Отделение", "phone": "Телефон", "web": "Сайт", "chat": "Чат",
           "agent": "Агент", "shop": "Салон связи", "store": "Магазин", "email": "Эл. почта",
           "counter": "Стойка в аэропорту", "reception": "Ресепшен"},
    "de": {"app": "App", "branch": "Filiale", "phone": "Telefon", "web": "Website", "chat": "Chat",
           "agent": "Vermittler", "shop": "Shop", "store": "Geschäft", "email": "E-Mail",
           "counter": "Flughafenschalter", "reception": "Rezeption"},
}
# The last region of each language is tiny on purpose (small-n handling).
REGIONS = {
    "en": ("London", "North West", "Midlands", "Scotland", "South West", "Northern Ireland"),
    "pl": ("Mazowieckie", "Małopolskie", "Śląskie", "Wielkopolskie", "Pomorskie", "Podlaskie"),
    "sl": ("Osrednjeslovenska", "Podravska", "Savinjska", "Gorenjska", "Obalno-kraška", "Koroška"),
    "ru": ("Москва", "Санкт-Петербург", "Урал", "Сибирь", "Поволжье", "Дальний Восток"),
    "de": ("Bayern", "Nordrhein-Westfalen", "Baden-Württemberg", "Berlin", "Hamburg", "Saarland"),
}
# Event labels per theme code (of any demo industry's codeframe), in the client's language.
EVENT_LABELS = {
    "en": {"fees": "New account fees", "digital": "New mobile app", "branches": "Branch closures",
           "staff": "Staff training programme", "waiting": "Faster account opening", "support": "Support hours extended",
           "security": "New fraud checks", "products": "New savings rates", "installation": "New installation partner",
           "connection": "Network outage", "price": "Price increase", "billing": "New billing system",
           "communication": "New customer updates", "ordering": "New online shop", "claims": "New claims process",
           "cover": "Policy cover changed", "renewal": "Automatic renewal", "delivery": "New delivery partner",
           "returns": "Free returns", "product": "Product range refresh", "stock": "New warehouse",
           "website": "New checkout", "usability": "New interface", "features": "Major feature release",
           "reliability": "Service outage", "performance": "Performance upgrade", "onboarding": "New onboarding",
           "integrations": "New integrations"},
    "pl": {"fees": "Nowe opłaty za konto", "digital": "Nowa aplikacja mobilna", "branches": "Zamknięcie oddziałów",
           "staff": "Program szkoleń pracowników", "waiting": "Szybsze zakładanie konta",
           "support": "Dłuższe godziny infolinii", "security": "Nowe zabezpieczenia przed oszustwami",
           "products": "Nowe oprocentowanie lokat", "installation": "Nowy partner instalacyjny",
           "connection": "Awaria sieci", "price": "Podwyżka cen", "billing": "Nowy system rozliczeń",
           "communication": "Nowe powiadomienia dla klientów", "ordering": "Nowy sklep internetowy",
           "claims": "Nowa likwidacja szkód", "cover": "Zmiana zakresu ochrony", "renewal": "Automatyczne wznowienie",
           "delivery": "Zmiana firmy kurierskiej", "returns": "Darmowe zwroty", "product": "Odświeżona oferta",
           "stock": "Nowy magazyn", "website": "Nowy koszyk i płatności", "usability": "Nowy interfejs",
           "features": "Duża aktualizacja funkcji", "reliability": "Awaria usługi",
           "performance": "Przyspieszenie działania", "onboarding": "Nowe wdrożenie", "integrations": "Nowe integracje"},
    "sl": {"fees": "Nova nadomestila za račun", "digital": "Nova mobilna aplikacija", "branches": "Zaprtje poslovalnic",
           "staff": "Program usposabljanja zaposlenih", "waiting": "Hitrejše odpiranje računa",
           "support": "Daljši delovni čas podpore", "security": "Nove varnostne kontrole",
           "products": "Nove obrestne mere", "installation": "Nov partner za priključitve",
           "connection": "Izpad omrežja", "price": "Podražitev", "billing": "Nov sistem obračunavanja",
           "communication": "Nova obvestila strankam", "ordering": "Nova spletna trgovina",
           "claims": "Nov postopek škod", "cover": "Sprememba kritja", "renewal": "Samodejno podaljšanje",
           "delivery": "Nov dostavni partner", "returns": "Brezplačna vračila", "product": "Prenovljena ponudba",
           "stock": "Novo skladišče", "website": "Nova blagajna", "usability": "Nov vmesnik",
           "features": "Velika posodobitev funkcij", "reliability": "Izpad storitve",
           "performance": "Pospešitev delovanja", "onboarding": "Novo uvajanje", "integrations": "Nove integracije"},
    "ru": {"fees": "Новые комиссии", "digital": "Новое мобильное приложение", "branches": "Закрытие отделений",
           "staff": "Обучение персонала", "waiting": "Быстрое открытие счёта", "support": "Поддержка работает дольше",
           "security": "Новые проверки от мошенников", "products": "Новые ставки по вкладам",
           "installation": "Новый подрядчик по подключению", "connection": "Авария сети", "price": "Повышение цен",
           "billing": "Новая система выставления счетов", "communication": "Новые уведомления клиентам",
           "ordering": "Новый интернет-магазин", "claims": "Новый порядок урегулирования",
           "cover": "Изменение покрытия", "renewal": "Автопродление полисов", "delivery": "Смена службы доставки",
           "returns": "Бесплатный возврат", "product": "Обновлённый ассортимент", "stock": "Новый склад",
           "website": "Новое оформление заказа", "usability": "Новый интерфейс", "features": "Крупное обновление",
           "reliability": "Сбой сервиса", "performance": "Ускорение работы", "onboarding": "Новое обучение",
           "integrations": "Новые интеграции"},
    "de": {"fees": "Neue Kontoführungsgebühren", "digital": "Neue App", "branches": "Filialschließungen",
           "staff": "Mitarbeiterschulung", "waiting": "Schnellere Kontoeröffnung", "support": "Längere Hotline-Zeiten",
           "security": "Neue Betrugsprüfung", "products": "Neue Sparzinsen", "installation": "Neuer Installationspartner",
           "connection": "Netzstörung", "price": "Preiserhöhung", "billing": "Neues Abrechnungssystem",
           "communication": "Neue Kundeninformationen", "ordering": "Neuer Online-Shop",
           "claims": "Neue Schadenbearbeitung", "cover": "Geänderter Versicherungsschutz",
           "renewal": "Automatische Verlängerung", "delivery": "Neuer Lieferdienst", "returns": "Kostenlose Rücksendung",
           "product": "Neues Sortiment", "stock": "Neues Lager", "website": "Neuer Checkout",
           "usability": "Neue Oberfläche", "features": "Großes Funktionsupdate", "reliability": "Systemausfall",
           "performance": "Schnellere Ladezeiten", "onboarding": "Neues Onboarding", "integrations": "Neue Integrationen"},
}
# Driver ratings, and the comment theme each one speaks to in each demo industry.
DRIVERS = ("price", "support", "speed", "quality", "ease", "billing", "staff", "reliability")
DRIVER_THEMES = {
    "banking": dict(zip(DRIVERS, ("fees", "support", "waiting", "products", "digital", "fees", "staff", "digital"),
                        strict=True)),
    "telecom": dict(zip(DRIVERS, ("price", "support", "installation", "connection", "ordering", "billing", "staff",
                                  "connection"), strict=True)),
    "insurance": dict(zip(DRIVERS, ("price", "support", "claims", "cover", "renewal", "price", "staff", "claims"),
                          strict=True)),
    "ecommerce": dict(zip(DRIVERS, ("price", "support", "delivery", "product", "website", "price", "support",
                                    "stock"), strict=True)),
    "software": dict(zip(DRIVERS, ("price", "support", "performance", "features", "usability", "price", "support",
                                   "reliability"), strict=True)),
}
REVIEW_PLATFORMS = ("google", "trustpilot", "capterra", "yandex", "tripadvisor")

_NAME_FORMS = {
    "en": "{stem} {word} Ltd",
    "pl": "{word} {stem} sp. z o.o.",
    "sl": "{word} {stem} d.o.o.",
    "ru": "ООО «{stem} {word}»",
    "de": "{stem} {word} GmbH",
}
_NAME_STEMS = {
    "en": ("Aldbury", "Brookfield", "Carrow", "Dunmore", "Elmstead", "Fenwick", "Greyhaven", "Hollis",
           "Ivybridge", "Kingsmere", "Larkhill", "Marlow"),
    "pl": ("Bursztyn", "Dąbrowa", "Sokół", "Orla", "Kasztel", "Jantar", "Mazur", "Wisłok", "Bieszczad",
           "Pogoria", "Narew", "Złoty Róg"),
    "sl": ("Lipa", "Jelka", "Planika", "Kras", "Pohorje", "Zala", "Bistra", "Sora", "Vrba", "Javor",
           "Dren", "Breza"),
    "ru": ("Вега", "Байкал", "Кедр", "Ока", "Алтай", "Сокол", "Заря", "Полюс", "Ирбис", "Онега",
           "Светоч", "Ладья"),
    "de": ("Alpenblick", "Bergquell", "Elbwerk", "Falkenstein", "Isarland", "Lindenhof", "Mainstern",
           "Nordlicht", "Rheinwerk", "Tannenberg", "Weserland", "Zugspitz"),
}
_INDUSTRY_WORDS = {
    "en": ("Bank", "Insurance", "Telecom", "Stores", "Online", "Software", "Air", "Hotels", "Health", "Energy"),
    "pl": ("Bank", "Ubezpieczenia", "Telekom", "Handel", "e-Sklep", "Software", "Linie Lotnicze", "Hotele",
           "Centrum Medyczne", "Energia"),
    "sl": ("Banka", "Zavarovalnica", "Telekom", "Trgovine", "Spletna trgovina", "Programska oprema",
           "Letalska družba", "Hoteli", "Zdravstveni center", "Energija"),
    "ru": ("Банк", "Страхование", "Телеком", "Маркет", "Онлайн", "Софт", "Авиа", "Отели", "Медицина",
           "Энергия"),
    "de": ("Bank", "Versicherung", "Telekom", "Handel", "Versand", "Software", "Airlines", "Hotels",
           "Gesundheit", "Energie"),
}


@dataclass(frozen=True)
class DemoEvent:
    """A dated event and what it really did to satisfaction.

    ``shift`` is in latent units (about 0.15 = 10 NPS points); ``days`` is how long the
    effect lasts (``None``: for good). ``theme`` is the comment theme it stirs up, a code
    of the client's industry (``INDUSTRY_THEMES``).
    """

    date: dt.date
    theme: str
    shift: float
    days: int | None = None


@dataclass(frozen=True)
class ClientProfile:
    """Everything that is true about one demo client's data."""

    client_id: str
    display_name: str
    industry: str
    language: str
    weight: float
    level: float
    churn_link: str
    drivers: tuple[tuple[str, float], ...] = ()
    csat: bool = False
    ces: bool = False
    reviews: tuple[str, ...] = ()
    reviews_follow_nps: bool = False
    events: tuple[DemoEvent, ...] = ()
    brand_colour: str = "#1f4e79"
    invites_per_year: float = 1.5
    response_rate: float = 0.3
    comment_rate: float = 0.5
    drift: float = 0.0

    @property
    def event_labels(self) -> list[str]:
        """Event labels in the client's language, in event order.

        Examples
        --------
        >>> CURATED[3].event_labels
        ['Новое мобильное приложение']
        """
        return [EVENT_LABELS[self.language][e.theme] for e in self.events]


def _ev(date: str, theme: str, shift: float, days: int | None = None) -> DemoEvent:
    return DemoEvent(dt.date.fromisoformat(date), theme, shift, days)


# The shipped example of a client's own sections (notebooks/clients/), by demo client.
EXTRA_NOTEBOOKS = {"kestrel-bank": "clients/kestrel-bank.ipynb"}

# Ordered so that any first few still mix languages and churn links.
CURATED: tuple[ClientProfile, ...] = (
    ClientProfile(
        "kestrel-bank", "Kestrel Bank plc", "banking", "en", 0.15, 0.15, "strong",
        drivers=(("price", 0.30), ("support", 0.35), ("speed", 0.15), ("ease", 0.25), ("reliability", 0.20)),
        csat=True, ces=True, reviews=("google", "trustpilot"), reviews_follow_nps=True,
        events=(_ev("2025-04-01", "digital", 0.12), _ev("2026-02-01", "fees", -0.18)),
        brand_colour="#1b4f72", drift=0.03,
    ),
    ClientProfile(
        "brightwave-mobile", "Brightwave Mobile Ltd", "telecom", "en", 0.14, -0.25, "none",
        drivers=(("price", 0.35), ("reliability", 0.40), ("support", 0.20), ("speed", 0.10), ("ease", 0.15),
                 ("billing", 0.20)),
        ces=True, reviews=("trustpilot", "google"),
        events=(_ev("2024-12-01", "support", 0.10), _ev("2025-06-10", "connection", -0.25, 45)),
        brand_colour="#6c3483", invites_per_year=2.0, response_rate=0.25, comment_rate=0.45,
    ),
    ClientProfile(
        "wislany-bank", "Bank Wiślany S.A.", "banking", "pl", 0.12, 0.0, "strong",
        csat=True, reviews=("google",), reviews_follow_nps=True,
        events=(_ev("2025-09-15", "digital", -0.30, 60), _ev("2026-03-01", "support", 0.10),
                _ev("2026-06-01", "products", 0.0)),
        brand_colour="#b03a2e", response_rate=0.35, comment_rate=0.55, drift=-0.02,
    ),
    ClientProfile(
        "ladoga-bank", "АО «Банк Ладога»", "banking", "ru", 0.09, 0.1, "none",
        csat=True, events=(_ev("2025-01-15", "digital", 0.10),),
        brand_colour="#117a65", response_rate=0.22, comment_rate=0.42,
    ),
    ClientProfile(
        "falanet-telekom", "Falanet Telekom sp. z o.o.", "telecom", "pl", 0.10, -0.35, "strong",
        drivers=(("price", 0.40), ("reliability", 0.35), ("support", 0.25), ("ease", 0.10)),
        events=(_ev("2026-01-15", "price", -0.18),),
        brand_colour="#d35400", invites_per_year=2.5, response_rate=0.28, comment_rate=0.6,
    ),
    ClientProfile(
        "rheintaler-sparbank", "Rheintaler Sparbank AG", "banking", "de", 0.08, 0.25, "weak",
        ces=True, events=(_ev("2025-10-01", "fees", -0.12),),
        brand_colour="#2e4053", response_rate=0.4, comment_rate=0.48,
    ),
    ClientProfile(
        "banka-soca", "Banka Soča d.d.", "banking", "sl", 0.07, 0.05, "weak",
        csat=True, events=(_ev("2025-07-01", "staff", 0.10), _ev("2026-04-15", "fees", -0.12)),
        brand_colour="#1a5276", response_rate=0.33, comment_rate=0.52, drift=0.02,
    ),
    ClientProfile(
        "wolkenwerk", "Wolkenwerk Software GmbH", "software", "de", 0.07, 0.2, "strong",
        drivers=(("ease", 0.35), ("speed", 0.20), ("reliability", 0.30), ("support", 0.25), ("price", 0.15)),
        ces=True, reviews=("capterra", "trustpilot"), reviews_follow_nps=True,
        events=(_ev("2025-03-01", "usability", 0.12), _ev("2026-05-01", "reliability", -0.20, 30)),
        brand_colour="#5b2c6f", invites_per_year=4.5, response_rate=0.2, comment_rate=0.58,
    ),
    ClientProfile(
        "nakupko", "Nakupko d.o.o.", "ecommerce", "sl", 0.06, 0.3, "weak",
        csat=True, reviews=("google",), reviews_follow_nps=True,
        events=(_ev("2025-11-20", "delivery", -0.15, 50),),
        brand_colour="#239b56", comment_rate=0.45, drift=0.03,
    ),
    ClientProfile(
        "korzinka", "ООО «Корзинка»", "ecommerce", "ru", 0.08, 0.15, "weak",
        csat=True, reviews=("yandex", "google"),
        events=(_ev("2026-04-01", "delivery", 0.12),),
        brand_colour="#c0392b", invites_per_year=1.8, comment_rate=0.5,
    ),
    ClientProfile(
        "northgate-insurance", "Northgate Insurance Ltd", "insurance", "en", 0.02, -0.1, "weak",
        csat=True, events=(_ev("2025-08-01", "price", -0.15),),
        brand_colour="#34495e", invites_per_year=1.0, response_rate=0.35, comment_rate=0.4,
    ),
    ClientProfile(
        "harbour-mutual", "Harbour Mutual Building Society", "banking", "en", 0.001, 0.4, "weak",
        events=(_ev("2026-01-10", "products", 0.10),),
        brand_colour="#0e6655", invites_per_year=1.0, response_rate=0.3, comment_rate=0.5,
    ),
)


def demo_profiles(clients: int = 12, seed: int = 7) -> list[ClientProfile]:
    """The demo clients: the hand-written twelve first, then clients drawn from ``seed``.

    Examples
    --------
    >>> [p.client_id for p in demo_profiles(3)]
    ['kestrel-bank', 'brightwave-mobile', 'wislany-bank']
    >>> len({p.display_name for p in demo_profiles(60)})
    60
    """
    profiles = list(CURATED[:clients])
    names = {p.display_name for p in profiles}
    for i in range(len(profiles), clients):
        profile = _drawn_profile(i, np.random.default_rng([seed, 99, i]), names)
        names.add(profile.display_name)
        profiles.append(profile)
    return profiles


def _drawn_profile(index: int, rng: np.random.Generator, taken: set[str]) -> ClientProfile:
    language = str(rng.choice(COMMENT_LANGUAGES, p=[0.4, 0.15, 0.15, 0.15, 0.15]))
    industry = DEMO_INDUSTRIES[int(rng.integers(len(DEMO_INDUSTRIES)))]
    stems = _NAME_STEMS[language]
    stem = stems[int(rng.integers(len(stems)))]
    name = _NAME_FORMS[language].format(stem=stem, word=_INDUSTRY_WORDS[language][INDUSTRIES.index(industry)])
    base, n = name, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    link = str(rng.choice(list(CHURN_LINKS), p=[0.35, 0.4, 0.25]))
    drivers: tuple[tuple[str, float], ...] = ()
    if rng.random() < 0.4:
        chosen = rng.choice(DRIVERS, size=int(rng.integers(4, 7)), replace=False)
        drivers = tuple((str(d), round(float(w), 2)) for d, w in zip(chosen, rng.uniform(0.1, 0.5, len(chosen)), strict=True))
    reviews: tuple[str, ...] = ()
    if rng.random() < 0.35:
        reviews = tuple(str(p) for p in rng.choice(REVIEW_PLATFORMS, size=int(rng.integers(1, 3)), replace=False))
    # A client without a score-churn link keeps its level steady but for early lasting
    # shifts and passing dips, so that no time trend can fake a link (churners' last
    # answers come earlier than stayers').
    last_day = 520 if link == "none" else 700
    events = tuple(
        DemoEvent(
            date=dt.date(2024, 10, 1) + dt.timedelta(days=int(day)),
            theme=str(rng.choice(INDUSTRY_THEMES[industry])),
            shift=round(float(rng.choice([-1, 1]) * rng.uniform(0.08, 0.2)), 2),
            days=None if rng.random() < 0.6 and (link != "none" or day < 120) else int(rng.integers(30, 90)),
        )
        for day in np.sort(rng.choice(np.arange(45, last_day), size=int(rng.integers(1, 4)), replace=False))
    )
    return ClientProfile(
        client_id=f"client-{index + 1:03d}",
        display_name=name,
        industry=industry,
        language=language,
        weight=float(rng.lognormal(-3.0, 0.7)),
        level=round(float(rng.normal(0.05, 0.2)), 2),
        churn_link=link,
        drivers=drivers,
        csat=bool(rng.random() < 0.4),
        ces=bool(rng.random() < 0.35),
        reviews=reviews,
        reviews_follow_nps=bool(reviews) and bool(rng.random() < 0.5),
        events=events,
        brand_colour="#" + "".join(f"{int(c):02x}" for c in rng.integers(20, 160, 3)),
        invites_per_year=round(float(rng.uniform(1.0, 3.0)), 1),
        response_rate=round(float(rng.uniform(0.2, 0.45)), 2),
        comment_rate=round(float(rng.uniform(0.4, 0.6)), 2),
        drift=0.0 if link == "none" else round(float(rng.normal(0, 0.03)), 3),
    )


def client_params(profile: ClientProfile) -> ClientParams:
    """The params file content (``params/clients/<id>.yaml``) for a demo client.

    Examples
    --------
    >>> p = client_params(CURATED[2])
    >>> p.language, p.events[0].label
    ('pl', 'Nowa aplikacja mobilna')
    >>> client_params(CURATED[0]).extra_notebook
    'clients/kestrel-bank.ipynb'
    """
    return ClientParams(
        client_id=profile.client_id,
        display_name=profile.display_name,
        industry=profile.industry,
        language=profile.language,
        # The English demo clients are British (their regions are London, Scotland...).
        locale="en_GB" if profile.language == "en" else None,
        segments=list(SEGMENTS),
        events=[Event(date=e.date, label=label) for e, label in zip(profile.events, profile.event_labels, strict=True)],
        brand_colour=profile.brand_colour,
        extra_notebook=EXTRA_NOTEBOOKS.get(profile.client_id),
    )

"""docs/privacy.md, built from the data inventory (`privacy/inventory.py`).

The document is the basis for the organisation's DPIA: what is held, why, for how long and who
sees it, per area and model, with every field's level and what anonymisation does to it. It is
written in bokmål whatever language is active, and with the *default* retention settings (read
from `ressursvenn/settings.py` itself, not from the environment or the test settings), so the
file in the repository is the same wherever it is built. `manage.py privacy_doc` writes it;
`manage.py privacy_doc --check` (and `tests/test_doc.py`) fails when it is stale.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ressursvenn.privacy.inventory import (
    INVENTORY,
    LEVEL_LABELS,
    LEVEL_MEANINGS,
    RETENTION,
    Entry,
    Level,
    OnErase,
    field_label,
    retention_settings,
    retention_text,
    title_of,
)

# The document's sections, in this order: (title, the app labels whose models it holds).
AREAS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("Kvinnen: henvisningen"), ("participants",)),
    (_("Koblingen og koblingsmøtet"), ("matching",)),
    (_("Oppfølgingen av koblingen"), ("followup",)),
    (_("Spørreskjemaer og resultater"), ("surveys",)),
    (_("Ressursvennen: søknad, godkjenning, kurs og veiledning"), ("volunteers",)),
    (
        _("Brukere, roller og innlogging"),
        ("accounts", "otp_totp", "otp_static", "sessions", "axes"),
    ),
    (_("Organisasjoner og geografi"), ("organisations",)),
    (_("Logger, e-post og drift"), ("lib", "mailer", "admin", "auth", "contenttypes")),
)

# A short name for each retention rule (the table of retention periods).
RETENTION_NAMES: dict[str, Any] = {
    "woman": _("Kvinnen"),
    "volunteer": _("Ressursvennen"),
    "match": _("Koblingen og oppfølgingen"),
    "account": _("Brukerkontoer"),
    "log": _("Endringslogg og tilgangslogg"),
    "admin_log": _("Logg i den tekniske administrasjonen"),
    "technical": _("Tekniske logger (innlogging, sendt e-post)"),
    "mail_queue": _("E-post i kø"),
    "suppression": _("Adresser som ikke skal få e-post"),
    "session": _("Innloggede økter"),
    "reference": _("Referansedata og publiserte tekster"),
    "programme": _("Programmets egne data"),
    "system": _("Systemdata"),
}

KIND_NAMES: dict[str, Any] = {"woman": _("kvinnen"), "volunteer": _("ressursvennen")}
OWN_ROWS = _("Brukeren selv (når brukeren er en ressursvenn, hører radene også til henne).")
NOBODY = _("Ingen enkeltperson.")
NAMED_ONLY = _("Personen raden nevner, uten kobling til henne i databasen.")
ONLY = _("bare radene der %(filter)s")
IS = _("«%(field)s» er «%(value)s»")
AND = _("og")

GENERATED = (
    "<!-- Lages av `python manage.py privacy_doc` fra ressursvenn/privacy/inventory.py. "
    "Ikke rediger filen for hånd: endre inventaret og kjør kommandoen. -->"
)

INTRO = (
    _(
        "Ressursvenn er systemet Norske Kvinners Sanitetsforening bruker for å koble kvinner "
        "som har fått hjelp av et krisesenter, med en frivillig ressursvenn i nærmiljøet. "
        "Systemet har opplysninger om kvinner som kan være utsatt for vold, og en feil kan få "
        "alvorlige følger. Denne oversikten viser alt systemet lagrer: hvorfor, hvem som ser "
        "det, og hvor lenge det lagres. Den er grunnlaget for organisasjonens vurdering av "
        "personvernkonsekvenser (DPIA)."
    ),
    _(
        "Oversikten lages fra datainventaret i koden (ressursvenn/privacy/inventory.py). Hvert "
        "felt i hver tabell er klassifisert, også i tabellene til modulene systemet bygger på. "
        "En test feiler når et nytt felt mangler i inventaret eller når denne filen ikke "
        "stemmer med det, så oversikten er alltid fullstendig."
    ),
    _(
        "Kvinnen har ingen brukerkonto. Systemet lagrer aldri adressen hennes, noe om "
        "voldsutøveren eller kopier av politiattester. Navnet hennes, kontaktopplysningene, "
        "områdene hun må unngå og all fritekst om en person lagres kryptert."
    ),
)

ANONYMISATION = (
    _(
        "Når lagringstiden er ute, eller når en person ber om det, anonymiseres hun: "
        "personopplysninger og hemmelige felt i radene hennes får nøytrale verdier (tomme "
        "eller «Anonymisert»), rader som ikke betyr noe uten henne slettes, og verdier om henne "
        "i endringsloggen maskeres. Datoer, statuser og hvilken lokalforening og hvilket "
        "krisesenter raden hører til, beholdes, så statistikken er den samme etterpå."
    ),
    _(
        "Rader som gjelder både kvinnen og ressursvennen (koblingen og det som hører til den), "
        "anonymiseres når den første av dem anonymiseres. Rader som gjelder bare den ene "
        "(for eksempel en oppfølgingssamtale med kvinnen), når hun anonymiseres. Når kvinnen "
        "anonymiseres, anonymiseres også oppfølgingssamtalene, avslutningssamtalen og "
        "spørreskjemaene til ressursvennen i koblingen hennes: notatene handler om koblingen "
        "og kan nevne kvinnen."
    ),
    _(
        "Ved innsyn får personen alt som er lagret om henne, det vil si alle feltene i "
        "tabellene under som gjelder henne, og hvem som har sett opplysningene hennes og når. "
        "Tilgangsnøkler (passordets sjekksum, nøkkelen for engangskoder, koder i lenker) vises "
        "ikke, bare at de finnes. En kvinnes opplysninger vises aldri i innsynet til en "
        "ressursvenn, og omvendt, bortsett fra radene om koblingen de har sammen."
    ),
)

CLEARED = _("tømmes")
KEPT = _("beholdes")
KEPT_FOR_STATISTICS = _("beholdes for statistikken")
DELETED = _("slettes")
SEE_NOTE = _("se «Ved anonymisering»")
CREDENTIAL = _("tilgangsnøkkel, vises ikke ved innsyn")

TITLE = _("Personvern i Ressursvenn: hva som lagres, hvorfor og hvor lenge")
HOW_TO_READ = _("Slik leser du oversikten")
HOW_TO_READ_TEXT = _(
    "Hvert felt har ett av fire nivåer. Kolonnen «Ved anonymisering» sier hva som skjer med "
    "feltet når personen det gjelder, anonymiseres."
)
HOW_LONG = _("Hvor lenge opplysningene lagres")
HOW_LONG_TEXT = _(
    "Tallene er standardverdiene; driftsansvarlig kan endre dem med innstillingene i tabellen. "
    "Anonymisering og sletting kjøres hver natt (manage.py apply_retention)."
)
ANONYMISATION_TITLE = _("Anonymisering, innsyn og sletting")
KEPT_INTRO = _("Personopplysninger som beholdes for statistikken:")
PURPOSE = _("Formål")
SEEN_BY = _("Hvem ser det")
RETENTION_LABEL = _("Lagringstid")
WHOSE = _("Hvem opplysningene gjelder")
ON_ERASE = _("Ved anonymisering")
KEEPS = _("Beholdes for statistikken")
FIELD = _("Felt")
LEVEL = _("Nivå")
MEANS = _("Betyr")
WHAT = _("Opplysninger")
SETTING = _("Innstilling")
FATES: tuple[tuple[Any, Any], ...] = (
    (CLEARED, _("Feltet får en nøytral verdi (tomt eller «Anonymisert»).")),
    (
        KEPT_FOR_STATISTICS,
        _("Personopplysningen beholdes fordi statistikken trenger den; grunnen står ved tabellen."),
    ),
    (KEPT, _("Feltet er ikke en personopplysning og står som før.")),
    (DELETED, _("Hele raden slettes.")),
    (
        SEE_NOTE,
        _(
            "Tabellen har ingen kobling til personen i databasen; teksten ved tabellen sier "
            "hvordan den behandles."
        ),
    ),
)


def settings_file() -> Path:
    spec = importlib.util.find_spec("ressursvenn.settings")
    if spec is None or spec.origin is None:
        raise LookupError("ressursvenn.settings cannot be found.")
    return Path(spec.origin)


def setting_defaults(source: str | None = None) -> dict[str, int]:
    """The default of every whole-number setting read with `env_int("NAME", default, …)` in
    settings.py (`source`: the file's text), by setting name: what the values are when the
    environment sets none."""
    tree = ast.parse(settings_file().read_text() if source is None else source)
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, call = node.targets[0], node.value
        if not (isinstance(target, ast.Name) and isinstance(call, ast.Call)):
            continue
        if not (isinstance(call.func, ast.Name) and call.func.id == "env_int"):
            continue
        if len(call.args) < 2:
            continue
        try:
            value = ast.literal_eval(call.args[1])
        except ValueError:
            continue
        if isinstance(value, int):
            found[target.id] = value
    return found


def retention_values(defaults: Mapping[str, int] | None = None) -> dict[str, int]:
    """The settings the RETENTION texts name, with their default values."""
    defaults = setting_defaults() if defaults is None else defaults
    names = {setting for key in RETENTION for setting in retention_settings(key).values()}
    missing = sorted(names - set(defaults))
    if missing:
        raise LookupError(f"settings.py has no env_int default for {', '.join(missing)}.")
    return {name: defaults[name] for name in sorted(names)}


def area_of(label: str) -> int:
    app_label = label.split(".", 1)[0]
    for index, (_title, app_labels) in enumerate(AREAS):
        if app_label in app_labels:
            return index
    raise LookupError(f"{label}: its app is in no area of docs/privacy.md (doc.AREAS).")


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _final_field(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    """The field a lookup path ("response__respondent") ends at."""
    *hops, last = path.split("__")
    for hop in hops:
        model = model._meta.get_field(hop).related_model  # type: ignore[assignment]
    found = model._meta.get_field(last)
    if not isinstance(found, models.Field):
        raise LookupError(f"{path}: not a field.")
    return found


def _narrowing(label: str, filters: Mapping[str, Any]) -> str:
    """The `only` filters in words: "«med hvem» er «Kvinnen»"."""
    model = apps.get_model(label)
    parts = []
    for path, value in sorted(filters.items()):
        target = _final_field(model, path)
        name = field_label(target.model._meta.label_lower, target.name)
        shown = dict(target.flatchoices).get(value, value) if target.choices else value
        parts.append(str(IS) % {"field": name, "value": shown})
    return ", ".join(parts)


def _whose(label: str, item: Entry) -> str:
    if item.user is not None:
        return str(OWN_ROWS)
    kinds = item.kinds()
    if not kinds:
        return str(NAMED_ONLY if item.fields_at(Level.PERSONAL, Level.SECRET) else NOBODY)
    parts = []
    for kind in kinds:
        text = str(KIND_NAMES[kind])
        if kind in item.only:
            text += " (" + str(ONLY) % {"filter": _narrowing(label, item.only[kind])} + ")"
        parts.append(text)
    return _capital(f" {AND} ".join(parts)) + "."


def _on_erase(item: Entry) -> str:
    personal = item.fields_at(Level.PERSONAL, Level.SECRET)
    if not item.kinds():
        if item.erasure_note:
            return str(item.erasure_note)
        if personal:
            raise LookupError("An entry with personal fields and no path needs an erasure_note.")
        return str(_("Berøres ikke: radene inneholder ingen personopplysninger."))
    if item.on_erase is OnErase.DELETE:
        return str(_("Radene slettes."))
    if not personal:
        return str(_("Radene beholdes; de inneholder ingen personopplysninger."))
    if item.keeps:
        return str(
            _(
                "Radene beholdes; personopplysninger og hemmelige felt tømmes, unntatt det "
                "statistikken trenger."
            )
        )
    return str(_("Radene beholdes; personopplysninger og hemmelige felt tømmes."))


def _field_fate(item: Entry, name: str) -> str:
    level = item.fields[name]
    personal = level in (Level.PERSONAL, Level.SECRET)
    if not item.kinds():
        return str(SEE_NOTE if personal else KEPT)
    if item.on_erase is OnErase.DELETE:
        return str(DELETED)
    if not personal:
        return str(KEPT)
    return str(KEPT_FOR_STATISTICS if name in item.keeps else CLEARED)


def _capital(text: Any) -> str:
    shown = str(text)
    return shown[:1].upper() + shown[1:]


def _table(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> list[str]:
    names = [_cell(name) for name in header]
    lines = ["| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    lines.extend("| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)
    return lines


def _field_rows(label: str, item: Entry) -> list[str]:
    model = apps.get_model(label)
    rows = []
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        level = str(LEVEL_LABELS[item.fields[name]])
        if name in item.credentials:
            level += f" ({CREDENTIAL})"
        shown = f"{_cell(field_label(label, name))} (`{name}`)"
        rows.append((shown, _cell(level), _cell(_field_fate(item, name))))
    return _table((FIELD, LEVEL, ON_ERASE), rows)


def _model_section(label: str, item: Entry, values: Mapping[str, int]) -> list[str]:
    facts = [
        (PURPOSE, item.purpose),
        (SEEN_BY, item.seen_by),
        (RETENTION_LABEL, retention_text(item.retention, values)),
        (WHOSE, _whose(label, item)),
        (ON_ERASE, _on_erase(item)),
    ]
    if item.keeps:
        kept = ", ".join(str(field_label(label, name)) for name in sorted(item.keeps))
        facts.append((KEEPS, f"{kept}. {item.kept_because}"))
    lines = [f"### {_capital(title_of(label))} (`{label}`)", ""]
    lines.extend(f"- **{name}:** {_cell(text)}" for name, text in facts)
    return [*lines, "", *_field_rows(label, item), ""]


def _retention_table(values: Mapping[str, int]) -> list[str]:
    rows = []
    for key in RETENTION:
        names = sorted(set(retention_settings(key).values()))
        setting = ", ".join(f"`{name}`" for name in names) or "–"
        rows.append((_cell(RETENTION_NAMES[key]), _cell(retention_text(key, values)), setting))
    return _table((WHAT, RETENTION_LABEL, SETTING), rows)


def _kept_list() -> list[str]:
    return [
        f"- **{_cell(_capital(title_of(label)))}**, {_cell(field_label(label, name))}: "
        f"{_cell(INVENTORY[label].kept_because)}"
        for label in sorted(INVENTORY)
        for name in sorted(INVENTORY[label].keeps)
    ]


def build(defaults: Mapping[str, int] | None = None) -> str:
    """The Markdown of docs/privacy.md: bokmål, the settings' defaults (or `defaults`: setting
    name → value), every entry of the inventory by area and label."""
    with translation.override("nb"):
        values = retention_values(defaults)
        lines = [f"# {TITLE}", "", GENERATED, ""]
        for paragraph in INTRO:
            lines += [_cell(paragraph), ""]
        lines += [f"## {HOW_TO_READ}", "", _cell(HOW_TO_READ_TEXT), ""]
        lines += _table(
            (LEVEL, MEANS), ((LEVEL_LABELS[lv], _cell(LEVEL_MEANINGS[lv])) for lv in Level)
        )
        lines += ["", *_table((ON_ERASE, MEANS), ((a, _cell(b)) for a, b in FATES)), ""]
        lines += [f"## {HOW_LONG}", "", _cell(HOW_LONG_TEXT), ""]
        lines += [*_retention_table(values), ""]
        lines += [f"## {ANONYMISATION_TITLE}", ""]
        for paragraph in ANONYMISATION:
            lines += [_cell(paragraph), ""]
        kept = _kept_list()
        if kept:
            lines += [_cell(KEPT_INTRO), "", *kept, ""]
        grouped: dict[int, list[str]] = {}
        for label in sorted(INVENTORY):
            grouped.setdefault(area_of(label), []).append(label)
        for index, (area_title, _app_labels) in enumerate(AREAS):
            if index not in grouped:
                continue
            lines += [f"## {area_title}", ""]
            for label in grouped[index]:
                lines += _model_section(label, INVENTORY[label], values)
    return "\n".join(lines).rstrip("\n") + "\n"

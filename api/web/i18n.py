"""Every word on the web pages, Dutch first, English available.

Finding kinds, purposes, roles and consent decisions are named by the modules that own them
(screening.messages, consent_store.purposes, consent_store.records); this module holds the
page text around them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from consent_store.purposes import PURPOSE_LABELS, Purpose
from consent_store.records import (
    DECISION_LABELS,
    GIVEN_BY_LABELS,
    ROLE_LABELS,
    ConsentDecision,
    GivenBy,
    Role,
)
from kernel.types import Channel
from screening.messages import kind_advice, kind_label

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
DEFAULT_LANG: Lang = "nl"

TEXTS: dict[str, tuple[str, str]] = {
    # Frame
    "app_name": ("Berichtencheck", "Post check"),
    "app_tagline": ("Controle van schoolberichten vóór publicatie", "Screening school posts"),
    "skip_link": ("Naar de inhoud", "Skip to content"),
    "nav_label": ("Hoofdmenu", "Main menu"),
    "nav_screen": ("Bericht controleren", "Check a post"),
    "nav_registry": ("Toestemmingsregister", "Consent registry"),
    "nav_import": ("CSV inlezen", "Import CSV"),
    "lang_switch_label": ("Taal", "Language"),
    "signed_in_as": ("Ingelogd als {name}", "Signed in as {name}"),
    "logout": ("Uitloggen", "Sign out"),
    "footer": (
        "Concepten worden niet bewaard. Bij twijfel: niet publiceren.",
        "Drafts are not kept. When in doubt, do not publish.",
    ),
    # Login
    "login_title": ("Inloggen", "Sign in"),
    "login_intro": (
        "Plak de sleutel die u van de beheerder van Berichtencheck hebt gekregen. Hebt u "
        "geen sleutel, of werkt hij niet meer? Vraag de beheerder dan om een nieuwe.",
        "Paste the key the administrator of Post check gave you. No key, or does it no "
        "longer work? Ask the administrator for a new one.",
    ),
    "login_key": ("API-sleutel", "API key"),
    "login_submit": ("Inloggen", "Sign in"),
    "login_bad_key": (
        "Deze sleutel is onbekend of ingetrokken. Controleer of u hem helemaal hebt geplakt.",
        "This key is unknown or revoked. Check that you pasted all of it.",
    ),
    "login_empty_key": ("Plak eerst een API-sleutel.", "Paste an API key first."),
    "login_wrong_role": (
        "Deze sleutel is niet voor de webpagina bedoeld (alleen voor de browserextensie of "
        "de API). Vraag de beheerder om een sleutel voor communicatie of het register.",
        "This key is not meant for the web page (only for the browser extension or the API). "
        "Ask your administrator for an officer or registry key.",
    ),
    "logged_out": ("U bent uitgelogd.", "You are signed out."),
    "session_expired": (
        "Uw sessie is verlopen of u bent nog niet ingelogd.",
        "Your session has expired or you are not signed in yet.",
    ),
    # Errors
    "error_title": ("Er ging iets mis", "Something went wrong"),
    "error_csrf": (
        "Het formulier is verlopen of kwam niet van deze pagina. Laad de pagina opnieuw en "
        "probeer het nog eens; er is niets gewijzigd.",
        "The form has expired or did not come from this page. Reload the page and try again; "
        "nothing was changed.",
    ),
    "error_forbidden": (
        "U hebt hiervoor geen rechten. Vraag de beheerder om een sleutel met de rol {role}.",
        "You do not have the rights for this. Ask your administrator for a key with the role "
        "{role}.",
    ),
    "error_not_found": ("Deze pagina bestaat niet.", "This page does not exist."),
    "error_bad_request": (
        "Dit adres klopt niet (een datum of nummer in de verkeerde vorm). Ga terug en "
        "probeer het opnieuw.",
        "This address is not right (a date or number in the wrong form). Go back and try again.",
    ),
    "error_unavailable": (
        "De dienst is nog aan het opstarten of het register is niet bereikbaar. Probeer het "
        "over een minuut opnieuw.",
        "The service is still starting or the registry cannot be reached. Try again in a minute.",
    ),
    "error_internal": (
        "Er ging iets mis aan onze kant. Er is niets gewijzigd. Probeer het opnieuw of "
        "meld het aan de beheerder (foutcode {code}).",
        "Something went wrong on our side. Nothing was changed. Try again or tell the "
        "administrator (error code {code}).",
    ),
    "error_summary": ("Controleer het formulier", "Please check the form"),
    "back_home": ("Terug naar het begin", "Back to the start"),
    # Screen form
    "screen_title": ("Bericht controleren", "Check a post"),
    "screen_intro": (
        "Schrijf of plak het bericht, voeg de foto's toe en kies waar en wanneer het "
        "verschijnt. U krijgt direct te zien of het geplaatst mag worden.",
        "Write or paste the post, add the photos and choose where and when it will appear. "
        "You see at once whether it may be published.",
    ),
    "form_title": ("Uw bericht", "Your post"),
    "field_text": ("Tekst van het bericht", "Text of the post"),
    "field_photos": ("Foto's", "Photos"),
    "photos_hint": (
        "JPEG, PNG, HEIC, WebP, GIF of TIFF. Sleep foto's hierheen of kies ze.",
        "JPEG, PNG, HEIC, WebP, GIF or TIFF. Drop photos here or choose them.",
    ),
    "photos_again": (
        "Voeg de foto's opnieuw toe als u het bericht opnieuw wilt laten controleren; "
        "ze worden niet bewaard.",
        "Add the photos again to check the post again; they are not kept.",
    ),
    "photos_too_large": (
        "Samen zijn de foto's groter dan {mb} MB. Kies minder of kleinere foto's.",
        "Together the photos are larger than {mb} MB. Choose fewer or smaller photos.",
    ),
    "field_channel": ("Kanaal", "Channel"),
    "field_date": ("Publicatiedatum", "Publication date"),
    "field_policy": ("Gedragscode", "Code of conduct"),
    "screen_submit": ("Controleren", "Check"),
    "screening_busy": ("Bezig met controleren…", "Checking…"),
    "bad_channel": ("Kies een kanaal uit de lijst.", "Choose a channel from the list."),
    "bad_date": (  # issue 16 point 5 (officer): dates as dd-mm-jjjj
        "Geef de publicatiedatum als DD-MM-JJJJ, bijvoorbeeld {example}.",
        "Give the publication date as YYYY-MM-DD, e.g. {example}.",
    ),
    "bad_day": (
        "Geef de datum als dd-mm-jjjj, bijvoorbeeld {example}.",
        "Give the date as YYYY-MM-DD, e.g. {example}.",
    ),
    "bad_policy": ("Kies een gedragscode uit de lijst.", "Choose a code of conduct from the list."),
    # Result
    "result_title": ("Uitslag", "Result"),
    "verdict_publish": ("Publiceren", "Publish"),
    "verdict_publish_sub": (
        "Geen bezwaren gevonden. Het bericht mag op {channel} op {date}.",
        "No objections found. The post may go on {channel} on {date}.",
    ),
    "verdict_hold": ("Niet publiceren (vasthouden)", "Do not publish (hold)"),
    "verdict_hold_sub": (
        "Pas eerst de punten hieronder aan. Bij twijfel: niet publiceren.",
        "Change the points below first. When in doubt, do not publish.",
    ),
    "redacted_resolves": (  # issue 16 point 1: one name for the publishable photo
        "Met de publiceerbare versie van de foto's (gezichten vervaagd, fotogegevens "
        "verwijderd) mag het bericht wel geplaatst worden, als de tekst in orde is.",
        "With the publishable version of the photos (faces blurred, metadata removed) the post "
        "may be published, if the text is fine.",
    ),
    "redacted_resolves_metadata": (  # issue 16 point 1: no blur notice when nothing is blurred
        "Met de publiceerbare versie van de foto's (fotogegevens verwijderd) mag het bericht "
        "wel geplaatst worden, als de tekst in orde is.",
        "With the publishable version of the photos (metadata removed) the post may be "
        "published, if the text is fine.",
    ),
    "reasons_title": ("Waarom niet publiceren", "Why not to publish"),
    "what_to_do": ("Wat te doen", "What to do"),
    "articles_cited": ("Uit de gedragscode", "From the code of conduct"),
    "article_label": ("Artikel {label}", "Article {label}"),
    "quoted_above": ("(hierboven geciteerd)", "(quoted above)"),
    "in_text": ("In de tekst: “{text}”", "In the text: “{text}”"),
    "in_photo": ("Foto {n}", "Photo {n}"),
    "in_photo_person": ("Foto {n}: {name}", "Photo {n}: {name}"),
    "unknown_person": ("onbekend", "unknown"),
    "text_marked_title": (
        "Uw tekst, met de gevonden punten gemarkeerd",
        "Your text, findings marked",
    ),
    "notices_title": ("Ter informatie", "For your information"),
    "notices_intro": (
        "Deze punten houden het bericht niet tegen, maar zijn goed om te weten.",
        "These points do not block the post, but are good to know.",
    ),
    "note_below_threshold": (
        "twijfelachtig; controleer het zelf",
        "uncertain; check it yourself",
    ),
    "note_public_contact": ("openbaar contactgegeven van de school", "the school's public contact"),
    "photos_title": ("Foto's", "Photos"),
    "photo_alt": (
        "Foto {n} ({name}) met de gevonden gezichten omkaderd",
        "Photo {n} ({name}) with the faces found boxed",
    ),
    "photo_no_faces": ("Geen gezichten gevonden.", "No faces found."),
    "download_redacted": (
        "Download publiceerbare foto {n}",
        "Download publishable photo {n}",
    ),
    "download_all": (
        "Download alle publiceerbare foto's (zip)",
        "Download all publishable photos (zip)",
    ),
    "outputs_expired": (
        "De foto's van deze controle zijn niet meer beschikbaar (ze worden maar kort "
        "bewaard). Laat het bericht opnieuw controleren.",
        "The photos of this check are no longer available (they are kept only briefly). "
        "Check the post again.",
    ),
    "policy_used": (
        "Gecontroleerd met {title} (versie {version}).",
        "Checked with {title} (version {version}).",
    ),
    "post_id": ("Controlenummer", "Check id"),
    "no_findings": ("Niets gevonden.", "Nothing found."),
    # Registry: people
    "registry_title": ("Toestemmingsregister", "Consent registry"),
    "registry_read_only": (
        "U kunt het register inzien, maar niet wijzigen.",
        "You can view the registry, but not change it.",
    ),
    "search_label": ("Zoek op naam of leerlingnummer", "Search by name or id"),
    "search_submit": ("Zoeken", "Search"),
    "search_none": ("Niemand gevonden voor “{q}”.", "Nobody found for “{q}”."),
    "search_count": ("{n} gevonden", "{n} found"),
    "search_truncated": (
        "Alleen de eerste {n} worden getoond; zoek preciezer.",
        "Only the first {n} are shown; search more precisely.",
    ),
    "people_count": ("Het register bevat {n} personen.", "The registry holds {n} people."),
    "col_id": ("Nummer", "Id"),
    "col_name": ("Naam", "Name"),
    "col_role": ("Rol", "Role"),
    "col_group": ("Groep/klas", "Group"),
    "col_school": ("School", "School"),
    "add_person_title": ("Persoon toevoegen", "Add a person"),
    "field_person_id": ("Leerling- of personeelsnummer", "Pupil or staff id"),
    "field_name": ("Naam", "Name"),
    "field_role": ("Rol", "Role"),
    "field_birth_date": ("Geboortedatum", "Date of birth"),
    "field_school": ("School (niet verplicht)", "School (optional)"),
    "field_group": ("Groep of klas (niet verplicht)", "Group (optional)"),
    "field_aliases": (
        "Roepnamen of andere schrijfwijzen, gescheiden door ; (niet verplicht)",
        "Nicknames or other spellings, separated by ; (optional)",
    ),
    "add_person_submit": ("Toevoegen", "Add"),
    "person_added_short": ("De persoon is toegevoegd.", "The person was added."),
    "person_unknown": (
        "Er staat niemand met nummer “{id}” in het register.",
        "There is nobody with id “{id}” in the registry.",
    ),
    # Registry: person
    "person_title": ("{name} ({id})", "{name} ({id})"),
    "person_details": ("Gegevens", "Details"),
    "aliases": ("Andere namen", "Other names"),
    "consent_on_title": ("Toestemming op {date}", "Consent on {date}"),
    "consent_on_field": ("Toon de toestemming op datum", "Show consent on date"),
    "consent_on_submit": ("Tonen", "Show"),
    "col_purpose": ("Doel", "Purpose"),
    "col_valid": ("Geldig", "Valid"),
    "col_reason": ("Toelichting", "Explanation"),
    "valid_yes": ("Ja", "Yes"),
    "valid_no": ("Nee", "No"),
    "history_title": ("Geschiedenis", "History"),
    "history_empty": ("Nog niets vastgelegd.", "Nothing recorded yet."),
    "col_when": ("Vastgelegd op", "Recorded at"),
    "col_what": ("Wat", "What"),
    "col_school_year": ("Schooljaar", "School year"),
    "col_given_by": ("Gegeven door", "Given by"),
    "col_effective": ("Datum besluit", "Decision date"),
    "col_recorded_by": ("Door", "By"),
    "col_evidence": ("Bewijs", "Evidence"),
    "history_consent": ("{purpose}: {decision}", "{purpose}: {decision}"),
    "history_created": ("Persoon aangemaakt", "Person created"),
    "history_updated": ("Gegevens gewijzigd: {fields}", "Details changed: {fields}"),
    "record_title": ("Toestemming vastleggen", "Record consent"),
    "record_intro": (
        "Een nieuw besluit wordt toegevoegd aan de geschiedenis; eerdere besluiten blijven "
        "zichtbaar. Voor leerlingen jonger dan 16 beslist een ouder of voogd.",
        "A new decision is added to the history; earlier decisions stay visible. For pupils "
        "younger than 16 a parent or guardian decides.",
    ),
    "field_decision": ("Besluit", "Decision"),
    "field_purpose": ("Doel", "Purpose"),
    "field_school_year": ("Schooljaar (JJJJ-JJJJ)", "School year (YYYY-YYYY)"),
    "field_given_by": ("Gegeven door", "Given by"),
    "field_evidence": (
        "Bewijs (bijv. “toestemmingsformulier 2025, map 7B”)",
        "Evidence (e.g. “consent form 2025, folder 7B”)",
    ),
    "field_effective": ("Datum van het besluit", "Date of the decision"),
    "record_submit": ("Vastleggen", "Record"),
    "recorded_generic": (
        "Het besluit is vastgelegd; het staat bovenaan de geschiedenis.",
        "The decision was recorded; it is at the top of the history.",
    ),
    "bad_decision": (
        "Kies gegeven, geweigerd of ingetrokken.",
        "Choose granted, refused or withdrawn.",
    ),
    "bad_given_by": ("Kies wie het besluit nam.", "Choose who made the decision."),
    "bad_purpose": ("Kies een doel uit de lijst.", "Choose a purpose from the list."),
    "evidence_required": (
        "Zeg waaruit het besluit blijkt (bijv. “formulier van 1-9-2025, map 7B”).",
        "Say what the decision is based on (e.g. “form of 2025-09-01, folder 7B”).",
    ),
    "bad_person_id": ("Geef een nummer van 1 tot 64 tekens.", "Give an id of 1 to 64 characters."),
    "bad_name": ("Geef een naam van 1 tot 200 tekens.", "Give a name of 1 to 200 characters."),
    "bad_role": ("Kies een rol uit de lijst.", "Choose a role from the list."),
    "faces_title": ("Gezicht inschrijven", "Enrol a face"),
    "faces_intro": (
        "Alleen met geldige toestemming voor gezichtsherkenning. Elke foto moet precies één "
        "duidelijk gezicht tonen; anders wordt niets opgeslagen. De foto zelf wordt niet "
        "bewaard, alleen een versleuteld kenmerk.",
        "Only with valid consent for face matching. Each photo must show exactly one clear "
        "face; otherwise nothing is stored. The photo itself is not kept, only an encrypted "
        "template.",
    ),
    "faces_count": ("{n} gezicht(en) ingeschreven.", "{n} face(s) enrolled."),
    "faces_none": ("Nog geen gezicht ingeschreven.", "No face enrolled yet."),
    "field_face_photos": ("Pasfoto('s)", "Portrait photo(s)"),
    "faces_submit": ("Inschrijven", "Enrol"),
    "faces_enrolled": ("{n} gezicht(en) ingeschreven.", "{n} face(s) enrolled."),
    "faces_no_photo": ("Kies minstens één foto.", "Choose at least one photo."),
    "faces_unavailable": (
        "Gezichtsherkenning is op deze server niet beschikbaar.",
        "Face matching is not available on this server.",
    ),
    # Registry: import
    "import_title": ("CSV inlezen", "Import a CSV"),
    "import_intro": (
        "Kies een CSV-bestand (UTF-8) in het formaat van het register, of een export uit "
        "Magister/SOMtoday met een koppelbestand. U ziet eerst wat er zou veranderen; pas na "
        "uw bevestiging wordt het ingelezen. Een bestand met fouten verandert niets.",
        "Choose a CSV file (UTF-8) in the registry's format, or a Magister/SOMtoday export "
        "with a mapping file. You first see what would change; only after you confirm is it "
        "imported. A file with errors changes nothing.",
    ),
    "field_csv": ("CSV-bestand", "CSV file"),
    "field_mapping": ("Koppelbestand (TOML, niet verplicht)", "Mapping file (TOML, optional)"),
    "import_preview_submit": ("Bekijk wat er verandert", "Preview the changes"),
    "import_no_file": ("Kies een CSV-bestand.", "Choose a CSV file."),
    "import_too_large": (
        "Het bestand is groter dan {mb} MB.",
        "The file is larger than {mb} MB.",
    ),
    "preview_title": ("Voorbeeld: dit verandert er", "Preview: this will change"),
    "preview_summary": (
        "{rows} regels gelezen uit {source}: {added} personen nieuw, {updated} bijgewerkt, "
        "{records} toestemmingen toegevoegd, {skipped} ongewijzigd overgeslagen.",
        "{rows} rows read from {source}: {added} people new, {updated} updated, "
        "{records} consent records added, {skipped} unchanged and skipped.",
    ),
    "preview_nothing": (
        "Dit bestand verandert niets aan het register.",
        "This file changes nothing in the registry.",
    ),
    "preview_changes": ("Wijzigingen", "Changes"),
    "preview_more": (
        "… en meer; alleen de eerste {n} worden getoond.",
        "… and more; only the first {n} are shown.",
    ),
    "import_confirm": ("Bevestigen en inlezen", "Confirm and import"),
    "import_cancel": ("Annuleren", "Cancel"),
    "import_errors_title": (
        "Dit bestand kan niet worden ingelezen; er is niets veranderd",
        "This file cannot be imported; nothing was changed",
    ),
    "import_errors_intro": (
        "Verbeter deze regels en kies het bestand opnieuw:",
        "Fix these rows and choose the file again:",
    ),
    "col_line": ("Regel", "Line"),
    "col_problem": ("Probleem", "Problem"),
    "import_done": (
        "Ingelezen: {added} personen nieuw, {updated} bijgewerkt, {records} toestemmingen "
        "toegevoegd, {skipped} overgeslagen.",
        "Imported: {added} people new, {updated} updated, {records} consent records added, "
        "{skipped} skipped.",
    ),
    "import_expired": (
        "Dit voorbeeld is verlopen. Kies het bestand opnieuw.",
        "This preview has expired. Choose the file again.",
    ),
    # Issue 16, points 1, 2 and 5 (officer: result page, override, history, header)
    "meta_gps": ("GPS", "GPS"),
    "meta_maker": ("Maker", "Maker"),
    "meta_copyright": ("Auteursrecht", "Copyright"),
    "meta_owner": ("Eigenaar", "Owner"),
    "meta_place": ("Plaats", "Place"),
    "meta_credit": ("Fotograaf of bron", "Photographer or source"),
    "meta_person": ("Persoon op de foto", "Person in the photo"),
    "meta_contact": ("Contactgegevens van de maker", "Maker's contact details"),
    "meta_no_value": ("waarde niet leesbaar", "value unreadable"),
    "consent_missing": (
        "{name} heeft geen geldige toestemming voor {purpose} (kanaal {channel}, schooljaar "
        "{year}).",
        "{name} has no valid consent for {purpose} (channel {channel}, school year {year}).",
    ),
    "consent_record_link": (
        "Toestemming van {name} vastleggen in het register",
        "Record {name}'s consent in the registry",
    ),
    "publishable_note": (
        "In de publiceerbare versie: {changes}.",
        "In the publishable version: {changes}.",
    ),
    "publishable_faces_blurred": (
        "{n} gezicht(en) zonder toestemming vervaagd",
        "{n} face(s) without consent blurred",
    ),
    "publishable_text_blurred": (
        "{n} tekst(en) in de foto vervaagd",
        "{n} text(s) in the photo blurred",
    ),
    "publishable_metadata_removed": (
        "fotogegevens (zoals locatie en maker) verwijderd",
        "photo metadata (such as location and maker) removed",
    ),
    "reason_ref": ("Reden {n}", "Reason {n}"),
    "articles_open": ("Toon de artikelteksten", "Show the article texts"),
    "articles_close": ("Verberg de artikelteksten", "Hide the article texts"),
    "photo_enlarge": ("Foto {n} vergroten", "Enlarge photo {n}"),
    "photo_close": ("Sluiten", "Close"),
    "override_title": ("Toch publiceren?", "Publish anyway?"),
    "override_intro": (
        "Alleen als u zeker weet dat het mag, bijvoorbeeld omdat de toestemming op papier "
        "er wel is. Uw reden wordt vastgelegd en staat in de geschiedenis.",
        "Only if you are sure it is allowed, for example because the consent exists on paper. "
        "Your reason is recorded and shown in the history.",
    ),
    "override_covers": ("Dit geldt voor:", "This covers:"),
    "override_reason": ("Reden (verplicht)", "Reason (required)"),
    "override_reason_hint": (
        "Minstens {min} tekens: waarom is publiceren ondanks de blokkade terecht? Namen en "
        "andere persoonsgegevens worden vervangen door [naam], [telefoonnummer] enz.",
        "At least {min} characters: why is publishing right despite the hold? Names and other "
        "personal data are replaced by [naam], [telefoonnummer] and so on.",
    ),
    "override_officer": ("Uw naam (niet verplicht)", "Your name (optional)"),
    "override_submit": ("Toch publiceren en vastleggen", "Publish anyway and record"),
    "override_reason_length": (
        "Schrijf een reden van minstens {min} tekens.",
        "Write a reason of at least {min} characters.",
    ),
    "override_unknown_check": (
        "Deze controle is onbekend. Laat het bericht opnieuw controleren.",
        "This check is unknown. Check the post again.",
    ),
    "override_nothing_to_override": (
        "Deze controle hield niets tegen; er valt niets te overrulen.",
        "This check held nothing back; there is nothing to override.",
    ),
    "override_not_allowed": (
        "Deze controle is met een andere sleutel gedaan. Alleen die sleutel of een beheerder "
        "mag hem overrulen.",
        "This check was made with another key. Only that key or an administrator may override it.",
    ),
    "override_page_title": ("Toch publiceren", "Publish anyway"),
    "override_checked": (
        "Controle {id} van {date}, kanaal {channel}: niet publiceren.",
        "Check {id} of {date}, channel {channel}: hold.",
    ),
    "override_already": (
        "Dit is al vastgelegd: het bericht wordt toch gepubliceerd.",
        "This has been recorded already: the post is published anyway.",
    ),
    "override_line": ("{date} door {who}: “{reason}”", "{date} by {who}: “{reason}”"),
    "nav_history": ("Geschiedenis", "History"),
    "history_page_title": ("Geschiedenis van controles", "History of checks"),
    "history_intro": (
        "Alle controles en wie welk bericht toch publiceerde, de nieuwste bovenaan.",
        "Every check and who published which post anyway, newest first.",
    ),
    "history_privacy": (
        "Van een controle bewaart de geschiedenis alleen wanneer, door wie, het kanaal, de "
        "uitslag en de soorten bevindingen; nooit de tekst of de foto's van het bericht.",
        "For each check the history keeps only when, by whom, the channel, the verdict and the "
        "kinds of findings; never the text or the photos of the post.",
    ),
    "history_filter_title": ("Filteren", "Filter"),
    "history_from": ("Van (DD-MM-JJJJ)", "From (date)"),
    "history_to": ("Tot en met (DD-MM-JJJJ)", "Up to and including (date)"),
    "history_verdict": ("Uitslag", "Verdict"),
    "history_kind": ("Soort bevinding", "Kind of finding"),
    "history_who": ("Door (sleutel)", "By (key)"),
    "history_all": ("Alle", "All"),
    "history_filter_submit": ("Filteren", "Filter"),
    "history_reset": ("Filters wissen", "Clear filters"),
    "history_download": ("Download als CSV (voor Excel)", "Download as CSV (for Excel)"),
    "history_count": ("{n} controle(s)", "{n} check(s)"),
    "history_more": (
        "Alleen de nieuwste {n} worden getoond; verfijn het filter of download de CSV.",
        "Only the newest {n} are shown; narrow the filter or download the CSV.",
    ),
    "history_none": ("Geen controles gevonden.", "No checks found."),
    "history_bad_date": (
        "Geef de datum als DD-MM-JJJJ, bijvoorbeeld {example}.",
        "Give the date as YYYY-MM-DD, e.g. {example}.",
    ),
    "history_bad_range": (
        "De einddatum ligt vóór de begindatum.",
        "The end date is before the start date.",
    ),
    "history_overridden": (
        "Vastgelegd: dit bericht wordt toch gepubliceerd. De reden staat in de geschiedenis "
        "hieronder.",
        "Recorded: this post is published anyway. The reason is in the history below.",
    ),
    "col_h_when": ("Wanneer", "When"),
    "col_h_who": ("Door", "By"),
    "col_h_channel": ("Kanaal", "Channel"),
    "col_h_verdict": ("Uitslag", "Verdict"),
    "col_h_findings": ("Bevindingen", "Findings"),
    "col_h_override": ("Toch gepubliceerd", "Published anyway"),
    "col_h_post": ("Controlenummer", "Check id"),
    "verdict_row_publish": ("Publiceren", "Publish"),
    "verdict_row_hold": ("Vastgehouden", "Held"),
    "verdict_row_override": ("Toch gepubliceerd", "Published anyway"),
    "csv_date": ("Datum", "Date"),
    "csv_time": ("Tijd", "Time"),
    "csv_who": ("Door", "By"),
    "csv_channel": ("Kanaal", "Channel"),
    "csv_verdict": ("Uitslag", "Verdict"),
    "csv_findings": ("Bevindingen", "Findings"),
    "csv_override_when": ("Toch gepubliceerd op", "Published anyway on"),
    "csv_override_who": ("Toch gepubliceerd door", "Published anyway by"),
    "csv_override_reason": ("Reden", "Reason"),
    "csv_post_id": ("Controlenummer", "Check id"),
    # End of issue 16, points 1, 2 and 5 (officer)
    # Issue 16, point 3 and point 5 (registry, import and sign-in pages)
    "date_hint": ("Als dd-mm-jjjj, bijvoorbeeld {example}.", "As YYYY-MM-DD, e.g. {example}."),
    "giver_too_young": (
        "{name} was op {date} {age} jaar. Onder de {limit} geeft een ouder of voogd "
        "toestemming, niet de leerling zelf. Kies bij ‘Gegeven door’ ouder of voogd; er is "
        "nog niets vastgelegd.",
        "{name} was {age} on {date}. Under {limit} a parent or guardian gives consent, not the "
        "pupil. Choose parent or guardian under ‘Given by’; nothing has been recorded yet.",
    ),
    "giver_old_enough": (
        "{name} was op {date} {age} jaar. Vanaf {limit} jaar geeft de leerling zelf "
        "toestemming, niet een ouder of voogd. Kies bij ‘Gegeven door’ zelf; er is nog niets "
        "vastgelegd.",
        "{name} was {age} on {date}. From {limit} the pupil gives consent, not a parent or "
        "guardian. Choose self under ‘Given by’; nothing has been recorded yet.",
    ),
    "giver_self_only": (
        "{name} is {role} en geeft zelf toestemming. Kies bij ‘Gegeven door’ zelf; er is nog "
        "niets vastgelegd.",
        "{name} is a {role} and gives consent in person. Choose self under ‘Given by’; nothing "
        "has been recorded yet.",
    ),
    "faces_need_consent": (
        "Inschrijven kan pas als er geldige toestemming voor gezichtsherkenning is ({reason}).",
        "Enrolment is possible only with valid consent for face matching ({reason}).",
    ),
    "faces_record_consent": (
        "Leg eerst de toestemming voor gezichtsherkenning vast",
        "First record the consent for face matching",
    ),
    "history_face_enrolled": (
        "Gezicht ingeschreven voor gezichtsherkenning",
        "Face enrolled for face matching",
    ),
    "import_template_title": ("Sjabloon en kolommen", "Template and columns"),
    "import_template_link": ("Download het sjabloon (CSV)", "Download the template (CSV)"),
    "import_template_intro": (
        "Vul het sjabloon in met Excel of een ander rekenprogramma en sla het op als ‘CSV "
        "UTF-8’. Gebruik één regel per persoon en doel: wie toestemming heeft voor twee "
        "doelen, staat er twee keer in. De kolommen:",
        "Fill in the template with Excel or another spreadsheet and save it as ‘CSV UTF-8’. "
        "Use one row per person and purpose: someone with consent for two purposes appears "
        "twice. The columns:",
    ),
    "import_columns_note": (
        "Een export uit het register zelf (met Engelse kolomnamen) kan ook worden ingelezen.",
        "An export from the registry itself (with English column names) can be imported too.",
    ),
    "col_column": ("Kolom", "Column"),
    "col_meaning": ("Betekenis", "Meaning"),
    "col_values": ("Mogelijke waarden", "Possible values"),
    "col_example": ("Voorbeeld", "Example"),
    # End of issue 16, point 3 and point 5 (registry, import and sign-in pages)
}

CHANNEL_LABELS: dict[Channel, tuple[str, str]] = {
    Channel.INSTAGRAM: ("Instagram", "Instagram"),
    Channel.FACEBOOK: ("Facebook", "Facebook"),
    Channel.LINKEDIN: ("LinkedIn", "LinkedIn"),
    Channel.X: ("X (Twitter)", "X (Twitter)"),
    Channel.TIKTOK: ("TikTok", "TikTok"),
    Channel.YOUTUBE: ("YouTube", "YouTube"),
    Channel.WEBSITE: ("Website van de school", "School website"),
    Channel.NEWSLETTER: ("Nieuwsbrief", "Newsletter"),
    Channel.SCHOOL_GUIDE: ("Schoolgids", "School guide"),
    Channel.WHATSAPP: ("WhatsApp (lessen)", "WhatsApp (lessons)"),
}


def pick_lang(value: str | None) -> Lang:
    """A supported language from a cookie or query value; Dutch otherwise."""
    return "en" if value == "en" else "nl"


class Translator:
    """The page text in one language; templates call it as `t(key, **values)`."""

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang

    def __call__(self, key: str, **values: object) -> str:
        nl, en = TEXTS[key]
        text = nl if self.lang == "nl" else en
        return text.format(**values) if values else text

    def _pair(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "nl" else pair[1]

    def channel(self, value: str) -> str:
        """The name of a channel."""
        return self._pair(CHANNEL_LABELS[Channel(value)])

    def purpose(self, value: str) -> str:
        """The name of a consent purpose."""
        return self._pair(PURPOSE_LABELS[Purpose(value)])

    def role(self, value: str) -> str:
        """The name of a person's role."""
        return self._pair(ROLE_LABELS[Role(value)])

    def decision(self, value: str) -> str:
        """The word for a consent decision."""
        return self._pair(DECISION_LABELS[ConsentDecision(value)])

    def given_by(self, value: str) -> str:
        """Who gave a consent decision."""
        return self._pair(GIVEN_BY_LABELS[GivenBy(value)])

    def kind(self, kind: str) -> str:
        """The plain-language name of a finding kind."""
        return kind_label(kind, self.lang)

    def advice(self, kind: str) -> str:
        """What to do about a finding kind."""
        return kind_advice(kind, self.lang)

    def date(self, value: object) -> str:
        """A date the way people write it here (22-11-2026 in Dutch, 2026-11-22 in English)."""
        if isinstance(value, datetime):
            # Stored in UTC; shown in the server's local time, as people read clocks.
            value = value.astimezone() if value.tzinfo else value
            fmt = "%d-%m-%Y %H:%M" if self.lang == "nl" else "%Y-%m-%d %H:%M"
            return value.strftime(fmt)
        if isinstance(value, date):
            return value.strftime("%d-%m-%Y" if self.lang == "nl" else "%Y-%m-%d")
        if isinstance(value, str):
            return self.date(date.fromisoformat(value))
        return str(value)

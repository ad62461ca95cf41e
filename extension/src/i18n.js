// User-facing text of the extension: Dutch first, English available.

export const LANGS = /** @type {const} */ (['nl', 'en']);

const STRINGS = {
  nl: {
    brand: 'Schoolcontrole',
    empty: 'Controle actief: uw bericht wordt gecontroleerd terwijl u typt.',
    checking: 'Bezig met controleren…',
    publish: 'Kan geplaatst worden',
    publishDetail: 'De controle vond niets dat plaatsen in de weg staat.',
    hold: 'Niet plaatsen',
    holdDetail: 'De controle vond iets dat volgens de gedragscode niet geplaatst mag worden:',
    notices: 'Let op (blokkeert niet):',
    unreachable: 'Controledienst onbereikbaar',
    unreachableDetail:
      'De controledienst van de school reageert niet. Het bericht is NIET gecontroleerd.',
    starting: 'Controledienst start nog op',
    startingDetail: 'De controledienst is nog niet klaar. Het bericht is NIET gecontroleerd.',
    notConfigured: 'Extensie niet ingesteld',
    notConfiguredDetail:
      'Vul in de instellingen van de extensie het adres van de controledienst en de sleutel in.',
    noPermission: 'Geen toegang tot de controledienst',
    noPermissionDetail:
      'Open de instellingen van de extensie en sla ze opnieuw op om toegang te geven.',
    auth: 'Sleutel geweigerd',
    authDetail: 'De controledienst weigert de API-sleutel. Vraag een nieuwe sleutel aan.',
    rejected: 'Controle niet mogelijk',
    error: 'Controle mislukt',
    errorDetail: 'Er ging iets mis bij de controle. Het bericht is NIET gecontroleerd.',
    incomplete: 'Niet alles gecontroleerd',
    incompleteDetail: 'De tekst is in orde, maar niet alle foto’s konden worden gecontroleerd.',
    imagesTooMany: 'Er zijn meer dan {max} foto’s; alleen de eerste {max} zijn gecontroleerd.',
    imageUnreadable: 'Bestand “{name}” kon in de browser niet als foto worden gelezen en is niet gecontroleerd.',
    imagesChecked: '{n} foto(’s) meegecontroleerd.',
    article: 'Artikel {label}',
    found: 'gevonden: “{text}”',
    inImage: 'in foto {n}',
    showDetails: 'Details',
    hideDetails: 'Inklappen',
    // Interception dialogs.
    holdTitle: 'Dit bericht niet plaatsen',
    holdIntro: 'De controle van de school houdt dit bericht tegen:',
    holdReasonLabel:
      'Wilt u het toch plaatsen? Geef dan een reden (minstens 10 tekens). De reden wordt bij de school vastgelegd.',
    officerLabel: 'Uw naam (niet verplicht)',
    back: 'Terug naar het bericht',
    overrideGo: 'Reden vastleggen en toch plaatsen',
    overrideSaving: 'Reden wordt vastgelegd…',
    overrideFailed: 'De reden kon niet worden vastgelegd, dus het bericht is niet geplaatst: {why}',
    reasonTooShort: 'De reden moet minstens 10 tekens hebben.',
    uncheckedTitle: 'Bericht is niet gecontroleerd',
    uncheckedIntro:
      'Dit bericht kon niet worden gecontroleerd. Plaats het alleen als u zeker weet dat het voldoet aan de gedragscode.',
    uncheckedGo: 'Toch plaatsen zonder controle',
    shortcutBlocked: 'Gebruik de knop om te plaatsen; dan controleert de extensie het bericht eerst.',
    // A school's own site: its publish button (issue 16, point 4).
    pickNone:
      'Publiceerknop van deze website: niet gekozen. De extensie herkent nu alleen knoppen als “Plaatsen” of “Publiceren” en de verzendknop van het formulier.',
    pickChosen: 'Publiceerknop van deze website: “{label}”. Die knop wordt pas doorgelaten na de controle.',
    pickStart: 'Kies de publiceerknop',
    pickAgain: 'Andere knop kiezen',
    pickFailed: 'De gekozen publiceerknop kon niet worden bewaard. Probeer het opnieuw.',
    pickTitle: 'Publiceerknop kiezen',
    pickInstruction:
      'Klik op de knop waarmee u op deze website publiceert. Er wordt dan niets gepubliceerd: de extensie onthoudt alleen de knop.',
    pickCancel: 'Stoppen',
    pickNotAButton: 'Dat is geen knop. Klik op de knop waarmee u publiceert, of druk op Stoppen.',
    pickUnrecognised:
      'Deze knop heeft geen tekst of naam waaraan de extensie hem kan herkennen. Kies een andere knop, of druk op Stoppen.',
    // Options page.
    optTitle: 'Schoolcontrole — instellingen',
    optIntro:
      'De extensie stuurt de tekst en (verkleinde) foto’s van een bericht naar de controledienst van uw school, en nergens anders heen. Alleen deze instellingen worden bewaard.',
    optServiceUrl: 'Adres van de controledienst',
    optServiceUrlHelp: 'Bijvoorbeeld https://controle.school.nl (van uw beheerder).',
    optApiKey: 'API-sleutel (rol “extension”)',
    optApiKeyHelp: 'Uw beheerder maakt die aan met: screening keys create --role extension --name …',
    optLang: 'Taal',
    optExtraSites: 'Extra websites',
    optExtraSitesHelp:
      'Eén website per regel, eventueel gevolgd door het kanaal, bijvoorbeeld: cms.school.nl website. Op die websites wordt elk tekstvak gecontroleerd. De publiceerknop van zo’n website kiest u op de website zelf.',
    optSave: 'Opslaan',
    optTest: 'Verbinding testen',
    optSaved: 'Opgeslagen.',
    optFixErrors: 'Niet opgeslagen: verbeter de gemarkeerde velden.',
    optDenied:
      'Opgeslagen, maar de browser kreeg geen toestemming voor {origins}. Zonder die toestemming werkt de controle niet; druk nogmaals op Opslaan en sta het toe.',
    optConnected: 'Verbonden: de controledienst accepteert de sleutel.',
    optNotConnected: 'Geen verbinding: {why}',
    optTesting: 'Verbinding testen…',
    optReload: 'Herlaad open tabbladen van extra websites om de controle daar te starten.',
    optWaiting:
      'Wacht op toestemming van de browser. Kies “Toestaan” in de melding van de browser voor {origins}; pas daarna wordt er opgeslagen.',
    optPublishButtons: 'Gekozen publiceerknoppen',
    optPublishButtonsNone:
      'Nog geen. Open een extra website, klik in het tekstvak en kies in het controlevak “Kies de publiceerknop”.',
    optPublishButtonItem: '{site}: “{label}”',
    optForget: 'Vergeten',
  },
  en: {
    brand: 'School check',
    empty: 'Check active: your post is checked as you type.',
    checking: 'Checking…',
    publish: 'Can be posted',
    publishDetail: 'The check found nothing that stands in the way of posting.',
    hold: 'Do not post',
    holdDetail: 'The check found something the code of conduct does not allow:',
    notices: 'Note (does not block):',
    unreachable: 'Screening service unreachable',
    unreachableDetail: 'The school’s screening service does not answer. The post has NOT been checked.',
    starting: 'Screening service is starting',
    startingDetail: 'The screening service is not ready yet. The post has NOT been checked.',
    notConfigured: 'Extension not set up',
    notConfiguredDetail: 'Enter the screening service address and the key in the extension’s options.',
    noPermission: 'No access to the screening service',
    noPermissionDetail: 'Open the extension’s options and save them again to grant access.',
    auth: 'Key refused',
    authDetail: 'The screening service refuses the API key. Ask for a new key.',
    rejected: 'Cannot check',
    error: 'Check failed',
    errorDetail: 'Something went wrong during the check. The post has NOT been checked.',
    incomplete: 'Not everything checked',
    incompleteDetail: 'The text is fine, but not all photos could be checked.',
    imagesTooMany: 'There are more than {max} photos; only the first {max} were checked.',
    imageUnreadable: 'File “{name}” could not be read as a photo in the browser and was not checked.',
    imagesChecked: '{n} photo(s) checked as well.',
    article: 'Article {label}',
    found: 'found: “{text}”',
    inImage: 'in photo {n}',
    showDetails: 'Details',
    hideDetails: 'Collapse',
    holdTitle: 'Do not post this',
    holdIntro: 'The school’s check holds this post:',
    holdReasonLabel:
      'Do you want to post it anyway? Then give a reason (at least 10 characters). The reason is recorded by the school.',
    officerLabel: 'Your name (optional)',
    back: 'Back to the post',
    overrideGo: 'Record reason and post anyway',
    overrideSaving: 'Recording the reason…',
    overrideFailed: 'The reason could not be recorded, so the post was not posted: {why}',
    reasonTooShort: 'The reason must have at least 10 characters.',
    uncheckedTitle: 'Post has not been checked',
    uncheckedIntro:
      'This post could not be checked. Post it only if you are sure it complies with the code of conduct.',
    uncheckedGo: 'Post anyway without a check',
    shortcutBlocked: 'Use the button to post; the extension then checks the post first.',
    pickNone:
      'Publish button of this website: not chosen. The extension now only recognises buttons such as “Post” or “Publish” and the form’s submit button.',
    pickChosen: 'Publish button of this website: “{label}”. That button only goes through after the check.',
    pickStart: 'Choose the publish button',
    pickAgain: 'Choose another button',
    pickFailed: 'The chosen publish button could not be saved. Please try again.',
    pickTitle: 'Choose the publish button',
    pickInstruction:
      'Click the button you publish with on this website. Nothing is published: the extension only remembers the button.',
    pickCancel: 'Stop',
    pickNotAButton: 'That is not a button. Click the button you publish with, or press Stop.',
    pickUnrecognised:
      'This button has no text or name the extension can recognise it by. Choose another button, or press Stop.',
    optTitle: 'School check — options',
    optIntro:
      'The extension sends the text and (downscaled) photos of a post to your school’s screening service, and nowhere else. Only these settings are stored.',
    optServiceUrl: 'Screening service address',
    optServiceUrlHelp: 'For example https://screening.school.nl (from your administrator).',
    optApiKey: 'API key (role “extension”)',
    optApiKeyHelp: 'Your administrator creates one with: screening keys create --role extension --name …',
    optLang: 'Language',
    optExtraSites: 'Extra websites',
    optExtraSitesHelp:
      'One website a line, optionally followed by the channel, for example: cms.school.nl website. Every text box on those websites is checked. You choose such a website’s publish button on the website itself.',
    optSave: 'Save',
    optTest: 'Test connection',
    optSaved: 'Saved.',
    optFixErrors: 'Not saved: correct the marked fields.',
    optDenied:
      'Saved, but the browser was not allowed to access {origins}. Without that permission the check does not work; press Save again and allow it.',
    optConnected: 'Connected: the screening service accepts the key.',
    optNotConnected: 'No connection: {why}',
    optTesting: 'Testing the connection…',
    optReload: 'Reload open tabs of extra websites to start the check there.',
    optWaiting:
      'Waiting for the browser’s permission. Choose “Allow” in the browser’s prompt for {origins}; only then are the settings saved.',
    optPublishButtons: 'Chosen publish buttons',
    optPublishButtonsNone:
      'None yet. Open an extra website, click in the text box and choose “Choose the publish button” in the check box.',
    optPublishButtonItem: '{site}: “{label}”',
    optForget: 'Forget',
  },
};

/** The language to use: 'en' only when asked for, Dutch otherwise. */
export function pickLang(lang) {
  return lang === 'en' ? 'en' : 'nl';
}

/** The string `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function t(lang, key, vars = {}) {
  const table = STRINGS[pickLang(lang)];
  const template = table[key] ?? STRINGS.nl[key];
  if (template === undefined) throw new Error(`unknown message key ${key}`);
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Every message key, so tests can check that both languages define all of them. */
export function messageKeys(lang) {
  return Object.keys(STRINGS[pickLang(lang)]);
}

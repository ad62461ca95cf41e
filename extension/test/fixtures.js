// Decision JSON as the service returns it (same shape as `screening check --json`).

const SVOK_III_A_3 =
  'Het is toegestaan om kennis en informatie via social media te delen, mits het geen vertrouwelijke of persoonlijke informatie of geen auteursrechtelijk beschermde werken betreft en het andere betrokkenen en het beeld van de school niet schaadt.';

export function phoneHold() {
  return {
    schema: 'school-post-screening/decision/1',
    post_id: 'p-123',
    action: 'hold',
    channel: 'instagram',
    publish_on: '2026-11-22',
    findings: [
      {
        id: 'f1',
        kind: 'pii.phone',
        severity: 'hold',
        span: { start: 10, end: 21, text: '06-12345678' },
        image_index: null,
        box: null,
        articles: ['III.A.3'],
        message: { nl: 'Telefoonnummer', en: 'Phone number' },
        advice: { nl: 'Haal dit uit de tekst.', en: 'Remove it from the text.' },
      },
    ],
    reasons: [
      {
        pack: 'svok',
        article_id: 'III.A.3',
        label: 'III.A.3',
        section: 'III. Gebruik van social media',
        title: '',
        text: SVOK_III_A_3,
        severity: 'hold',
        finding_ids: ['f1'],
      },
    ],
    policy: { id: 'svok', version: '1.0.0', title: 'Gedragscode Social Media SVOK' },
  };
}

export function faceHold() {
  const d = phoneHold();
  d.findings = [
    {
      id: 'f1',
      kind: 'face.unknown',
      severity: 'hold',
      span: null,
      image_index: 1,
      box: { left: 1, top: 2, right: 30, bottom: 40 },
      articles: ['III.A.3'],
      message: { nl: 'Onbekend gezicht', en: 'Unknown face' },
      advice: { nl: 'Vraag toestemming.', en: 'Ask for consent.' },
    },
  ];
  return d;
}

export function cleanPublish() {
  return {
    schema: 'school-post-screening/decision/1',
    post_id: 'p-200',
    action: 'publish',
    channel: 'instagram',
    publish_on: '2026-11-22',
    findings: [],
    reasons: [],
    policy: { id: 'svok', version: '1.0.0', title: 'Gedragscode Social Media SVOK' },
  };
}

export function publishWithNotice() {
  const d = cleanPublish();
  d.findings = [
    {
      id: 'f1',
      kind: 'pii.phone',
      severity: 'notice',
      policy_note: 'public_contact',
      span: { start: 0, end: 11, text: '023-5123456' },
      articles: ['III.A.3'],
      message: { nl: 'Telefoonnummer', en: 'Phone number' },
      advice: { nl: 'Haal dit uit de tekst.', en: 'Remove it from the text.' },
    },
  ];
  d.reasons = phoneHold().reasons.map((r) => ({ ...r, severity: 'notice' }));
  return d;
}

export { SVOK_III_A_3 };

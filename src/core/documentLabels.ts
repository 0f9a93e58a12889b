/**
 * The fixed labels of the final document and of its exports (Word, slides), in every language
 * the language detector can return (en, it, es, fr, de, pt, nl).
 *
 * Owns: the text of the Sources heading, the demo and partial-results banners, the descriptions
 * of source levels, the title-page and slide labels, and the words that recognise a document's
 * sections (summary, findings, risks, next steps) in any of these languages. Must not: know how
 * a document is laid out or written (fulltext.ts and src/export do that). Pure data, no I/O.
 */

export interface DocumentLabels {
  sources: string;
  demoBanner: string;
  partialBanner: string;
  /** Level descriptions in the Sources list. `{analyst}` is replaced by the analyst's id. */
  levelContext: string;
  levelAnalyst: string;
  levelAnalystUnnamed: string;
  levelWeb: string;
  /** Title page and slides. */
  date: string;
  language: string;
  framework: string;
  template: string;
  analysts: string;
  executiveSummary: string;
  keyFindings: string;
  risks: string;
  nextSteps: string;
  demoLabel: string;
  source: string;
  /** Shown in a note when the document names a source without a URL or a file. */
  noLocation: string;
}

export const DOCUMENT_LANGUAGES = ['en', 'it', 'es', 'fr', 'de', 'pt', 'nl'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

const LABELS: Record<DocumentLanguage, DocumentLabels> = {
  en: {
    sources: 'Sources',
    demoBanner:
      '> **Demo mode.** This document was written from canned answers, without any model or web search: its content and sources are illustrative only.',
    partialBanner: '> **Partial results.** Some analysts failed; this document is based on the others only.',
    levelContext: 'context document',
    levelAnalyst: 'named by the {analyst} analyst',
    levelAnalystUnnamed: 'named by an analyst',
    levelWeb: 'web search',
    date: 'Date',
    language: 'Language',
    framework: 'Framework',
    template: 'Template',
    analysts: 'Analysts',
    executiveSummary: 'Executive summary',
    keyFindings: 'Key findings',
    risks: 'Risks',
    nextSteps: 'Next steps',
    demoLabel: 'Demo mode: illustrative content, no model or web search was used',
    source: 'Source',
    noLocation: 'no link or file given',
  },
  it: {
    sources: 'Fonti',
    demoBanner:
      '> **Modalità demo.** Questo documento è stato scritto con risposte predefinite, senza alcun modello né ricerca web: contenuti e fonti sono solo illustrativi.',
    partialBanner: '> **Risultati parziali.** Alcuni analisti non sono riusciti; il documento si basa solo sugli altri.',
    levelContext: 'documento di contesto',
    levelAnalyst: "indicata dall'analista {analyst}",
    levelAnalystUnnamed: 'indicata da un analista',
    levelWeb: 'ricerca web',
    date: 'Data',
    language: 'Lingua',
    framework: 'Metodo',
    template: 'Modello',
    analysts: 'Analisti',
    executiveSummary: 'Sintesi',
    keyFindings: 'Risultati chiave',
    risks: 'Rischi',
    nextSteps: 'Prossimi passi',
    demoLabel: 'Modalità demo: contenuto illustrativo, nessun modello né ricerca web',
    source: 'Fonte',
    noLocation: 'nessun link né file indicato',
  },
  es: {
    sources: 'Fuentes',
    demoBanner:
      '> **Modo demo.** Este documento se escribió con respuestas predefinidas, sin ningún modelo ni búsqueda web: su contenido y sus fuentes son solo ilustrativos.',
    partialBanner: '> **Resultados parciales.** Algunos analistas fallaron; este documento se basa solo en los demás.',
    levelContext: 'documento de contexto',
    levelAnalyst: 'citada por el analista {analyst}',
    levelAnalystUnnamed: 'citada por un analista',
    levelWeb: 'búsqueda web',
    date: 'Fecha',
    language: 'Idioma',
    framework: 'Método',
    template: 'Plantilla',
    analysts: 'Analistas',
    executiveSummary: 'Resumen ejecutivo',
    keyFindings: 'Conclusiones clave',
    risks: 'Riesgos',
    nextSteps: 'Próximos pasos',
    demoLabel: 'Modo demo: contenido ilustrativo, sin modelo ni búsqueda web',
    source: 'Fuente',
    noLocation: 'sin enlace ni archivo',
  },
  fr: {
    sources: 'Sources',
    demoBanner:
      '> **Mode démo.** Ce document a été rédigé à partir de réponses préenregistrées, sans modèle ni recherche web : son contenu et ses sources sont purement illustratifs.',
    partialBanner: '> **Résultats partiels.** Certains analystes ont échoué ; ce document repose uniquement sur les autres.',
    levelContext: 'document de contexte',
    levelAnalyst: "citée par l'analyste {analyst}",
    levelAnalystUnnamed: 'citée par un analyste',
    levelWeb: 'recherche web',
    date: 'Date',
    language: 'Langue',
    framework: 'Méthode',
    template: 'Modèle',
    analysts: 'Analystes',
    executiveSummary: 'Synthèse',
    keyFindings: 'Constats clés',
    risks: 'Risques',
    nextSteps: 'Prochaines étapes',
    demoLabel: 'Mode démo : contenu illustratif, sans modèle ni recherche web',
    source: 'Source',
    noLocation: 'ni lien ni fichier',
  },
  de: {
    sources: 'Quellen',
    demoBanner:
      '> **Demo-Modus.** Dieses Dokument wurde aus vorgefertigten Antworten erstellt, ohne Modell und ohne Websuche: Inhalt und Quellen dienen nur der Veranschaulichung.',
    partialBanner: '> **Teilergebnisse.** Einige Analysten sind fehlgeschlagen; dieses Dokument beruht nur auf den übrigen.',
    levelContext: 'Kontextdokument',
    levelAnalyst: 'vom Analysten {analyst} genannt',
    levelAnalystUnnamed: 'von einem Analysten genannt',
    levelWeb: 'Websuche',
    date: 'Datum',
    language: 'Sprache',
    framework: 'Methode',
    template: 'Vorlage',
    analysts: 'Analysten',
    executiveSummary: 'Zusammenfassung',
    keyFindings: 'Wichtigste Erkenntnisse',
    risks: 'Risiken',
    nextSteps: 'Nächste Schritte',
    demoLabel: 'Demo-Modus: Inhalt zur Veranschaulichung, ohne Modell und ohne Websuche',
    source: 'Quelle',
    noLocation: 'kein Link und keine Datei angegeben',
  },
  pt: {
    sources: 'Fontes',
    demoBanner:
      '> **Modo demonstração.** Este documento foi escrito com respostas predefinidas, sem nenhum modelo nem pesquisa na web: o conteúdo e as fontes são apenas ilustrativos.',
    partialBanner: '> **Resultados parciais.** Alguns analistas falharam; este documento baseia-se apenas nos restantes.',
    levelContext: 'documento de contexto',
    levelAnalyst: 'indicada pelo analista {analyst}',
    levelAnalystUnnamed: 'indicada por um analista',
    levelWeb: 'pesquisa na web',
    date: 'Data',
    language: 'Idioma',
    framework: 'Método',
    template: 'Modelo',
    analysts: 'Analistas',
    executiveSummary: 'Sumário executivo',
    keyFindings: 'Principais conclusões',
    risks: 'Riscos',
    nextSteps: 'Próximos passos',
    demoLabel: 'Modo demonstração: conteúdo ilustrativo, sem modelo nem pesquisa na web',
    source: 'Fonte',
    noLocation: 'sem link nem ficheiro',
  },
  nl: {
    sources: 'Bronnen',
    demoBanner:
      '> **Demomodus.** Dit document is geschreven met vooraf vastgelegde antwoorden, zonder model of zoeken op het web: inhoud en bronnen zijn alleen ter illustratie.',
    partialBanner: '> **Gedeeltelijke resultaten.** Enkele analisten zijn mislukt; dit document is alleen op de andere gebaseerd.',
    levelContext: 'contextdocument',
    levelAnalyst: 'genoemd door de analist {analyst}',
    levelAnalystUnnamed: 'genoemd door een analist',
    levelWeb: 'zoeken op het web',
    date: 'Datum',
    language: 'Taal',
    framework: 'Methode',
    template: 'Sjabloon',
    analysts: 'Analisten',
    executiveSummary: 'Samenvatting',
    keyFindings: 'Belangrijkste bevindingen',
    risks: 'Risico’s',
    nextSteps: 'Volgende stappen',
    demoLabel: 'Demomodus: illustratieve inhoud, zonder model of zoeken op het web',
    source: 'Bron',
    noLocation: 'geen link of bestand',
  },
};

function baseCode(language: string | undefined): string {
  return (language ?? '').trim().toLowerCase().split(/[-_]/)[0];
}

/** The labels of `language` (a code such as `it` or `pt-BR`); English for any other language. */
export function documentLabels(language: string | undefined): DocumentLabels {
  const base = baseCode(language);
  return (DOCUMENT_LANGUAGES as readonly string[]).includes(base) ? LABELS[base as DocumentLanguage] : LABELS.en;
}

/** A source level described in `language`, as the Sources list shows it. */
export function sourceLevelLabel(level: 'L0' | 'L1' | 'L2', language: string | undefined, analyst?: string): string {
  const l = documentLabels(language);
  if (level === 'L0') return l.levelContext;
  if (level === 'L2') return l.levelWeb;
  return analyst ? l.levelAnalyst.replace('{analyst}', analyst) : l.levelAnalystUnnamed;
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every language's Sources heading, normalised (lowercase, no accents). */
const SOURCES_HEADINGS = new Set(DOCUMENT_LANGUAGES.map((l) => normalise(LABELS[l].sources)).concat(['references', 'riferimenti', 'bibliografia', 'bibliography']));

/** True when a heading's text is the Sources heading in any language. */
export function isSourcesHeading(text: string): boolean {
  return SOURCES_HEADINGS.has(normalise(text).replace(/[:.]$/, ''));
}

/** Which level a Sources entry's description names, in any language; undefined when none. */
export function levelFromDescription(text: string): 'L0' | 'L1' | 'L2' | undefined {
  const t = normalise(text);
  for (const lang of DOCUMENT_LANGUAGES) {
    const l = LABELS[lang];
    if (t.includes(normalise(l.levelContext))) return 'L0';
    if (t.includes(normalise(l.levelWeb))) return 'L2';
    const analystPrefix = normalise(l.levelAnalyst.split('{analyst}')[0]);
    if (t.includes(normalise(l.levelAnalystUnnamed)) || (analystPrefix && t.startsWith(analystPrefix))) return 'L1';
  }
  return undefined;
}

/** True when a banner (block quote) is the demo banner of any language. */
export function isDemoBanner(text: string): boolean {
  const t = normalise(text.replace(/^[\s>]+/, '').replace(/[*_]/g, ''));
  return DOCUMENT_LANGUAGES.some((lang) => {
    const head = /\*\*(.+?)\*\*/.exec(LABELS[lang].demoBanner)?.[1] ?? '';
    return t.startsWith(normalise(head));
  });
}

/** The kinds of section a deck is built from. */
export type SectionRole = 'summary' | 'findings' | 'risks' | 'nextSteps' | 'sources';

/**
 * Words that identify a section's role from its heading, in every supported language. Matched
 * on the normalised heading; the first role that matches wins (in this order).
 */
const SECTION_WORDS: Array<[SectionRole, RegExp]> = [
  ['sources', /^(sources|fonti|fuentes|quellen|fontes|bronnen|references|riferimenti|bibliografia|bibliography)$/],
  ['nextSteps', /\b(next steps?|roadmap|prossimi passi|piano d'azione|proximos pasos|prochaines etapes|nachste schritte|proximos passos|volgende stappen)\b/],
  ['summary', /\b(summary|overview|bottom line|sintesi|riepilogo|in breve|resumen|sintesis|synthese|resume|zusammenfassung|uberblick|sumario|resumo|samenvatting)\b|^(recommendation|raccomandazione|recomendacion|recommandation|empfehlung|recomendacao|aanbeveling)$/],
  ['risks', /\b(risks?|risch|riesgo|risque|risiken|risco|risico)/],
  ['findings', /\b(findings?|key points|evidence|risultati|evidenze|conclusiones|hallazgos|constats|resultats|erkenntnisse|ergebnisse|conclusoes|constatacoes|bevindingen)\b/],
];

/** The role of a section from its heading, in any supported language; undefined when none. */
export function sectionRole(heading: string): SectionRole | undefined {
  const t = normalise(heading);
  return SECTION_WORDS.find(([, re]) => re.test(t))?.[0];
}

/**
 * Language detection for problem statements, and language names for prompts.
 *
 * Owns: guessing the language a person wrote in (Italian and English first; Spanish, French,
 * German, Portuguese and Dutch recognised too; other scripts by their letters), checking that a
 * value is a language code, choosing the run's language from the setting, the model's answer,
 * the detector and the interface language, and naming a language code in English. Pure: no I/O,
 * no dependencies.
 *
 * How it decides: code blocks, inline code, URLs, e-mail addresses, paths and code-like lines are
 * removed first, then identifiers (camelCase, snake_case, words with digits). The remaining words
 * are scored against lists of function words (a word shared by several languages counts for each
 * of them in proportion), plus weaker cues: common business vocabulary, characters and word
 * endings typical of a language. Confidence falls when few of the words are known to any list (a
 * language the lists do not cover, such as Polish or Swedish, gets a low confidence instead of a
 * confident wrong guess). Greek, Cyrillic, Arabic, Hebrew, Devanagari, Thai, Japanese, Korean and
 * Chinese text is recognised by its script. Without any evidence the answer is English with
 * confidence 0.
 */

export interface DetectedLanguage {
  /** ISO 639-1 code, e.g. `it`. */
  code: string;
  /** 0..1: how sure the guess is (low for short or mixed texts). */
  confidence: number;
}

type Lang = 'en' | 'it' | 'es' | 'fr' | 'de' | 'pt' | 'nl';
const LANGS: Lang[] = ['en', 'it', 'es', 'fr', 'de', 'pt', 'nl'];

const FUNCTION_WORDS: Record<Lang, string> = {
  en: `the a an and or but of to in on at by for with from into onto about over under between
    through during before after is are was were be been being am has have had do does did not no
    this that these those it its it's they them their there here which who whom whose what when
    where why how if then than so as we our us you your i my me he she his her will would shall
    should can could may might must also only just more most very such both each other any some
    all because while whether until s t don doesn isn aren won can't against within without
    upon via per our ours yours whose via let lets`,
  it: `il lo la i gli le un uno una di del dello della dei degli delle da dal dallo dalla dai
    dagli dalle in nel nello nella nei negli nelle su sul sullo sulla sui sugli sulle con col per
    tra fra e ed o od ma anche non che chi cui come dove quando perché perche se poi più piu meno
    molto molti molte poco questo questa questi queste quello quella quelli quelle è sono era
    erano essere stato stata stati ha hanno abbiamo avere aveva siamo siete sia siano ci ne si
    mi ti vi ci al allo alla ai agli alle dell all nell sull dall l un' c' quale quali nostro
    nostra nostri nostre loro suo sua suoi sue tutto tutti tutte ogni ancora già gia sempre
    dobbiamo vogliamo possiamo deve devono può puo potrebbe dovrebbe conviene oppure ovvero
    rispetto verso senza circa mentre quindi dunque però pero cioè dopo prima entro oltre sotto
    sopra dentro contro presso secondo affinché anziché`,
  es: `a el la los las un una unos unas de del al en y o pero no que quien como donde cuando
    porque si más menos muy este esta estos estas ese esa eso es son era fue ser estar está están
    ha han hemos tiene tienen con por para sin sobre entre hasta desde su sus nuestro nuestra
    nuestros lo le les se ya también cual cuales qué cómo debemos podemos puede deberíamos hay
    entre hacia según`,
  fr: `le la les un une des de du d au aux et ou mais ne pas que qui quoi où quand comment
    pourquoi si plus moins très ce cet cette ces est sont était être avoir a ont avons nous vous
    ils elles il elle on leur leurs notre nos votre vos son sa ses dans sur avec pour par sans
    sous entre vers chez aussi donc car l qu n c s y en doit devons pouvons peut faut à je`,
  de: `der die das den dem des ein eine einer eines einem einen und oder aber nicht kein keine
    ist sind war waren sein haben hat hatte wir ihr sie er es ich du mit von zu zum zur für auf
    aus bei nach über unter vor durch gegen ohne um als wie wenn dass ob auch noch schon nur sehr
    mehr dieser diese dieses welche welcher unser unsere sollen sollten können müssen werden wird
    im am ins vom beim`,
  pt: `o a os as um uma uns umas de do da dos das no na nos nas em ao aos à às e ou mas não que
    quem como onde quando porque se mais menos muito este esta estes estas esse essa isso é são
    era ser estar está estão tem têm temos com por para sem sobre entre até desde seu sua seus
    suas nosso nossa também já pelo pela pelos pelas devemos podemos pode deveríamos`,
  nl: `de het een en of maar niet geen dat die dit deze is zijn was waren hebben heeft had wij
    we jullie zij ze hij het ik je met van voor op aan in uit bij naar over onder door zonder om
    als hoe wanneer waar waarom ook nog al zeer meer ons onze moeten kunnen zullen wordt worden er`,
};

/** Everyday business vocabulary: a weaker cue that helps short titles without function words. */
const DOMAIN_WORDS: Record<Lang, string> = {
  en: `market markets strategy company companies pricing price prices growth customers customer
    competitors competition revenue revenues costs sales product products industry investment
    launch entry expansion analysis assessment options risks scenario scenarios plan should
    opportunity`,
  it: `mercato mercati strategia azienda aziende impresa prezzo prezzi prezzatura crescita clienti
    cliente concorrenti concorrenza ricavi fatturato costi vendite prodotto prodotti settore
    investimento investimenti lancio ingresso espansione analisi valutazione opzioni rischi
    scenari piano opportunità filiera competitiva competitivo strategico strategica nuovo nuova
    nuovi nuove fare cosa quanto vale`,
  es: `mercado mercados estrategia empresa empresas precio precios crecimiento clientes
    competidores competencia ingresos costes costos ventas producto productos sector inversión
    lanzamiento entrada expansión análisis evaluación opciones riesgos`,
  fr: `marché marchés stratégie entreprise entreprises prix croissance concurrents concurrence
    chiffre coûts ventes produit produits secteur investissement lancement entrée expansion
    analyse évaluation risques`,
  de: `markt märkte strategie unternehmen preis preise wachstum kunden wettbewerber wettbewerb
    umsatz kosten vertrieb produkt produkte branche investition markteintritt expansion analyse
    bewertung risiken`,
  pt: `mercado mercados estratégia empresa empresas preço preços crescimento clientes
    concorrentes concorrência receita custos vendas produto produtos setor investimento
    lançamento entrada expansão análise avaliação riscos`,
  nl: `markt markten strategie bedrijf bedrijven prijs prijzen groei klanten concurrenten
    concurrentie omzet kosten verkoop product producten sector investering lancering toetreding
    uitbreiding analyse`,
};

const FUNCTION_WEIGHT = 1;
const DOMAIN_WEIGHT = 0.6;
/** Function-word evidence from which vocabulary and word endings count less. */
const GRAMMAR_EVIDENCE = 2;

/** word -> languages that list it, built once. */
function buildIndex(lists: Record<Lang, string>): Map<string, Lang[]> {
  const index = new Map<string, Lang[]>();
  for (const lang of LANGS) {
    for (const raw of lists[lang].split(/\s+/)) {
      const word = raw.trim().normalize('NFC').toLowerCase().replace(/['’]$/, '');
      if (!word) continue;
      const langs = index.get(word) ?? [];
      if (!langs.includes(lang)) langs.push(lang);
      index.set(word, langs);
    }
  }
  return index;
}

const FUNCTION_INDEX = buildIndex(FUNCTION_WORDS);
const DOMAIN_INDEX = buildIndex(DOMAIN_WORDS);

/** Character and ending cues: [pattern tested on each word, language, weight]. */
const WORD_CUES: Array<[RegExp, Lang, number]> = [
  [/(?:zione|zioni|ità|ggio|ggi|zza|zze|mente)$/u, 'it', 0.5],
  [/([bcdfgmnptvz])\1[aeio]$/u, 'it', 0.3],
  [/[àèìòù]$/u, 'it', 0.4],
  [/[^aeiou][aio]$/u, 'it', 0.2],
  [/(?:ción|ciones|dad|dades)$/u, 'es', 0.5],
  [/ñ/u, 'es', 0.6],
  [/(?:ção|ções|ões|ãe)$/u, 'pt', 0.6],
  [/[ãõ]/u, 'pt', 0.4],
  [/(?:eau|eaux|eux|euse|ment|ée|ées)$/u, 'fr', 0.4],
  [/[çœêâîôû]/u, 'fr', 0.2],
  [/ß/u, 'de', 0.8],
  [/[äöü]/u, 'de', 0.5],
  [/(?:ung|ungen|keit|heit|lich|schaft)$/u, 'de', 0.5],
  [/(?:ijk|heid|ij)$/u, 'nl', 0.4],
  [/(?:ing|ness|ship|ity|ed)$/u, 'en', 0.3],
];

/** Removes what is not prose: code, URLs, paths, markup. */
function stripNonProse(text: string): string {
  let t = text.normalize('NFC');
  t = t.replace(/(```|~~~)[\s\S]*?(?:\1|$)/g, ' ');
  t = t.replace(/`[^`\n]*`/g, ' ');
  t = t.replace(/<[^>\n]{1,200}>/g, ' ');
  t = t.replace(/\b(?:https?|ftp|file):\/\/\S+/gi, ' ');
  t = t.replace(/\bwww\.\S+/gi, ' ');
  t = t.replace(/\S+@\S+\.\S+/g, ' ');
  t = t.replace(/(?:^|\s)(?:[.~]?\/|[A-Za-z]:\\)\S*/g, ' ');
  t = t.replace(/\S*[\\/]\S*[\\/]\S*/g, ' ');
  return t
    .split('\n')
    .filter((line) => !looksLikeCode(line))
    .join('\n');
}

function looksLikeCode(line: string): boolean {
  const trimmed = line.trim();
  if (!trimmed) return false;
  if (/^( {4}|\t)/.test(line) && /[;{}()=]/.test(trimmed)) return true;
  const symbols = (trimmed.match(/[{}()[\];=<>|&$#*+\\]/g) ?? []).length;
  if (symbols >= 3 && symbols / trimmed.length > 0.06) return true;
  if (/^(?:import|export|const|let|var|function|def|class|return|if|for|while|public|private|#include|SELECT|FROM)\b.*[;:{(=]/.test(trimmed)) {
    return true;
  }
  // A statement or block opener; prose list items may end with ";" too, so ask for code syntax.
  return /[;{]\s*$/.test(trimmed) && /[=(){}]/.test(trimmed);
}

/** Lowercased words, without identifiers (camelCase, snake_case, digits) and with elisions split. */
function proseWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}_$'’-]+/gu)) {
    const token = m[0].replace(/^['’-]+|['’-]+$/g, '');
    if (!token) continue;
    if (/[\p{N}_$]/u.test(token)) continue;
    if (/\p{Ll}\p{Lu}/u.test(token)) continue;
    if (token.length > 1 && token === token.toUpperCase() && !/[’']/.test(token)) continue;
    for (const part of token.toLowerCase().split(/['’]/)) {
      if (!part) continue;
      // Hyphenated compounds (go-to-market, state-of-the-art) are loanwords more often than prose.
      if (part.includes('-')) continue;
      words.push(part);
    }
  }
  return words;
}

/** Scripts that name a language (or a small family) by their letters alone. */
const SCRIPTS: Array<[RegExp, string, number]> = [
  [/[\u3040-\u30ff]/gu, 'ja', 0.9],
  [/[\uac00-\ud7af\u1100-\u11ff]/gu, 'ko', 0.9],
  [/[\u0370-\u03ff]/gu, 'el', 0.9],
  [/[\u0590-\u05ff]/gu, 'he', 0.9],
  [/[\u0e00-\u0e7f]/gu, 'th', 0.9],
  [/[\u0900-\u097f]/gu, 'hi', 0.6],
  [/[\u0600-\u06ff]/gu, 'ar', 0.6],
  [/[\u0400-\u04ff]/gu, 'ru', 0.5],
  [/[\u4e00-\u9fff]/gu, 'zh', 0.7],
];

/** The language of text written mostly in a script other than Latin, or null. */
function detectScript(prose: string): DetectedLanguage | null {
  const letters = (prose.match(/\p{L}/gu) ?? []).length;
  if (letters === 0) return null;
  let best: { code: string; count: number; confidence: number } | null = null;
  let nonLatin = 0;
  for (const [re, code, confidence] of SCRIPTS) {
    const count = (prose.match(re) ?? []).length;
    nonLatin += count;
    // Kana marks Japanese even among more Han characters.
    if (count > 0 && code === 'ja' && count * 5 >= letters) return { code, confidence: Math.round(Math.min(confidence, evidenceOf(count)) * 100) / 100 };
    if (count > 0 && (!best || count > best.count)) best = { code, count, confidence };
  }
  if (!best || nonLatin * 2 < letters) return null;
  let code = best.code;
  // Cyrillic: Ukrainian has letters Russian does not.
  if (code === 'ru' && /[іїєґ]/iu.test(prose)) code = 'uk';
  // Arabic script: Persian letters.
  if (code === 'ar' && /[پچژگ]/u.test(prose)) code = 'fa';
  return { code, confidence: Math.round(Math.min(best.confidence, evidenceOf(best.count)) * 100) / 100 };
}

function evidenceOf(letters: number): number {
  return 1 - Math.exp(-letters / 6);
}

/** French inversions ("faut-il", "doit-on", "est-ce") are grammar, though they are hyphenated. */
const FRENCH_INVERSION = /\p{L}-(?:t-)?(?:il|elle|on|ils|elles|nous|vous|ce|je)(?![\p{L}-])/giu;

export function detectLanguage(text: string): DetectedLanguage {
  const prose = stripNonProse(text ?? '');
  const script = detectScript(prose);
  if (script) return script;
  const words = proseWords(prose);
  const grammar: Record<Lang, number> = { en: 0, it: 0, es: 0, fr: 0, de: 0, pt: 0, nl: 0 };
  const lexical: Record<Lang, number> = { en: 0, it: 0, es: 0, fr: 0, de: 0, pt: 0, nl: 0 };
  grammar.fr += (prose.match(FRENCH_INVERSION) ?? []).length;
  let known = 0;
  for (const word of words) {
    if (FUNCTION_INDEX.has(word) || DOMAIN_INDEX.has(word)) known++;
    const fn = FUNCTION_INDEX.get(word);
    if (fn) {
      for (const lang of fn) grammar[lang] += FUNCTION_WEIGHT / fn.length;
      continue;
    }
    const dom = DOMAIN_INDEX.get(word);
    if (dom) {
      for (const lang of dom) lexical[lang] += DOMAIN_WEIGHT / dom.length;
    }
    if (word.length >= 4) {
      for (const [pattern, lang, weight] of WORD_CUES) {
        if (pattern.test(word)) lexical[lang] += weight;
      }
    }
  }
  // Content words travel between languages (English business terms in Italian prose, Italian
  // names in English prose); function words do not. Once the grammar gives enough evidence, the
  // vocabulary only breaks near-ties.
  const grammarTotal = LANGS.reduce((sum, lang) => sum + grammar[lang], 0);
  const lexicalWeight = grammarTotal >= GRAMMAR_EVIDENCE ? 0.3 : 1;
  const scores = Object.fromEntries(LANGS.map((lang) => [lang, grammar[lang] + lexicalWeight * lexical[lang]])) as Record<Lang, number>;
  const ranked = LANGS.map((lang) => ({ lang, score: scores[lang] })).sort((a, b) => b.score - a.score);
  const [top, second] = ranked;
  if (top.score <= 0) return { code: 'en', confidence: 0 };
  const total = ranked.reduce((sum, r) => sum + r.score, 0);
  const share = top.score / total;
  const margin = (top.score - second.score) / top.score;
  const evidence = 1 - Math.exp(-top.score / 2.5);
  // Most words of a text in a covered language are on some list; few are in other languages.
  const coverage = words.length ? Math.min(1, known / words.length / MIN_COVERAGE) : 0;
  const confidence = Math.round(evidence * (0.5 * share + 0.5 * margin) * coverage * 100) / 100;
  return { code: top.lang, confidence };
}

/** Share of listed words from which the coverage no longer lowers the confidence. */
const MIN_COVERAGE = 0.35;

/**
 * Below this confidence the detector's guess is not used: the model's answer or the interface
 * language decides.
 */
export const LOW_CONFIDENCE = 0.3;

/**
 * The primary language subtag of a BCP 47 code, lowercased (`pt-BR` → `pt`), or null when the
 * value is not a language code the runtime can name ("French", "xx", "und", a sentence).
 */
export function normalizeLanguageCode(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const value = raw.trim().replace(/_/g, '-');
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(value)) return null;
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(value)[0];
  } catch {
    return null;
  }
  const base = canonical.split('-')[0].toLowerCase();
  if (['und', 'zxx', 'mul', 'mis'].includes(base)) return null;
  if (LANGUAGE_NAMES[base]) return base;
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(base);
    return name && name.toLowerCase() !== base ? base : null;
  } catch {
    return null;
  }
}

/** Where the run's language came from (shown at the proposal). */
export type LanguageSource = 'setting' | 'model' | 'detector' | 'interface' | 'person';

/**
 * The run's language: the setting when it names one; otherwise the language the model named for
 * the problem; otherwise the detector's guess when it is confident enough; otherwise the
 * interface language.
 */
export function chooseLanguage(input: {
  setting: string;
  modelAnswer?: unknown;
  detected: DetectedLanguage;
  interfaceLanguage: string;
}): { code: string; source: LanguageSource } {
  const setting = input.setting === 'auto' ? null : normalizeLanguageCode(input.setting);
  if (setting) return { code: setting, source: 'setting' };
  const model = normalizeLanguageCode(input.modelAnswer);
  if (model) return { code: model, source: 'model' };
  if (input.detected.confidence >= LOW_CONFIDENCE) return { code: input.detected.code, source: 'detector' };
  return { code: normalizeLanguageCode(input.interfaceLanguage) ?? 'en', source: 'interface' };
}

/** Names the runtime's language data may lack or words differently; every other code is named by Intl. */
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', it: 'Italian', nb: 'Norwegian Bokmål' };

/**
 * The English name of a language code (`it` → `Italian`; region subtags are ignored, so `pt-BR`
 * → `Portuguese`). Unknown codes are named by the runtime's language data when available; an
 * empty code means English.
 */
export function languageName(code: string): string {
  const base = (code ?? '').trim().toLowerCase().split(/[-_]/)[0];
  if (!base) return 'English';
  const known = LANGUAGE_NAMES[base];
  if (known) return known;
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(base);
    if (name && name.toLowerCase() !== base) return name;
  } catch {
    // Not a well-formed language code: fall through.
  }
  return base;
}

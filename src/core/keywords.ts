/**
 * The keyword fallback for choosing a synthesizer when the model's scoring is unavailable.
 *
 * Owns: matching a problem statement against each synthesizer's keyword lists and turning the
 * matches into scores in 0..1. Pure: no I/O.
 *
 * Matching is insensitive to case and accents, tolerant of plurals and common inflections (a light
 * stemmer applied identically to keywords and problem, with the rules of the keyword list's
 * language: Italian verb forms fold to their infinitive), and handles multiword keywords: their
 * content words must appear in order, possibly separated by function words ("entry into the
 * market" does not match "market entry", but "ingresso nel nuovo mercato" matches "ingresso
 * mercato"); function words at a keyword's start or end must be there ("stake in"). A multi-year
 * horizon, however it is written, is one token. Keywords in the problem's language count fully,
 * those of other languages count a little less (problems often mix languages, e.g. Italian text
 * with English business terms), and keywords made only of function words ("should we", "or")
 * count as a hint. A multiword keyword counts more than a single word; the total is mapped to 0..1
 * with a saturating curve, so one weak match gives a low score and several strong ones approach 1.
 * Equal scores go to the neutral strategic-decision framework first.
 */
import type { SynthesizerDef } from './library';
import type { SynthesizerScore } from './state';

/** Function words skipped when matching (English and Italian, plus a few common elsewhere). */
const FUNCTION_WORDS = new Set(
  `the a an and or of to in on at by for with from into is are be we our us you your it its this that
  these those do does did should would could can will shall may might must how what which who when
  where why if whether not no more most less as than then so there here also only very
  il lo la i gli le un uno una di del dello della dei degli delle da dal dalla dai dalle in nel nello
  nella nei negli nelle su sul sulla sui con per tra fra e ed o ma che se al allo alla ai agli alle
  dell all nell sull dall l c ci si ne noi nostro nostra nostri nostre come cosa quale quali quando
  dove perche chi piu meno anche non molto sono siamo essere ha hanno
  el los las y de en al du des et les`
    .split(/\s+/)
    .filter(Boolean),
);

const OTHER_LANGUAGE_WEIGHT = 0.7;
/** Weight of a matched keyword: 1 for one content word, plus this for each further word. */
const EXTRA_WORD_WEIGHT = 0.5;
/** Weight of a keyword made only of function words ("should we"): a hint, not evidence. */
const FUNCTION_ONLY_WEIGHT = 0.5;
/** Raw weight that maps to a score of about 0.63. */
const SATURATION = 2;

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The synthesizer that wins when the keywords do not decide (no match, or a tie at the top): the
 * general framework for a choice between options, rather than whichever id sorts first.
 */
export const NEUTRAL_SYNTHESIZER = 'strategic-decision';

/**
 * A multi-year horizon ("over the next five years", "by 2030", "nei prossimi dieci anni", "entro
 * il 2040") becomes this one token, in keywords and problems alike, so that the keyword "next
 * years" matches every way of writing a horizon but not "next year" (a deadline). It counts as a
 * hint, like a keyword made of function words.
 */
const HORIZON = 'zzhorizon';
const COUNT_WORDS = `\\d+|a few|few|several|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|pochi|alcuni|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|quindici|venti`;
const HORIZON_PATTERNS: RegExp[] = [
  new RegExp(`\\b(?:next|coming|following)\\s+(?:(?:${COUNT_WORDS})\\s+)?(?:years|decades?)\\b`, 'g'),
  /\b(?:by|until|through|till|towards?|before|now and)\s+(?:the end of\s+)?20[2-9]\d\b/g,
  new RegExp(`\\b(?:prossimi|prossimo|futuri)\\s+(?:(?:${COUNT_WORDS})\\s+)?(?:anni|decenni|decennio)\\b`, 'g'),
  /\b(?:entro|fino|da qui|di qui)\s+(?:a|al|il|alla fine del)?\s*20[2-9]\d\b/g,
];

function canonicalTime(folded: string): string {
  let t = folded;
  for (const re of HORIZON_PATTERNS) t = t.replace(re, ` ${HORIZON} `);
  return t;
}

/**
 * A light stemmer for English and Romance languages: plural and common inflection endings.
 * `lang` adds the rules of one language: for Italian (`it`), verb forms (conjugations, gerunds,
 * infinitives with an attached pronoun) fold to the infinitive's stem, so "entriamo",
 * "entreremmo" and "entrare" match, as do "lanciarla" and "lancio".
 */
export function stem(word: string, lang = ''): string {
  let w = word;
  if (w.length <= 3) return w;
  const italian = lang === 'it';
  if (italian) w = italianVerb(w);
  // Plurals.
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // Derivational and verb endings, longest first, keeping a stem of at least four letters:
  // organisation / organize / organising, riorganizzazione / riorganizzare, investimento / investire.
  let derived = false;
  for (const suffix of DERIVATIONAL_SUFFIXES) {
    // Infinitives (-are/-ere/-ire) need a longer stem, except in Italian: "acquire" and "compare"
    // are not verbs in -ire/-are, "aprire" is.
    const infinitive = suffix.length === 3 && suffix.endsWith('re');
    const minStem = infinitive ? (italian ? 3 : 5) : 4;
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem && keepsStem(w, suffix)) {
      w = w.slice(0, -suffix.length);
      derived = true;
      break;
    }
  }
  // Italian and Spanish noun and adjective endings (-o/-a/-e/-i, -io/-i, -ca/-che, -go/-ghi).
  // A final -u is no such ending ("valu" from "valuation" is not "vale").
  if (w.endsWith('io') && w.length > 4) w = w.slice(0, -2);
  else if (/[aeioy]$/.test(w) && w.length > 3 && !(derived && w.length <= 4 && /[iy]$/.test(w))) w = w.slice(0, -1);
  if (/[cg]h$/.test(w)) w = w.slice(0, -1);
  // Italian -cia/-gia plurals in -ce/-ge: minaccia / minacce, provincia / province.
  if (italian && /[^aeiou][cg]i$/.test(w) && w.length > 4) w = w.slice(0, -1);
  return w;
}

/**
 * Whether removing `suffix` leaves a real stem. "-ing" and "-ed" after a four-letter stem only
 * when the stem lost a final "e" ("pricing" → "pric", like "price"); otherwise "funding" would
 * become "fund" and "opening" the verb in "open".
 */
function keepsStem(w: string, suffix: string): boolean {
  if (suffix !== 'ing' && suffix !== 'ed') return true;
  const rest = w.slice(0, -suffix.length);
  return rest.length > 4 || /[cgsvz]$|([^aeiou])\1$/.test(rest);
}

/** Italian verb forms, folded to the infinitive ("-are"/"-ere"/"-ire"), or the word unchanged. */
function italianVerb(w: string): string {
  // Infinitive with an attached pronoun: lanciarla, acquisirne, fondersi, accentrarli.
  const clitic = /^(.{4,}[aei]r)(?:lo|la|li|le|ne|si|ci|vi|mi|ti|gli|gliela|glielo)$/.exec(w);
  if (clitic && !/merci$/.test(w)) return `${clitic[1]}e`;
  for (const ending of ITALIAN_VERB_ENDINGS) {
    if (w.endsWith(ending) && w.length - ending.length >= 3) return `${w.slice(0, -ending.length)}are`;
  }
  return w;
}

/** Conjugated endings that Italian nouns and adjectives do not have (longest first). */
const ITALIAN_VERB_ENDINGS = [
  'izzeremmo',
  'izzeremo',
  'izziamo',
  'erebbero',
  'irebbero',
  'eremmo',
  'iremmo',
  'erebbe',
  'irebbe',
  'eranno',
  'iranno',
  'eremo',
  'iremo',
  'iamo',
  'ando',
  'endo',
].sort((a, b) => b.length - a.length);

const DERIVATIONAL_SUFFIXES = [
  'izzazione',
  'izzazioni',
  'ization',
  'isation',
  'izzare',
  'azione',
  'azioni',
  'ation',
  'ition',
  'zione',
  'zioni',
  'izing',
  'ising',
  'mento',
  'menti',
  'ment',
  'ized',
  'ised',
  'ize',
  'ise',
  'ing',
  'are',
  'ere',
  'ire',
  'ed',
];

interface Token {
  stem: string;
  function: boolean;
}

function tokenize(text: string, lang = ''): Token[] {
  const out: Token[] = [];
  for (const m of canonicalTime(fold(text)).matchAll(/[a-z0-9]+/g)) {
    const word = m[0];
    if (word === HORIZON) out.push({ stem: HORIZON, function: true });
    else out.push({ stem: stem(word, lang), function: FUNCTION_WORDS.has(word) });
  }
  return out;
}

/**
 * What a keyword must match. Its content stems, in order, with function words between them
 * ignored; function words at its start or end must be there, right before or after ("stake in"
 * is not "stake to", "se puntare" is not "punto"). A keyword of function words only ("should we")
 * must appear exactly.
 */
interface KeywordPattern {
  lead: string[];
  content: string[];
  trail: string[];
}

function pattern(tokens: Token[]): KeywordPattern {
  const first = tokens.findIndex((t) => !t.function);
  if (first < 0) return { lead: tokens.map((t) => t.stem), content: [], trail: [] };
  let last = tokens.length - 1;
  while (tokens[last].function) last--;
  return {
    lead: tokens.slice(0, first).map((t) => t.stem),
    content: tokens.slice(first, last + 1).filter((t) => !t.function).map((t) => t.stem),
    trail: tokens.slice(last + 1).map((t) => t.stem),
  };
}

function patternKey(p: KeywordPattern): string {
  return [...p.lead, ...p.content, ...p.trail].join(' ');
}

interface ProblemView {
  all: string[];
  /** Index in `all` of each content token, in order. */
  contentAt: number[];
}

function exactAt(all: string[], words: string[], at: number): boolean {
  if (at < 0 || at + words.length > all.length) return false;
  return words.every((w, i) => all[at + i] === w);
}

/**
 * Whether the pattern appears in the problem: content stems in order with at most one other
 * content word between two of them (function words do not count), the lead and trail exactly
 * adjacent.
 */
function matches(problem: ProblemView, p: KeywordPattern): boolean {
  const { all, contentAt } = problem;
  if (p.content.length === 0) {
    for (let i = 0; i + p.lead.length <= all.length; i++) if (exactAt(all, p.lead, i)) return true;
    return false;
  }
  const content = contentAt.map((i) => all[i]);
  for (let start = 0; start < content.length; start++) {
    if (content[start] !== p.content[0]) continue;
    let pos = start;
    let ok = true;
    for (let k = 1; k < p.content.length && ok; k++) {
      let found = -1;
      for (let j = pos + 1; j <= Math.min(content.length - 1, pos + 2); j++) {
        if (content[j] === p.content[k]) {
          found = j;
          break;
        }
      }
      if (found < 0) ok = false;
      else pos = found;
    }
    if (!ok) continue;
    if (exactAt(all, p.lead, contentAt[start] - p.lead.length) && exactAt(all, p.trail, contentAt[pos] + 1)) return true;
  }
  return false;
}

/** The problem's tokens stemmed by the rules of one keyword language, computed once per language. */
class ProblemTokens {
  private readonly byLang = new Map<string, ProblemView>();
  constructor(private readonly problem: string) {}
  get(lang: string): ProblemView {
    let view = this.byLang.get(lang);
    if (!view) {
      const tokens = tokenize(this.problem, lang);
      view = { all: tokens.map((t) => t.stem), contentAt: tokens.flatMap((t, i) => (t.function ? [] : [i])) };
      this.byLang.set(lang, view);
    }
    return view;
  }
}

export function keywordScores(problem: string, synthesizers: SynthesizerDef[], language: string): SynthesizerScore[] {
  const problemTokens = new ProblemTokens(problem);
  const lang = fold(language ?? '').split(/[-_]/)[0];

  const scored = synthesizers.map((synth, order) => {
    // keyword pattern (joined) -> best weight and the keyword as written
    const matched = new Map<string, { weight: number; keyword: string }>();
    for (const [rawListLang, keywords] of Object.entries(synth.keywords)) {
      const listLang = fold(rawListLang);
      const languageWeight = listLang === lang ? 1 : OTHER_LANGUAGE_WEIGHT;
      const hay = problemTokens.get(listLang);
      for (const keyword of keywords) {
        const tokens = tokenize(keyword, listLang);
        if (tokens.length === 0) continue;
        const p = pattern(tokens);
        if (!matches(hay, p)) continue;
        const weight =
          p.content.length > 0
            ? languageWeight * (1 + EXTRA_WORD_WEIGHT * (p.content.length - 1))
            : languageWeight * FUNCTION_ONLY_WEIGHT;
        const key = patternKey(p);
        const previous = matched.get(key);
        if (!previous || previous.weight < weight) matched.set(key, { weight, keyword: keyword.trim() });
      }
    }
    // A keyword contained in a longer matched one ("market" inside "market entry") adds little.
    const keys = [...matched.keys()];
    let raw = 0;
    for (const key of keys) {
      const covered = keys.some((other) => other !== key && ` ${other} `.includes(` ${key} `));
      raw += matched.get(key)!.weight * (covered ? 0.3 : 1);
    }
    const score = Math.round((1 - Math.exp(-raw / SATURATION)) * 1000) / 1000;
    const words = [...matched.values()].sort((a, b) => b.weight - a.weight).map((m) => `"${m.keyword}"`);
    const reason = words.length > 0 ? `Matched keywords: ${words.join(', ')}.` : 'No keyword matched.';
    return { id: synth.id, score, reason, order, neutral: synth.id === NEUTRAL_SYNTHESIZER };
  });

  // Equal scores (none matched, or a tie at the top) go to the neutral framework first.
  return scored
    .sort((a, b) => b.score - a.score || Number(b.neutral) - Number(a.neutral) || a.order - b.order)
    .map(({ id, score, reason }) => ({ id, score, reason }));
}

/**
 * The keyword fallback for choosing a synthesizer when the model's scoring is unavailable.
 *
 * Owns: matching a problem statement against each synthesizer's keyword lists and turning the
 * matches into scores in 0..1. Pure: no I/O.
 *
 * Matching is insensitive to case and accents, tolerant of plurals and common inflections (a light
 * stemmer applied identically to keywords and problem), and handles multiword keywords: their
 * content words must appear in order, possibly separated by function words ("entry into the
 * market" does not match "market entry", but "ingresso nel nuovo mercato" matches "ingresso
 * mercato"). Keywords in the problem's language count fully, those of other languages count a
 * little less (problems often mix languages, e.g. Italian text with English business terms), and
 * keywords made only of function words ("should we") count as a hint.
 * A multiword keyword counts more than a single word; the total is mapped to 0..1 with a saturating
 * curve, so one weak match gives a low score and several strong ones approach 1.
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

/** A light stemmer for English and Romance languages: plural and common inflection endings. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  // Plurals.
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // Derivational and verb endings, longest first, keeping a stem of at least four letters:
  // organisation / organize / organising, riorganizzazione / riorganizzare, investimento / investire.
  for (const suffix of DERIVATIONAL_SUFFIXES) {
    // Infinitives (-are/-ere/-ire) need a longer stem: "acquire" and "compare" are not verbs in -ire/-are.
    const minStem = suffix.length === 3 && suffix.endsWith('re') ? 5 : 4;
    if (w.endsWith(suffix) && w.length - suffix.length >= minStem) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // Italian and Spanish noun and adjective endings (-o/-a/-e/-i, -io/-i, -ca/-che, -go/-ghi).
  if (w.endsWith('io') && w.length > 4) w = w.slice(0, -2);
  else if (/[aeiouy]$/.test(w) && w.length > 3) w = w.slice(0, -1);
  if (/[cg]h$/.test(w)) w = w.slice(0, -1);
  return w;
}

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

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of fold(text).matchAll(/[a-z0-9]+/g)) {
    const word = m[0];
    out.push({ stem: stem(word), function: FUNCTION_WORDS.has(word) });
  }
  return out;
}

/** The sequence a keyword must match: its content stems, or all stems if it has no content word. */
function pattern(keyword: string): string[] {
  const tokens = tokenize(keyword);
  const content = tokens.filter((t) => !t.function).map((t) => t.stem);
  return content.length > 0 ? content : tokens.map((t) => t.stem);
}

/** Whether `needle` appears in order in `hay`, with at most `maxGap` other tokens between words. */
function containsSequence(hay: string[], needle: string[], maxGap: number): boolean {
  if (needle.length === 0) return false;
  for (let start = 0; start < hay.length; start++) {
    if (hay[start] !== needle[0]) continue;
    let pos = start;
    let ok = true;
    for (let k = 1; k < needle.length; k++) {
      let found = -1;
      for (let j = pos + 1; j <= Math.min(hay.length - 1, pos + 1 + maxGap); j++) {
        if (hay[j] === needle[k]) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        ok = false;
        break;
      }
      pos = found;
    }
    if (ok) return true;
  }
  return false;
}

export function keywordScores(problem: string, synthesizers: SynthesizerDef[], language: string): SynthesizerScore[] {
  const tokens = tokenize(problem);
  const allStems = tokens.map((t) => t.stem);
  const contentStems = tokens.filter((t) => !t.function).map((t) => t.stem);
  const lang = fold(language ?? '').split(/[-_]/)[0];

  const scored = synthesizers.map((synth, order) => {
    // keyword pattern (joined) -> best weight and the keyword as written
    const matched = new Map<string, { weight: number; keyword: string }>();
    for (const [listLang, keywords] of Object.entries(synth.keywords)) {
      const languageWeight = fold(listLang) === lang ? 1 : OTHER_LANGUAGE_WEIGHT;
      for (const keyword of keywords) {
        const seq = pattern(keyword);
        if (seq.length === 0) continue;
        const isContent = tokenize(keyword).some((t) => !t.function);
        const hit = isContent ? containsSequence(contentStems, seq, 1) : containsSequence(allStems, seq, 0);
        if (!hit) continue;
        const weight = isContent
          ? languageWeight * (1 + EXTRA_WORD_WEIGHT * (seq.length - 1))
          : languageWeight * FUNCTION_ONLY_WEIGHT;
        const key = seq.join(' ');
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
    return { id: synth.id, score, reason, order };
  });

  return scored
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .map(({ id, score, reason }) => ({ id, score, reason }));
}

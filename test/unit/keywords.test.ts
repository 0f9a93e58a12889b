import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { keywordScores, NEUTRAL_SYNTHESIZER, stem } from '../../src/core/keywords';
import { detectLanguage } from '../../src/core/language';
import type { SynthesizerDef } from '../../src/core/library';
import { loadPromptLibrary } from '../../src/prompts';

const BUNDLED = path.resolve(__dirname, '..', '..', '..', 'prompts');

/** [expected synthesizer, problem]. Both languages, phrased as people write them. */
const PROBLEMS: Array<[string, string]> = [
  // English
  ['market-entry', 'Should we enter the Brazilian market with our premium coffee machines?'],
  ['market-entry', 'We are planning international expansion into Southeast Asia. Which country first, and through a joint venture or our own subsidiary?'],
  ['market-entry', 'Go-to-market plan for launching our SaaS product in the US'],
  ['competitive-landscape', 'Who are our main competitors in European e-bike rentals and how do we compare on price and service?'],
  ['competitive-landscape', 'A new entrant is cutting prices aggressively; how should we defend our market share?'],
  ['competitive-landscape', 'Benchmark our competitive position against the three leading rivals'],
  ['business-case', 'Build the business case for a new warehouse: investment of 12 million, what is the payback and NPV?'],
  ['business-case', 'What is the ROI of automating our customer service with a chatbot?'],
  ['business-case', 'Is the capex for the new production line justified by the expected savings?'],
  ['risk-scenarios', 'What scenarios should we plan for if tariffs between the US and the EU rise sharply?'],
  ['risk-scenarios', 'Stress test our five-year plan against a recession and an energy price crisis'],
  ['risk-scenarios', 'How exposed is our supply chain to geopolitical risks in Taiwan, and what contingency plans do we need?'],
  ['operating-model', 'We need to redesign our operating model after the merger: centralise procurement and finance into shared services?'],
  ['operating-model', 'Should we outsource IT operations, and how should the organisation and governance change?'],
  ['operating-model', 'Restructuring of the sales organisation to reduce costs and improve efficiency'],
  ['strategic-decision', 'Should we divest the chemicals division or keep it? We need a recommendation for the board.'],
  ['strategic-decision', 'Make or buy: should we build our own battery packs or keep buying them?'],
  ['strategic-decision', 'Which strategy should we choose among three growth options, and what are the trade-offs?'],
  // Italian
  ['market-entry', 'Dobbiamo entrare nel mercato tedesco con la nostra linea di arredamento?'],
  ['market-entry', "Vogliamo valutare l'internazionalizzazione verso gli Stati Uniti: esportare tramite distributori o aprire una filiale?"],
  ['market-entry', 'Lancio del nostro prodotto in un nuovo paese: quali opportunità di mercato in Spagna?'],
  ['competitive-landscape', 'Chi sono i nostri concorrenti nel mercato italiano dei pagamenti digitali e come ci posizioniamo?'],
  ['competitive-landscape', 'Un nuovo entrante sta scatenando una guerra dei prezzi: come difendere la quota di mercato?'],
  ['competitive-landscape', 'Analisi del vantaggio competitivo rispetto ai principali rivali'],
  ['business-case', "Business case per un investimento di 5 milioni in un nuovo impianto: qual è il tempo di rientro e il VAN?"],
  ['business-case', "Il ritorno sull'investimento del nuovo gestionale giustifica il budget richiesto?"],
  ['business-case', 'Valutare la redditività e il punto di pareggio del nuovo servizio in abbonamento'],
  ['risk-scenarios', 'Quali scenari dobbiamo considerare se i prezzi dell’energia restano alti per tre anni?'],
  ['risk-scenarios', 'Analisi dei rischi geopolitici e piano di emergenza per la nostra filiera in Asia'],
  ['operating-model', 'Riorganizzazione della struttura organizzativa dopo l’acquisizione: centralizzare gli acquisti?'],
  ['operating-model', 'Dobbiamo esternalizzare la logistica e ridisegnare i processi per aumentare l’efficienza?'],
  ['strategic-decision', 'Conviene dismettere la divisione retail oppure rilanciarla? Serve una raccomandazione al CDA.'],
  ['strategic-decision', 'Quale strategia scegliere tra tre opzioni di crescita, e con quali compromessi?'],
  // Acquisitions
  ['acquisition', 'Should we acquire our largest distributor? What would the synergies be worth?'],
  ['acquisition', 'Due diligence priorities for the takeover of a German competitor'],
  ["acquisition", "Valutare l'acquisizione di una quota di maggioranza in un'azienda concorrente"],
  ['acquisition', 'Fusione con il nostro principale fornitore: quali sinergie e quali rischi?'],
  // Everyday phrasing, without the frameworks' vocabulary
  ['market-entry', 'Is there room for our organic baby food brand in the Nordic countries?'],
  ['market-entry', 'Ha senso vendere i nostri vini anche in Giappone?'],
  ['competitive-landscape', 'How do Lidl and Aldi compete with us on private label, and where are we weaker?'],
  ['competitive-landscape', 'Come si stanno muovendo i concorrenti cinesi nel settore delle macchine utensili?'],
  ['business-case', 'Does installing solar panels on our plants pay back within five years?'],
  ['business-case', 'Quanto rende investire 800 mila euro in un nuovo e-commerce?'],
  ['risk-scenarios', 'What happens to our business if interest rates stay above 4% until 2028?'],
  ['risk-scenarios', 'Quali sono i rischi principali del nostro piano triennale e come mitigarli?'],
  ['operating-model', 'How should we organise the new European customer service hub?'],
  ['operating-model', 'Come riorganizzare la funzione acquisti tra sede centrale e stabilimenti?'],
  ['strategic-decision', 'Should we keep selling through dealers or go direct to consumers?'],
  ['strategic-decision', 'Meglio puntare sul segmento premium o sul mass market?'],
  ['acquisition', 'The owner of a competing bakery chain wants to sell: should we buy the business, and at what price?'],
  ['acquisition', 'Rilevare il nostro distributore in Austria: conviene?'],
  // Mixed: Italian with English business terms
  ['market-entry', 'Definire la go-to-market per il lancio del nostro SaaS in Francia'],
  ['business-case', 'Serve un business case con ROI e payback per il rinnovo della flotta'],
];

async function bundledSynthesizers(): Promise<SynthesizerDef[]> {
  const lib = await loadPromptLibrary({ bundledDir: BUNDLED, workspaceFolders: [], extraFolders: [] });
  return lib.synthesizers;
}

test('keywordScores picks the expected synthesizer for labelled problems (accuracy printed)', async () => {
  const synthesizers = await bundledSynthesizers();
  assert.ok(PROBLEMS.length >= 20);
  const misses: string[] = [];
  for (const [expected, problem] of PROBLEMS) {
    const scores = keywordScores(problem, synthesizers, detectLanguage(problem).code);
    if (scores[0].id !== expected || scores[0].score === 0) {
      misses.push(`expected ${expected}, got ${scores[0].id} (${scores[0].score}; ${scores[0].reason}): ${problem.slice(0, 70)}`);
    }
  }
  const accuracy = (PROBLEMS.length - misses.length) / PROBLEMS.length;
  const it = PROBLEMS.filter(([, p]) => detectLanguage(p).code === 'it').length;
  console.log(
    `keyword fallback accuracy: ${(accuracy * 100).toFixed(1)}% (${PROBLEMS.length - misses.length}/${PROBLEMS.length}; ` +
      `${it} Italian, ${PROBLEMS.length - it} English problems)`,
  );
  for (const m of misses) console.log(`  miss: ${m}`);
  assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
});

test('keywordScores returns every synthesizer, sorted, with scores in 0..1 and reasons', async () => {
  const synthesizers = await bundledSynthesizers();
  const scores = keywordScores('Should we enter the German market? What is the payback?', synthesizers, 'en');
  assert.equal(scores.length, synthesizers.length);
  assert.deepEqual(new Set(scores.map((s) => s.id)), new Set(synthesizers.map((s) => s.id)));
  for (let i = 0; i < scores.length; i++) {
    assert.ok(scores[i].score >= 0 && scores[i].score <= 1);
    if (i > 0) assert.ok(scores[i - 1].score >= scores[i].score);
  }
  const entry = scores.find((s) => s.id === 'market-entry')!;
  assert.match(entry.reason, /"enter"/);
  assert.match(entry.reason, /"new market"|"market entry"|"enter"/);
  const none = keywordScores('Lorem ipsum dolor sit amet', synthesizers, 'en');
  assert.ok(none.every((s) => s.score === 0 && s.reason === 'No keyword matched.'));
});

function synth(id: string, keywords: Record<string, string[]>): SynthesizerDef {
  return {
    id,
    name: id,
    description: '',
    whenToUse: '',
    whenNotToUse: '',
    keywords,
    defaultAnalysts: ['market'],
    templates: ['full-report'],
    method: 'm',
    origin: 'bundled',
  };
}

test('matching ignores case and accents, tolerates plurals, and handles multiword keywords', () => {
  const list = [
    synth('a', { en: ['market entry'], it: ['opportunità di mercato', 'strategia'] }),
    synth('b', { en: ['price war'], it: ['rischio'] }),
  ];
  const top = (text: string, lang = 'it') => keywordScores(text, list, lang)[0];
  assert.equal(top('OPPORTUNITA DI MERCATO in Cile').id, 'a');
  assert.equal(top('Le opportunità del nostro mercato').id, 'a', 'function words between the words of a keyword');
  assert.equal(top('Nuove strategie').id, 'a', 'plural of strategia');
  assert.equal(top('I rischi principali').id, 'b', 'plural of rischio');
  assert.equal(top('Price wars in retail', 'en').id, 'b');
  assert.equal(top('Market entries in Asia', 'en').id, 'a');
  assert.equal(keywordScores('entry into the market', list, 'en')[0].score, 0, 'word order matters');
  assert.equal(keywordScores('market research, pricing and entry barriers', list, 'en')[0].score, 0, 'words must be near');
});

test('more and longer matches score higher; the problem language counts more', () => {
  const list = [synth('a', { en: ['pricing'], it: ['prezzi'] }), synth('b', { en: ['pricing', 'price increase'], it: ['prezzi'] })];
  const scores = keywordScores('A price increase: what pricing?', list, 'en');
  assert.equal(scores[0].id, 'b');
  assert.ok(scores[0].score > scores[1].score);
  const sameLang = keywordScores('pricing', [synth('x', { en: ['pricing'], it: ['z'] })], 'en')[0].score;
  const otherLang = keywordScores('pricing', [synth('x', { en: ['z'], it: ['pricing'] })], 'en')[0].score;
  assert.ok(sameLang > otherLang && otherLang > 0);
});

test('stem folds common plural and inflection endings', () => {
  assert.equal(stem('markets'), stem('market'));
  assert.equal(stem('pricing'), stem('price'));
  assert.equal(stem('strategies'), stem('strategy'));
  assert.equal(stem('mercati'), stem('mercato'));
  assert.equal(stem('rischi'), stem('rischio'));
  assert.equal(stem('scenari'), stem('scenario'));
  assert.equal(stem('banche'), stem('banca'));
  assert.equal(stem('competitivi'), stem('competitiva'));
  assert.equal(stem('organisation'), stem('organize'));
  assert.equal(stem('riorganizzazione'), stem('riorganizzare'));
  assert.equal(stem('investimento'), stem('investire'));
  assert.equal(stem('acquisizione'), stem('acquisire'));
  assert.equal(stem('acquisition'), stem('acquisire'));
  assert.equal(stem('acquire'), stem('acquiring'));
  assert.equal(stem('competition'), stem('compete'));
  assert.notEqual(stem('acquisti'), stem('acquisire'), 'purchasing is not acquiring');
});

test('no match, or a tie at the top, goes to the neutral strategic-decision framework, not the first id', async () => {
  const synthesizers = await bundledSynthesizers();
  assert.equal(NEUTRAL_SYNTHESIZER, 'strategic-decision');
  assert.ok(synthesizers[0].id < NEUTRAL_SYNTHESIZER, 'the library is listed alphabetically');
  const none = keywordScores('Lorem ipsum dolor sit amet', synthesizers, 'en');
  assert.equal(none[0].id, 'strategic-decision');
  const list = [synth('alpha', { en: ['pricing'], it: ['x'] }), synth('strategic-decision', { en: ['pricing'], it: ['x'] }), synth('beta', { en: ['z'], it: ['x'] })];
  const tie = keywordScores('Our pricing', list, 'en');
  assert.equal(tie[0].score, tie[1].score);
  assert.equal(tie[0].id, 'strategic-decision', 'a tie at the top');
  assert.deepEqual(keywordScores('nothing here', list, 'en').map((s) => s.id), ['strategic-decision', 'alpha', 'beta']);
});

test('Italian verb forms fold to the infinitive: conjugations, conditionals, gerunds, attached pronouns', () => {
  const it = (w: string) => stem(w, 'it');
  for (const [form, infinitive] of [
    ['entriamo', 'entrare'],
    ['entreremmo', 'entrare'],
    ['apriamo', 'aprire'],
    ['lanciarla', 'lanciare'],
    ['lanciando', 'lanciare'],
    ['acquisiremmo', 'acquisire'],
    ['acquisirne', 'acquisire'],
    ['investiremo', 'investire'],
    ['riorganizziamo', 'riorganizzare'],
    ['accentrarli', 'accentrare'],
    ['costerebbe', 'costare'],
    ['decidiamo', 'decidere'],
  ]) {
    assert.equal(it(form), it(infinitive), `${form} ~ ${infinitive}`);
  }
  assert.equal(it('minacce'), it('minaccia'), 'plural of -cia');
  assert.equal(it('mercati'), it('mercato'));
  assert.notEqual(it('mercato'), it('merce'), 'participle-like nouns keep their stem');
  assert.notEqual(it('commerci'), it('comm'), 'not an infinitive with a pronoun');
  const list = [synth('entry', { en: ['z'], it: ['entrare', 'lanciare'] }), synth('other', { en: ['z'], it: ['y'] })];
  assert.equal(keywordScores('Entreremmo in Francia con il marchio?', list, 'it')[0].id, 'entry');
  assert.equal(keywordScores('Conviene lanciarla anche in Spagna?', list, 'it')[0].id, 'entry');
});

test('multi-word time expressions: every way of writing a horizon matches "next years", a deadline does not', () => {
  const list = [synth('future', { en: ['next years'], it: ['prossimi anni'] }), synth('strategic-decision', { en: ['z'], it: ['y'] })];
  const matchesHorizon = (text: string, lang: string) => keywordScores(text, list, lang).find((s) => s.id === 'future')!.score > 0;
  for (const text of ['over the next five years', 'in the coming decade', 'over the next 10 years', 'by 2035', 'between now and 2030', 'in the next few years']) {
    assert.ok(matchesHorizon(text, 'en'), text);
  }
  for (const text of ['nei prossimi dieci anni', 'entro il 2040', 'da qui al 2030', 'nei prossimi 5 anni', 'il prossimo decennio']) {
    assert.ok(matchesHorizon(text, 'it'), text);
  }
  for (const text of ['We have a budget for next year', 'the launch is planned for the next year']) assert.ok(!matchesHorizon(text, 'en'), text);
  assert.ok(!matchesHorizon('il budget del prossimo anno', 'it'));
});

test('over-eager stems: a short stem or a keyword\'s function words do not match unrelated words', () => {
  assert.notEqual(stem('funding'), stem('fund'), 'funding is not a fund');
  assert.notEqual(stem('opening'), stem('open'));
  assert.notEqual(stem('valuation'), stem('vale'), 'valuation is not "vale la pena"');
  assert.equal(stem('pricing'), stem('price'));
  assert.equal(stem('selling'), stem('sell'));
  const list = [
    synth('a', { en: ['stake in', 'funding'], it: ['se puntare'] }),
    synth('strategic-decision', { en: ['z'], it: ['y'] }),
  ];
  const score = (text: string, lang: string) => keywordScores(text, list, lang).find((s) => s.id === 'a')!.score;
  assert.ok(score('We want a stake in the startup', 'en') > 0);
  assert.equal(score('Sell a minority stake to an investor', 'en'), 0, '"stake in" needs its "in"');
  assert.equal(score('A private equity fund offered us shares', 'en'), 0);
  assert.ok(score('Dobbiamo capire se puntare sul premium', 'it') > 0);
  assert.equal(score('Apriamo un punto vendita a Londra?', 'it'), 0, '"se puntare" is not "punto"');
});

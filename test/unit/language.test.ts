import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, languageName } from '../../src/core/language';

/** [expected code, text]. Italian and English short and long, mixed, code-heavy; a few others. */
const SAMPLES: Array<[string, string]> = [
  // Italian — short
  ['it', 'Dobbiamo entrare nel mercato tedesco?'],
  ['it', 'Strategia di prezzo per il nuovo prodotto'],
  ['it', 'Analisi competitiva del settore bancario'],
  ['it', 'Conviene acquisire il nostro fornitore?'],
  ['it', 'Valutazione investimento nuovo stabilimento'],
  ['it', 'Riorganizzazione della rete vendita in Italia'],
  ['it', 'Quali rischi corre la filiera nel 2027?'],
  ['it', 'Come crescere nel mercato delle PMI'],
  // Italian — long
  [
    'it',
    "La nostra azienda produce macchine per il confezionamento alimentare e fattura circa 80 milioni di euro, per il 70% all'estero. Il consiglio di amministrazione ci chiede di valutare se aprire una filiale commerciale negli Stati Uniti oppure continuare a lavorare con i distributori attuali, tenendo conto dei dazi e del costo del personale.",
  ],
  [
    'it',
    'Siamo una software house di Bologna con 120 dipendenti. Vogliamo capire se ha senso lanciare una versione SaaS del nostro gestionale per studi professionali, quanto potrebbe valere il mercato e quali sarebbero i concorrenti principali. Abbiamo un budget di due milioni per i primi due anni.',
  ],
  [
    'it',
    "Il gruppo sta considerando la cessione della divisione logistica. Le alternative sono una vendita a un operatore del settore, una joint venture oppure il mantenimento con un piano di efficienza. Ci serve un'analisi che confronti le opzioni su valore, rischi e impatto sui clienti.",
  ],
  [
    'it',
    "Con l'arrivo di nuovi concorrenti online i nostri margini si sono ridotti di tre punti in due anni. Vorremmo capire dove si concentra la pressione sui prezzi e quali leve abbiamo per difendere la posizione.",
  ],
  // Italian — mixed with English business terms
  ['it', 'Definire la go-to-market strategy per il nostro SaaS B2B in Spagna'],
  ['it', 'Business case per il roll-out del nuovo CRM su tutta la rete, con payback e NPV'],
  ['it', 'Vogliamo fare un benchmark dei competitor sul pricing e sul customer journey'],
  ['it', 'Il management chiede un deep dive sul churn dei clienti enterprise e sulle leve di retention'],
  ['it', 'Analizzare il market entry in UK dopo la Brexit: opportunity assessment e risk scenarios'],
  // Italian — code-heavy
  [
    'it',
    'Dobbiamo decidere se riscrivere il backend. Oggi usiamo questo codice:\n```ts\nexport async function loadOrders(customerId: string): Promise<Order[]> {\n  const rows = await db.query("SELECT * FROM orders WHERE customer_id = $1", [customerId]);\n  return rows.map(toOrder);\n}\n```\nConviene migrare a un servizio gestito oppure mantenere la soluzione attuale?',
  ],
  [
    'it',
    'Il file `src/billing/invoiceService.ts` e la funzione `computeTax()` sono il collo di bottiglia: vale la pena esternalizzare la fatturazione a un fornitore come quelli elencati su https://www.example.com/providers?',
  ],
  [
    'it',
    'Valutare se adottare Kubernetes per i nostri servizi.\n\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: { name: orders-api }\n\nI costi di gestione sono aumentati e il team è piccolo.',
  ],
  // English — short
  ['en', 'Should we enter the German market?'],
  ['en', 'Pricing strategy for the new product line'],
  ['en', 'Competitive landscape of European neobanks'],
  ['en', 'Is the acquisition of our main supplier worth it?'],
  ['en', 'Business case for a new distribution centre'],
  ['en', 'How should we reorganise our sales force?'],
  ['en', 'Market entry in Brazil'],
  ['en', 'What are the main risks for our supply chain in 2027?'],
  // English — long
  [
    'en',
    'We are a mid-sized manufacturer of industrial pumps with revenue of about EUR 150 million, mostly in Europe. The board wants to know whether we should build a plant in Mexico to serve North American customers, or keep exporting from Italy and rely on distributors. Tariffs, labour costs and delivery times all matter.',
  ],
  [
    'en',
    'Our subscription business has grown quickly, but churn has doubled over the last year and acquisition costs keep rising. We need to understand which customer segments are most profitable, how competitors price comparable plans, and whether a move to usage-based pricing would improve retention.',
  ],
  [
    'en',
    'The company is considering three options for its legacy retail network: closing a third of the stores, converting them into smaller showrooms, or selling the network to a franchise operator. Please compare them on value, risk and impact on the brand.',
  ],
  // English — mixed with Italian names or terms
  ['en', 'Should Ferrero launch a new praline line under the Rocher brand in India?'],
  ['en', 'Assess the competitive position of Banca Intesa Sanpaolo versus the new digital banks'],
  ['en', 'We sell Parmigiano Reggiano and prosciutto di Parma online: should we open a warehouse in the Netherlands?'],
  ['en', 'Evaluate a partnership with the Comune di Milano for the smart city pilot'],
  // English — code-heavy
  [
    'en',
    'We need to decide whether to rewrite our checkout service. Current code:\n```python\ndef checkout(cart_id: str) -> Order:\n    cart = repo.get(cart_id)\n    total = sum(i.price * i.qty for i in cart.items)\n    return Order(cart_id=cart_id, total=total)\n```\nShould we buy a commercial platform instead, given our team of five engineers?',
  ],
  [
    'en',
    'Our `OrderRepository.findAllByCustomerId()` queries take 4s at peak (see https://grafana.example.com/d/abc123?orgId=1). Is it worth moving to a managed database, or should we invest in caching?',
  ],
  [
    'en',
    'const x = await fetch(url);\nif (!x.ok) { throw new Error(x.statusText); }\nThe question is simple: should we build this integration ourselves or use a vendor?',
  ],
  [
    'it',
    'Obiettivi del progetto:\n- ridurre i costi di distribuzione;\n- migliorare il servizio ai clienti;\n- decidere entro marzo se aprire il nuovo magazzino.',
  ],
  // Hard cases: very short, or dominated by English loanwords
  ['it', 'Riduzione dei costi di magazzino'],
  ['en', 'Cost reduction in the warehouse'],
  ['it', 'Cosa fare con la divisione retail?'],
  ['it', 'Ottimizzazione supply chain'],
  ['it', 'Make or buy per il nuovo motore'],
  ['en', 'Expand into Mexico via a joint venture'],
  ['it', 'Ingresso in Messico tramite joint venture'],
  // Spanish, French, German, Portuguese, Dutch
  ['es', '¿Deberíamos entrar en el mercado mexicano con nuestra marca de cosméticos?'],
  ['es', 'La empresa quiere evaluar la adquisición de un competidor en Colombia y necesita un análisis de los riesgos y de las sinergias.'],
  ['fr', "Devons-nous lancer notre offre de logiciels dans le marché français cette année ?"],
  ['fr', "L'entreprise envisage de fermer deux usines et de regrouper la production dans le nord du pays pour réduire les coûts."],
  ['de', 'Sollten wir mit unserer Marke in den deutschen Markt eintreten?'],
  ['de', 'Das Unternehmen prüft, ob die Produktion nach Polen verlagert werden soll, um die Kosten zu senken und näher an den Kunden zu sein.'],
  ['pt', 'Devemos expandir a nossa operação para o mercado brasileiro no próximo ano?'],
  ['pt', 'A empresa está avaliando a aquisição de uma startup de pagamentos para acelerar a sua estratégia digital.'],
  ['nl', 'Moeten wij onze producten ook in België verkopen en welke risico’s zijn er voor onze marge?'],
];

test('detectLanguage: labelled samples (accuracy printed)', () => {
  assert.ok(SAMPLES.length >= 40, `there are ${SAMPLES.length} samples`);
  const misses: string[] = [];
  for (const [expected, text] of SAMPLES) {
    const got = detectLanguage(text);
    assert.ok(got.confidence >= 0 && got.confidence <= 1, `confidence in 0..1 for ${text.slice(0, 40)}`);
    if (got.code !== expected) misses.push(`expected ${expected}, got ${got.code} (${got.confidence}): ${text.slice(0, 70)}`);
  }
  const accuracy = (SAMPLES.length - misses.length) / SAMPLES.length;
  const itEn = SAMPLES.filter(([c]) => c === 'it' || c === 'en');
  const itEnMisses = misses.filter((m) => /^expected (it|en),/.test(m)).length;
  const itEnAccuracy = (itEn.length - itEnMisses) / itEn.length;
  console.log(
    `language detection accuracy: ${(accuracy * 100).toFixed(1)}% (${SAMPLES.length - misses.length}/${SAMPLES.length}); ` +
      `Italian/English: ${(itEnAccuracy * 100).toFixed(1)}% (${itEn.length - itEnMisses}/${itEn.length})`,
  );
  for (const m of misses) console.log(`  miss: ${m}`);
  assert.ok(itEnAccuracy >= 0.95, `Italian/English accuracy ${itEnAccuracy}`);
  assert.ok(accuracy >= 0.92, `overall accuracy ${accuracy}`);
});

test('detectLanguage: confidence is high for clear prose and low for short or empty text', () => {
  const long = detectLanguage(SAMPLES.find(([c, t]) => c === 'it' && t.length > 250)![1]);
  assert.equal(long.code, 'it');
  assert.ok(long.confidence >= 0.7, `long Italian: ${long.confidence}`);
  const longEn = detectLanguage(SAMPLES.find(([c, t]) => c === 'en' && t.length > 250)![1]);
  assert.ok(longEn.confidence >= 0.7, `long English: ${longEn.confidence}`);
  const short = detectLanguage('Analisi competitiva');
  assert.equal(short.code, 'it');
  assert.ok(short.confidence < long.confidence, 'a two-word title is less certain than a paragraph');
  assert.deepEqual(detectLanguage(''), { code: 'en', confidence: 0 });
  assert.deepEqual(detectLanguage('```\nconst a = 1;\n```\nhttps://example.com/x'), { code: 'en', confidence: 0 });
  assert.deepEqual(detectLanguage('12345 67.8 %'), { code: 'en', confidence: 0 });
});

test('detectLanguage: code, URLs and identifiers do not decide the language', () => {
  const englishCode = '```js\nfunction theFunctionThatIsUsed(and, or, the) { return the && and || or; }\n```\n';
  assert.equal(detectLanguage(`${englishCode}Dobbiamo decidere se riscrivere questo modulo o comprarne uno.`).code, 'it');
  const path = 'https://example.com/the/and/of/the/and/for/with';
  assert.equal(detectLanguage(`${path} Vale la pena investire nella nuova linea?`).code, 'it');
});

test('languageName names codes in English, ignoring region subtags', () => {
  assert.equal(languageName('it'), 'Italian');
  assert.equal(languageName('en'), 'English');
  assert.equal(languageName('IT'), 'Italian');
  assert.equal(languageName('pt-BR'), 'Portuguese');
  assert.equal(languageName('de_DE'), 'German');
  assert.equal(languageName('ja'), 'Japanese');
  assert.equal(languageName(''), 'English');
  const swahili = languageName('sw');
  assert.ok(swahili === 'Swahili' || swahili === 'sw', `sw → ${swahili}`);
});

/**
 * The final document's fixed labels exist in every language the detector returns, the Sources
 * list is written in the document's language, and the Sources reader reads back what the
 * writer wrote in any of them — and tolerates a person's edits.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { DOCUMENT_LANGUAGES, documentLabels, isDemoBanner, isSourcesHeading, levelFromDescription, sectionRole, sourceLevelLabel } from '../../src/core/documentLabels';
import { detectLanguage } from '../../src/core/language';
import { parseSourceEntry } from '../../src/core/sourcesSection';
import { insertCitationMarks, numberEvidence, renderSources, evidenceLabels } from '../../src/core/evidenceRender';
import type { Source } from '../../src/core/state';

const REGISTRY: Source[] = [
  { id: 'S1', level: 'L0', title: 'Board memo', documentRef: 'docs/board-memo.md' },
  { id: 'S2', level: 'L1', title: 'Census of bakeries', analyst: 'market' },
  { id: 'S3', level: 'L2', title: 'Trade press — bakery software', url: 'https://example.com/x', publishedDate: '2026-03-04T00:00:00Z' },
];

describe('document labels', () => {
  it('has every label in every language the detector can return', () => {
    const detectable = new Set(['en', 'it', 'es', 'fr', 'de', 'pt', 'nl']);
    // The detector's languages: each sample is recognised, and each has its own labels.
    const samples: Record<string, string> = {
      en: 'Should we enter the market with our product next year?',
      it: 'Dovremmo entrare nel mercato con il nostro prodotto il prossimo anno?',
      es: '¿Deberíamos entrar en el mercado con nuestro producto el próximo año?',
      fr: 'Devons-nous entrer sur le marché avec notre produit l’année prochaine ?',
      de: 'Sollten wir im nächsten Jahr mit unserem Produkt in den Markt eintreten?',
      pt: 'Devemos entrar no mercado com o nosso produto no próximo ano?',
      nl: 'Moeten we volgend jaar met ons product de markt betreden?',
    };
    for (const [code, text] of Object.entries(samples)) assert.equal(detectLanguage(text).code, code, text);
    assert.deepEqual(new Set(DOCUMENT_LANGUAGES), detectable);
    const english = documentLabels('en');
    for (const lang of DOCUMENT_LANGUAGES) {
      const l = documentLabels(lang);
      for (const [key, value] of Object.entries(l)) assert.ok(value.trim(), `${lang}.${key} is empty`);
      if (lang !== 'en') {
        assert.notEqual(l.demoBanner, english.demoBanner, `${lang} demo banner is English`);
        assert.notEqual(l.levelWeb, english.levelWeb, `${lang} web level is English`);
      }
      assert.ok(isDemoBanner(l.demoBanner.replace(/^> /, '')), `${lang} demo banner recognised`);
      assert.ok(isSourcesHeading(l.sources), `${lang} Sources heading recognised`);
    }
    assert.equal(documentLabels('pt-BR').sources, 'Fontes');
    assert.equal(documentLabels('ja').sources, 'Sources');
  });

  it('writes the Sources list in the document language and reads it back in every language', () => {
    const text = 'A claim, b claim, c claim.';
    const records = [
      { sourceId: 'S1', passage: 1, passageEnd: 1, citedText: 'Revenue grew by 12%.', span: { start: 0, end: 7 } },
      { sourceId: 'S3', passage: 1, passageEnd: 1, citedText: 'Bakeries buy software.', span: { start: 9, end: 16 } },
    ];
    const registry = REGISTRY.map((s) => (s.level === 'L1' ? { ...s, verification: { status: 'unverified' as const, reason: 'no URL was given' } } : s));
    for (const lang of DOCUMENT_LANGUAGES) {
      const { cited, marks } = numberEvidence(registry, records, [{ at: 25, sourceId: 'S2' }]);
      const body = insertCitationMarks(text, marks);
      const sourcesSection = renderSources({ contextDocuments: [], pageLookups: [] }, cited, '', evidenceLabels(lang));
      assert.ok(sourcesSection.startsWith(`## ${documentLabels(lang).sources}\n`), sourcesSection);
      assert.equal(body, 'A claim[[1]](#source-1-1), b claim[[2]](#source-2-1), c claim[[3]](#source-3).');
      const entries = sourcesSection.trim().split('\n').slice(2).join('\n').split(/\n(?=\d+\. )/);
      const [memo, press, census] = entries.map((e, i) => parseSourceEntry(e, i + 1)!);
      assert.equal(memo.title, 'Board memo');
      assert.equal(memo.level, 'L0');
      assert.deepEqual(memo.passages, [{ text: 'Revenue grew by 12%.', location: 'docs/board-memo.md', anchor: 'source-1-1' }]);
      assert.equal(press.title, 'Trade press — bakery software');
      assert.equal(press.url, 'https://example.com/x');
      assert.equal(press.date, '2026-03-04');
      assert.equal(press.level, 'L2');
      assert.equal(census.level, 'L1', `${lang}: ${entries[2]}`);
      assert.ok(census.levelText!.startsWith(sourceLevelLabel('L1', lang, 'market')));
      assert.match(entries[2], new RegExp(`\\*\\*${evidenceLabels(lang).unverified}\\*\\*`));
    }
  });

  it('reads edited entries and quoted passages', () => {
    assert.deepEqual(parseSourceEntry('4) [Annual report](https://example.com/r) — web search: "revenue grew 12%" (p. 4) “margin 8%” — slide 2', 0), {
      number: 4,
      title: 'Annual report',
      url: 'https://example.com/r',
      level: 'L2',
      levelText: 'web search',
      passages: [
        { text: 'revenue grew 12%', location: 'p. 4' },
        { text: 'margin 8%', location: 'slide 2' },
      ],
    });
    const multi = parseSourceEntry('2. Interview notes — notes/interviews.md — documento di contesto\n   > "i clienti pagano 90 € al mese" (righe 10–12)\n   - un passaggio senza virgolette', 9)!;
    assert.equal(multi.number, 2);
    assert.equal(multi.level, 'L0');
    assert.deepEqual(multi.passages, [{ text: 'i clienti pagano 90 € al mese', location: 'righe 10–12' }, { text: 'un passaggio senza virgolette' }]);
    assert.equal(parseSourceEntry('A title only https://example.com/p.', 7)?.url, 'https://example.com/p');
    assert.equal(parseSourceEntry('3. ', 3), undefined);
    assert.equal(parseSourceEntry('3. — web search', 3), undefined);
    assert.equal(levelFromDescription('Zoeken op het web'), 'L2');
  });

  it('recognises the sections a deck is built from in any language', () => {
    assert.equal(sectionRole('Executive summary'), 'summary');
    assert.equal(sectionRole('Recommendation'), 'summary');
    assert.equal(sectionRole('Sintesi'), 'summary');
    assert.equal(sectionRole('Risultati chiave'), 'findings');
    assert.equal(sectionRole('Wichtigste Erkenntnisse'), 'findings');
    assert.equal(sectionRole('Rischi e domande aperte'), 'risks');
    assert.equal(sectionRole('Riesgos'), 'risks');
    assert.equal(sectionRole('Recommended next steps'), 'nextSteps');
    assert.equal(sectionRole('Recommendations and roadmap'), 'nextSteps');
    assert.equal(sectionRole('Prochaines étapes'), 'nextSteps');
    assert.equal(sectionRole('Fonti'), 'sources');
    assert.equal(sectionRole('Market and external environment'), undefined);
  });
});

describe('Sources entries of cited passages', () => {
  it('reads the linked file and the location of a passage', () => {
    const entry = parseSourceEntry('2. [board\\-memo 2026.md, lines 12–14](../../documents/board-memo%202026.md#L12) — context document', 0)!;
    assert.equal(entry.number, 2);
    assert.equal(entry.title, 'board-memo 2026.md, lines 12–14');
    assert.equal(entry.reference, '../../documents/board-memo 2026.md');
    assert.equal(entry.url, undefined);
    assert.equal(entry.link, '../../documents/board-memo%202026.md#L12');
    assert.equal(entry.level, 'L0');
  });
});

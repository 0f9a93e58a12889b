/**
 * The run's language: French and other short problems the detector used to get wrong, languages
 * outside the detector's lists (a low confidence, never a confident wrong guess), the check of a
 * language code, and the order setting → model → detector → interface language.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLanguage, detectLanguage, LOW_CONFIDENCE, normalizeLanguageCode } from '../../src/core/language';

/** Short French problems, as people type them. */
const FRENCH: string[] = [
  'Faut-il ouvrir un magasin à Lyon ?',
  'Ouvrir une usine à Lille ou à Porto ?',
  "Vendre à l'étranger ou rester en France ?",
  'Je dois choisir entre deux fournisseurs',
  'Doit-on racheter notre fournisseur ?',
  'Faut-il investir dans une nouvelle usine à Toulouse ?',
  'Est-ce que nous devons fermer le site de Nantes ?',
  'Comment réduire nos coûts de production ?',
  'Quelle stratégie de prix pour notre nouvelle offre ?',
  'Lancer notre marque à Montréal cette année ?',
  'Passer à la vente en ligne ou garder les magasins ?',
  'Racheter un concurrent à Bordeaux : bonne idée ?',
];

/** [language, problem]: languages the detector has no lists for. */
const OTHER_LANGUAGES: Array<[string, string]> = [
  ['pl', 'Czy powinniśmy wejść na rynek niemiecki z naszą marką kosmetyków?'],
  ['sv', 'Bör vi etablera oss på den norska marknaden med våra produkter?'],
  ['da', 'Skal vi åbne en butik i Hamborg eller sælge online?'],
  ['nb', 'Bør vi kjøpe opp en konkurrent i Bergen?'],
  ['fi', 'Pitäisikö meidän laajentaa Ruotsiin?'],
  ['cs', 'Měli bychom vstoupit na německý trh?'],
  ['ro', 'Ar trebui să intrăm pe piața germană cu produsele noastre?'],
  ['tr', 'Alman pazarına girmeli miyiz?'],
  ['hu', 'Érdemes új gyárat nyitnunk Debrecenben?'],
  ['ca', "Hem d'entrar al mercat francès amb la nostra marca?"],
  ['ru', 'Должны ли мы выходить на немецкий рынок?'],
  ['uk', 'Чи варто нам відкривати філію у Львові?'],
  ['el', 'Πρέπει να επεκταθούμε στην αγορά της Κύπρου;'],
  ['ja', 'ドイツ市場に参入すべきか'],
  ['ko', '독일 시장에 진출해야 할까요?'],
  ['zh', '我们应该进入德国市场吗？'],
  ['ar', 'هل يجب أن ندخل السوق الألمانية؟'],
  ['he', 'האם עלינו להיכנס לשוק הגרמני?'],
];

test('short French problems are detected as French (accuracy printed)', () => {
  const misses = FRENCH.filter((t) => detectLanguage(t).code !== 'fr');
  console.log(`French short problems: ${FRENCH.length - misses.length}/${FRENCH.length} detected as French`);
  for (const m of misses) console.log(`  miss: ${JSON.stringify(detectLanguage(m))} ${m}`);
  assert.ok(misses.length <= 1, `${misses.length} French problems missed`);
  assert.equal(detectLanguage('Faut-il ouvrir un magasin à Lyon ?').code, 'fr', '"à" is French');
});

test('languages outside the lists: right by script, otherwise a low confidence, never confidently wrong', () => {
  let right = 0;
  const confidentlyWrong: string[] = [];
  for (const [expected, text] of OTHER_LANGUAGES) {
    const got = detectLanguage(text);
    if (got.code === expected) right++;
    else if (got.confidence >= LOW_CONFIDENCE) confidentlyWrong.push(`${expected} → ${got.code} (${got.confidence}): ${text}`);
  }
  console.log(`other languages: ${right}/${OTHER_LANGUAGES.length} named right, ${confidentlyWrong.length} confidently wrong`);
  assert.deepEqual(confidentlyWrong, []);
  for (const code of ['ru', 'uk', 'el', 'ja', 'ko', 'zh', 'ar', 'he']) {
    const text = OTHER_LANGUAGES.find(([c]) => c === code)![1];
    assert.equal(detectLanguage(text).code, code, text);
  }
});

test('normalizeLanguageCode accepts language codes only', () => {
  assert.equal(normalizeLanguageCode('fr'), 'fr');
  assert.equal(normalizeLanguageCode(' PT-br '), 'pt');
  assert.equal(normalizeLanguageCode('de_AT'), 'de');
  assert.equal(normalizeLanguageCode('sv'), 'sv');
  assert.equal(normalizeLanguageCode('fil'), 'fil');
  for (const bad of ['French', 'xx', 'und', '', 'f', 'en us', '<script>', 'english-language', 42, null, undefined, {}]) {
    assert.equal(normalizeLanguageCode(bad), null, String(bad));
  }
});

test('chooseLanguage: the setting, then the model, then a confident detector, then the interface language', () => {
  const detected = { code: 'pt', confidence: 0.2 };
  assert.deepEqual(chooseLanguage({ setting: 'it', modelAnswer: 'fr', detected, interfaceLanguage: 'de' }), { code: 'it', source: 'setting' });
  assert.deepEqual(chooseLanguage({ setting: 'auto', modelAnswer: 'fr', detected, interfaceLanguage: 'de' }), { code: 'fr', source: 'model' });
  assert.deepEqual(chooseLanguage({ setting: 'auto', modelAnswer: 'French', detected, interfaceLanguage: 'de' }), { code: 'de', source: 'interface' });
  assert.deepEqual(chooseLanguage({ setting: 'auto', detected: { code: 'it', confidence: 0.8 }, interfaceLanguage: 'de' }), { code: 'it', source: 'detector' });
  assert.deepEqual(chooseLanguage({ setting: 'auto', detected, interfaceLanguage: 'zh-cn' }), { code: 'zh', source: 'interface' });
  assert.deepEqual(chooseLanguage({ setting: 'auto', detected, interfaceLanguage: 'qps-ploc' }), { code: 'en', source: 'interface' });
});

/**
 * The run's language through the workflow: the language the model's parse answer names, the
 * detector when it names none, the interface language when the detector is unsure, the setting
 * over all of them, and the person's choice at the proposal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Orchestrator } from '../../src/core/orchestrator';
import { PROBLEM_LANGUAGE } from '../../src/core/promptText';
import type { Log, ModelRequest, ModelResponse } from '../../src/core/ports';
import { DemoModel } from '../../src/providers/demo';
import { CountingModel, harness, ScriptedReviewer } from '../helpers/core';

/** Adds `language` to the parse answer of the demo model. */
function namingLanguage(language: unknown, seen: ModelRequest[] = []): CountingModel {
  return new CountingModel(new DemoModel(), (req: ModelRequest, res: ModelResponse) => {
    seen.push(req);
    if (req.step !== 'parse' || req.label !== 'parse') return res;
    const json = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(res.text)![1]) as Record<string, unknown>;
    return { ...res, text: '```json\n' + JSON.stringify({ ...json, language }) + '\n```' };
  });
}

function systemText(req: ModelRequest): string {
  return req.system.map((b) => b.text).join('\n');
}

class MemoryLog implements Log {
  readonly warnings: string[] = [];
  debug(): void {}
  info(): void {}
  warn(message: string): void {
    this.warnings.push(message);
  }
  error(): void {}
}

const SWEDISH = 'Bör vi etablera oss på den norska marknaden med våra produkter?';

describe('the language of a run', () => {
  it('is the language the parse answer names, and the parse prompt asks for the problem\'s own language', async () => {
    const seen: ModelRequest[] = [];
    const h = harness({ model: namingLanguage('sv', seen) });
    const { state } = await new Orchestrator({ ...h.deps, settings: { interfaceLanguage: 'de' } }).start(SWEDISH);
    assert.equal(state.status, 'done');
    assert.equal(state.language, 'sv');
    assert.equal(state.languageSource, 'model');
    assert.match(state.finalDocument!.markdown, /^language: sv$/m);
    const parse = seen.find((r) => r.step === 'parse')!;
    assert.ok(systemText(parse).includes(PROBLEM_LANGUAGE), 'the parse prompt does not name a guessed language');
    assert.ok(!/Italian|Portuguese/.test(systemText(parse)));
    const analyst = seen.find((r) => r.step === 'analysts')!;
    assert.ok(systemText(analyst).includes('Swedish'), 'later steps write in the chosen language');
  });

  it('ignores a parse answer whose language is not a code, and falls back to the interface language when the detector is unsure', async () => {
    const log = new MemoryLog();
    const h = harness({ model: namingLanguage('Swedish') });
    const { state } = await new Orchestrator({ ...h.deps, log, settings: { interfaceLanguage: 'de-CH' } }).start(SWEDISH);
    assert.equal(state.language, 'de');
    assert.equal(state.languageSource, 'interface');
    assert.ok(log.warnings.some((w) => /not a language code/.test(w)), log.warnings.join('\n'));
  });

  it('uses the detector when the model names no language and the detector is sure; French is French', async () => {
    const h = harness();
    const { state } = await new Orchestrator({ ...h.deps, settings: { interfaceLanguage: 'it' } }).start(
      'Faut-il investir dans une nouvelle usine à Toulouse ?',
    );
    assert.equal(state.language, 'fr');
    assert.equal(state.languageSource, 'detector');
  });

  it('follows the setting over the model', async () => {
    const h = harness({ model: namingLanguage('sv') });
    const { state } = await new Orchestrator({ ...h.deps, settings: { outputLanguage: 'it' } }).start(SWEDISH);
    assert.equal(state.language, 'it');
    assert.equal(state.languageSource, 'setting');
  });

  it('shows the language at the proposal, where the person can change it', async () => {
    const reviewer = new ScriptedReviewer({
      proposal: [{ kind: 'modify', changes: { language: 'it' } }, { kind: 'modify', changes: { language: 'Klingon' } }, { kind: 'approve' }],
    });
    const h = harness({ model: namingLanguage('en'), reviewer });
    const { state } = await new Orchestrator(h.deps).start('Should we enter the German market next year?');
    const views = reviewer.seen.filter((s) => s.gate === 'proposal').map((s) => s.payload as { language: string; languageSource: string });
    assert.deepEqual(
      views.map((v) => [v.language, v.languageSource]),
      [
        ['en', 'model'],
        ['it', 'person'],
        ['it', 'person'],
      ],
    );
    assert.equal(state.language, 'it');
    assert.match(state.finalDocument!.markdown, /^language: it$/m);
    assert.match(state.finalDocument!.markdown, /## Fonti/);
  });
});

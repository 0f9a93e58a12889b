/**
 * Wiring for runs against the fake APIs: the real providers (and so the real SDKs) pointed at
 * loopback fakes that answer with the demo model's canned answers for each task.
 */
import path from 'node:path';
import type { PromptLibrary } from '../../src/core/library';
import { loadPromptLibrary } from '../../src/prompts';
import { AnthropicModel } from '../../src/providers/anthropic';
import { demoAnswer } from '../../src/providers/demo';
import { ExaSearch } from '../../src/providers/exa';
import { startFakeAnthropic, type AnthropicResponder, type FakeAnthropicOptions } from '../fakes/anthropicServer';
import { startFakeExa, type FakeExaOptions } from '../fakes/exaServer';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The fake server's answer: the demo model's canned answer for the tagged task. */
export const demoResponder: AnthropicResponder = (input) => {
  if (!input.task) return 'This request carried no task tag.';
  return demoAnswer({ step: input.task.step, label: input.task.label, system: input.system, user: input.lastUserText });
};

export function bundledLibrary(): Promise<PromptLibrary> {
  return loadPromptLibrary({ bundledDir: path.join(REPO_ROOT, 'prompts'), workspaceFolders: [], extraFolders: [] });
}

export async function startFakes(options: { anthropic?: FakeAnthropicOptions; exa?: FakeExaOptions } = {}) {
  const anthropic = await startFakeAnthropic({ responder: demoResponder, ...options.anthropic });
  const exa = await startFakeExa(options.exa);
  const model = new AnthropicModel({ apiKey: anthropic.apiKey, baseURL: anthropic.url });
  const search = new ExaSearch({ apiKey: exa.apiKey, baseURL: exa.url });
  return {
    anthropic,
    exa,
    model,
    search,
    async close() {
      await Promise.all([anthropic.close(), exa.close()]);
    },
  };
}

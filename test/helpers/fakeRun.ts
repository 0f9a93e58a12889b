/**
 * Wiring for runs against the fake APIs: the real providers (and so the real SDKs) pointed at
 * loopback fakes that answer with the demo model's canned answers for each task.
 */
import path from 'node:path';
import type { PromptLibrary } from '../../src/core/library';
import { loadPromptLibrary } from '../../src/prompts';
import { AnthropicModel } from '../../src/providers/anthropic';
import { demoBlocks } from '../../src/providers/demo';
import { demoCitedBlocks, type DemoBlock } from '../../src/providers/demoCitations';
import { ExaSearch } from '../../src/providers/exa';
import { startFakeAnthropic, type AnthropicResponder, type AnthropicResponderInput, type FakeAnthropicOptions } from '../fakes/anthropicServer';
import { citationOf, type FakeAnswerBlock } from '../fakes/citations';
import { startFakeExa, type FakeExaOptions } from '../fakes/exaServer';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The fake server's answer: the demo model's canned answer for the tagged task, with its
 * citations of the attached documents in the wire shape.
 */
export type DemoReply = string | { blocks: FakeAnswerBlock[] };

export function demoReply(input: AnthropicResponderInput): DemoReply {
  if (!input.task) return 'This request carried no task tag.';
  const documents = input.citables.map((c) => ({ kind: c.kind, title: c.title ?? '', passages: c.blocks }));
  return wireReply(input, demoBlocks({ step: input.task.step, label: input.task.label, system: input.system, user: input.lastUserText, documents }));
}

/** `text` (citing `[S#]` ids of the attached documents) as the demo would cite it, in the wire shape. */
export function citedReply(input: AnthropicResponderInput, text: string): DemoReply {
  const documents = input.citables.map((c) => ({ kind: c.kind, title: c.title ?? '', passages: c.blocks }));
  const req = { step: input.task?.step ?? '', label: input.task?.label ?? '', system: input.system, documents };
  return wireReply(input, demoCitedBlocks(req, text, false));
}

function wireReply(input: AnthropicResponderInput, blocks: DemoBlock[]): DemoReply {
  if (!blocks.some((b) => b.citations?.length)) return blocks.map((b) => b.text).join('');
  return {
    blocks: blocks.map((b) => ({
      text: b.text,
      citations: (b.citations ?? []).flatMap((c) => {
        const target = input.citables.find((x) => x.kind === c.kind && x.index === c.index);
        return target ? [citationOf(target, c.start, c.end, c.quote)] : [];
      }),
    })),
  };
}

export const demoResponder: AnthropicResponder = demoReply;

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

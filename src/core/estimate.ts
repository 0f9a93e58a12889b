/**
 * The cost estimate shown with the proposal: input tokens counted by the provider where it can
 * (the shared prefix, the analyst instructions and one whole analyst call), the rest modelled the
 * way the run places its cache breakpoints and the output lengths its prompts ask for.
 *
 * Model of the run after the proposal (each step with its own model's price):
 * - analysts: the first reads the shared prefix the proposal call just cached and writes the
 *   analyst instructions; the others read both. Overnight, the shared block is written with the
 *   1-hour TTL and everything is billed at the batch price. Output: the length the analyst
 *   instructions ask for (600 to 1,200 words) plus the frontmatter;
 * - integration in parts (a method with steps): the first part writes the method and the
 *   analyst outputs as a second cached block, the other parts and the closing read it, and the
 *   closing is also given the other parts' text; the citation map by groups of sections alike
 *   (the first group writes the outline and the registry, the others read them);
 * - integration (one call), outline, citations and full text: the cached prefix read again, their own
 *   instructions, what they are given (analyst outputs, integration, outline) and their output;
 *   the full text's length is the template's target words;
 * - web searches at their price per request.
 * `expected` assumes the gates are answered while the prompt cache lives (5 minutes); `high`
 * assumes every gate outlasts it (the prefix written again), the longest outputs, and every
 * allowed search; `low` the shortest outputs and no search.
 *
 * Owns: this model. Must not: make paid calls (counting tokens is free), or invent a price for
 * a model without one (it is listed, not priced).
 */
import type { RunContext } from './context';
import { runCost, unpricedModels, usageCost } from './cost';
import { errorMessage } from './errors';
import { sharedPrefix, templateSections } from './promptText';
import { citableDocuments } from './citable';
import { planIntegration } from './integrationPlan';
import type { CitableDocument, SystemBlock } from './ports';
import { priceFor, type ModelPrice } from './pricing';
import type { CostEstimate, Proposal, StepName } from './state';
import { analystFrameFor, analystPromptFor } from './steps/analysts';
import { MAX_CITATION_GROUPS } from './steps/citationParts';

/** Tokens per word of prose (English and Italian average about 1.3 to 1.4). */
const TOKENS_PER_WORD = 1.35;
/** Tokens of an analyst's frontmatter (findings, sources, assumptions, questions). */
const ANALYST_FRONTMATTER_TOKENS = 250;
const ANALYST_WORDS = { low: 600, expected: 750, high: 1200 };
const INTEGRATION_TOKENS = { low: 1000, expected: 1500, high: 3000 };
const OUTLINE_TOKENS = { low: 400, expected: 700, high: 1500 };
const CITATIONS_TOKENS = { low: 300, expected: 600, high: 1500 };

type Level = 'low' | 'expected' | 'high';
const LEVELS: Level[] = ['low', 'expected', 'high'];

interface Counter {
  /** Input tokens of a request: its system blocks, the attached documents, one user message. */
  tokens(system: SystemBlock[], user: string, documents?: readonly CitableDocument[]): Promise<number>;
  /** Tokens of loose text, at the ratio observed by counting (or four characters per token). */
  text(chars: number): number;
}

/** Characters of the attached documents: their titles, context lines and passages. */
function documentChars(documents: readonly CitableDocument[] = []): number {
  return documents.reduce((n, d) => n + d.title.length + (d.context?.length ?? 0) + d.passages.reduce((m, p) => m + p.length, 0), 0);
}

const heuristic: Counter = {
  tokens: async (system, user, documents) => Math.ceil((system.reduce((n, b) => n + b.text.length, 0) + user.length + documentChars(documents)) / 4),
  text: (chars) => Math.ceil(chars / 4),
};

function makeCounter(ctx: RunContext, model: string): { counter: Counter; counted: boolean; reason?: string } {
  if (ctx.model.demo) return { counter: heuristic, counted: false, reason: 'demo mode' };
  const count = ctx.model.countTokens?.bind(ctx.model);
  if (!count) return { counter: heuristic, counted: false, reason: 'the provider cannot count tokens' };
  let ratio = 0.25;
  const counter: Counter = {
    tokens: async (system, user, documents) => {
      const n = await count(
        { model, system, messages: [{ role: 'user', content: user }], ...(documents?.length ? { documents: [...documents] } : {}) },
        { signal: ctx.signal },
      );
      const chars = system.reduce((m, b) => m + b.text.length, 0) + user.length + documentChars(documents);
      if (chars > 1000) ratio = Math.max(0.05, n / chars);
      return n;
    },
    text: (chars) => Math.ceil(chars * ratio),
  };
  return { counter, counted: true };
}

function levels(f: (l: Level) => number): Record<Level, number> {
  return { low: f('low'), expected: f('expected'), high: f('high') };
}

export async function estimateRun(
  ctx: RunContext,
  p: Pick<Proposal, 'analysts' | 'webSearch' | 'template' | 'model' | 'synthesizer' | 'overnight'>,
): Promise<CostEstimate | null> {
  if (ctx.model.demo) return null;
  const lib = ctx.library;
  const overnight = p.overnight === true;
  const prefix = sharedPrefix(ctx);
  const frame = analystFrameFor(ctx, p.synthesizer);
  const defs = p.analysts.map((id) => lib.analysts.find((a) => a.id === id)).filter((d) => d !== undefined);

  let { counter, counted, reason } = makeCounter(ctx, p.model);
  let prefixT: number;
  let sharedT: number;
  let firstOwnT = 0;
  const dot = '.';
  // The context documents go with every call that writes claims, in the cached prefix.
  const documents = citableDocuments(ctx.state, { withWeb: false });
  const countAll = async (c: Counter) => {
    const first = defs[0] ? analystPromptFor(ctx, defs[0]) : undefined;
    const [a, b, full] = await Promise.all([
      c.tokens([{ text: prefix }], dot, documents),
      c.tokens([{ text: prefix }, { text: frame }], dot, documents),
      first ? c.tokens([{ text: prefix }, { text: frame }, { text: first.ownPrompt }], first.message, documents) : Promise.resolve(0),
    ]);
    return { a, b, own: first ? Math.max(0, full - b) : 0 };
  };
  try {
    ({ a: prefixT, b: sharedT, own: firstOwnT } = await countAll(counter));
  } catch (err) {
    ctx.log.warn(`Token counting failed (${errorMessage(err)}); the estimate uses about four characters per token.`);
    counter = heuristic;
    counted = false;
    reason = `token counting failed: ${errorMessage(err)}`;
    ({ a: prefixT, b: sharedT, own: firstOwnT } = await countAll(counter));
  }

  const unpriced = new Set<string>();
  const price = (model: string): ModelPrice | undefined => {
    const found = priceFor(ctx.prices, model);
    if (!found) unpriced.add(model);
    return found;
  };
  const cost = (model: string, u: { fresh: number; write?: number; write1h?: number; read?: number; out: number }, batch = false) => {
    const pr = price(model);
    if (!pr) return 0;
    return usageCost(
      pr,
      {
        inputTokens: u.fresh,
        outputTokens: u.out,
        cacheCreationInputTokens: (u.write ?? 0) + (u.write1h ?? 0),
        cacheCreation1hInputTokens: u.write1h ?? 0,
        cacheReadInputTokens: u.read ?? 0,
      },
      { batch },
    );
  };

  // Analysts.
  const n = defs.length;
  const firstOwnChars = defs[0] ? analystPromptFor(ctx, defs[0]).ownPrompt.length : 1;
  const ownT = defs.map((d, i) => {
    if (i === 0) return firstOwnT;
    const own = analystPromptFor(ctx, d);
    return counted && firstOwnChars > 0 ? Math.ceil((firstOwnT * (own.ownPrompt.length + own.message.length)) / firstOwnChars) : counter.text(own.ownPrompt.length + own.message.length);
  });
  const analystOut = levels((l) => Math.ceil(ANALYST_WORDS[l] * TOKENS_PER_WORD) + ANALYST_FRONTMATTER_TOKENS);
  const analysts = levels((l) => {
    if (n === 0) return 0;
    const own = ownT.reduce((a, b) => a + b, 0);
    const out = n * analystOut[l];
    if (overnight) {
      // One request writes the shared block for an hour; the others read it.
      return cost(p.model, { fresh: own, write1h: sharedT, read: (n - 1) * sharedT, out }, true);
    }
    const cold = l === 'high';
    return cost(p.model, {
      fresh: own,
      write: cold ? sharedT : sharedT - prefixT,
      read: (cold ? 0 : prefixT) + (n - 1) * sharedT,
      out,
    });
  });

  // Writing steps.
  const tpl = lib.templates.find((t) => t.id === p.template) ?? lib.templates[0];
  const targetWords = tpl?.targetWords ?? 2000;
  const language = ctx.state.language;
  const method = lib.synthesizers.find((x) => x.id === p.synthesizer)?.method ?? '';
  type Counted = 'integration' | 'integration-frame' | 'integration-part' | 'integration-closing' | 'outline' | 'citations' | 'citations-frame' | 'citations-part' | 'fulltext';
  // A prompt's tokens are the same at every level: each prompt is rendered once.
  const renderedTokens = new Map<Counted, number>();
  const rendered = (id: Counted): number => {
    let tokens = renderedTokens.get(id);
    if (tokens === undefined) renderedTokens.set(id, (tokens = renderedOnce(id)));
    return tokens;
  };
  const renderedOnce = (id: Counted): number => {
    try {
      const common = { language_name: language };
      const parts = { part_min_words: '', part_max_words: '' };
      const text =
        id === 'integration' || id === 'integration-frame'
          ? lib.render(id, { ...common, synthesizer_name: '', synthesizer_method: method, analyst_outputs: '' })
          : id === 'integration-part'
            ? lib.render(id, { ...common, ...parts, part_number: '', part_count: '', part_steps: '', other_parts: '' })
          : id === 'integration-closing'
            ? lib.render(id, { ...common, ...parts, closing_heading: '', closing_method: '', written_parts: '' })
          : id === 'outline'
            ? lib.render('outline', { ...common, template_name: tpl?.name ?? '', template_sections: tpl ? templateSections(tpl) : '', integration: '', previous_outline: '', feedback_history: '' })
            : id === 'citations' || id === 'citations-frame'
              ? lib.render(id, { ...common, outline: '', source_registry: '', max_searches: '' })
            : id === 'citations-part'
              ? lib.render(id, { part_number: '', part_count: '', part_points: '', max_gaps: '' })
              : lib.render('fulltext', {
                  ...common,
                  template_name: tpl?.name ?? '',
                  template_sections: tpl ? templateSections(tpl) : '',
                  target_words: String(targetWords),
                  outline: '',
                  citation_map: '',
                  source_registry: '',
                  integration: '',
                  output_rules: lib.render('output-rules', common),
                });
      return counter.text(text.length);
    } catch {
      return 1000;
    }
  };
  const docOut = levels((l) => Math.ceil(targetWords * TOKENS_PER_WORD * (l === 'low' ? 0.8 : l === 'high' ? 1.5 : 1)));
  const sourcesT = counter.text(ctx.state.contextDocuments.length * 300 + n * 400);
  const step = (s: StepName, own: number, out: number, l: Level) => {
    const model = ctx.modelFor(s);
    const cold = l === 'high';
    return cost(model, { fresh: own + 40, write: cold ? prefixT : 0, read: cold ? 0 : prefixT, out });
  };
  // The integration in parts: the leader writes the cached method and analyst outputs, the other
  // parts and the closing read them; each has its own instructions (its steps of the method, the
  // closing the body parts' text), and together they write the integration's length.
  const plan = planIntegration(method);
  const integration = (l: Level): number => {
    const outputs = n * analystOut[l];
    if (!plan) return step('integrate', rendered('integration') + outputs, INTEGRATION_TOKENS[l], l);
    const calls = plan.parts.length + 1;
    const frameT = rendered('integration-frame') + outputs;
    const own =
      plan.parts.length * rendered('integration-part') + counter.text(method.length) + rendered('integration-closing') + Math.ceil(INTEGRATION_TOKENS[l] * 0.8) + calls * 40;
    const cold = l === 'high';
    return cost(ctx.modelFor('integrate'), {
      fresh: own,
      write: frameT + (cold ? prefixT : 0),
      read: (cold ? calls - 1 : calls) * prefixT + (calls - 1) * frameT,
      out: INTEGRATION_TOKENS[l],
    });
  };
  // The citation map by groups of the outline's sections (the outline follows the template's):
  // the first group writes the outline and the registry as a second cached block, the others
  // read it; each gets its own sections' points (together, the outline once more).
  const groups = Math.min(MAX_CITATION_GROUPS, tpl?.sections.length ?? 1);
  const citations = (l: Level): number => {
    const own = OUTLINE_TOKENS[l] + sourcesT;
    if (groups < 2) return step('citations', rendered('citations') + own, CITATIONS_TOKENS[l], l);
    const frameT = rendered('citations-frame') + own;
    const cold = l === 'high';
    return cost(ctx.modelFor('citations'), {
      fresh: groups * (rendered('citations-part') + 40) + OUTLINE_TOKENS[l],
      write: frameT + (cold ? prefixT : 0),
      read: (cold ? groups - 1 : groups) * prefixT + (groups - 1) * frameT,
      out: CITATIONS_TOKENS[l] + groups * 60,
    });
  };
  const writing = levels((l) => {
    return (
      integration(l) +
      step('outline', rendered('outline') + INTEGRATION_TOKENS[l], OUTLINE_TOKENS[l], l) +
      citations(l) +
      step('fulltext', rendered('fulltext') + OUTLINE_TOKENS[l] + INTEGRATION_TOKENS[l] + sourcesT + CITATIONS_TOKENS[l], docOut[l], l)
    );
  });
  const searches = p.webSearch && ctx.search ? ctx.settings.maxSearchesPerAnalysis : 0;
  const search = levels((l) => (l === 'low' ? 0 : searches * ctx.prices.searchUsd));
  const spent = runCost(ctx.state);
  for (const m of unpricedModels(ctx.state)) unpriced.add(m);
  const total = (l: Level) => spent + analysts[l] + writing[l] + search[l];
  const [low, expected, high] = LEVELS.map(total);
  return {
    lowUsd: low,
    expectedUsd: expected,
    highUsd: high,
    spentUsd: spent,
    parts: { analysts: analysts.expected, writing: writing.expected, search: search.expected },
    method: counted ? 'counted' : 'heuristic',
    ...(counted ? {} : { fallbackReason: reason ?? 'counting unavailable' }),
    unpricedModels: [...unpriced],
    overnight,
    pricesReadOn: ctx.prices.readOn,
  };
}

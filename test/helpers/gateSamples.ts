/**
 * One complete request for every human gate (every field of its schema set, optional ones too)
 * and the tools to prove it: the key paths a schema declares and the key paths a value holds. A
 * field added to a gate's schema makes `missingPaths` name it until the sample sets it, and the
 * round-trip tests then check that it reaches the panel as the core sent it.
 */
import type * as z from 'zod/mini';
import type { GateKind, GateRequests } from '../../src/shared/gates';

export const GATE_REQUESTS: GateRequests = {
  sources: {
    need: 'medium',
    rationale: 'Market figures are needed.',
    webSearchAvailable: true,
    language: 'it',
    problem: 'scan.pdf has no text to read.',
    previous: { contextFiles: ['notes/plan.md'], briefingFile: 'research_briefing.yaml', webSearch: false },
    budgetTokens: 80_000,
  },
  clarify: { questions: [{ id: 'q1', question: 'Which market first?' }] },
  proposal: {
    proposal: {
      synthesizer: 'market-entry',
      template: 'executive-brief',
      analysts: ['market', 'risk'],
      webSearch: true,
      model: 'claude-sonnet-5-5',
      estimatedCostUsd: 0.42,
      rationale: 'A new country.',
      estimate: {
        lowUsd: 0.3,
        expectedUsd: 0.42,
        highUsd: 0.6,
        spentUsd: 0.01,
        parts: { analysts: 0.2, writing: 0.2, search: 0.02 },
        method: 'heuristic',
        fallbackReason: 'counting unavailable',
        unpricedModels: ['my-model'],
        overnight: true,
        pricesReadOn: '2026-11-01',
      },
      overnight: true,
      budgetUsd: 2,
    },
    availableSynthesizers: [{ id: 'market-entry', name: 'Market entry', score: 0.8 }],
    availableTemplates: [{ id: 'executive-brief', name: 'Executive brief' }],
    availableAnalysts: [{ id: 'market', name: 'Market' }],
    webSearchAvailable: true,
    language: 'fr',
    languageSource: 'detector',
    overnightAvailable: true,
    budgetLimitUsd: 5,
  },
  outline: { current: '## A\n## B', revisions: [{ n: 2, text: '## A\n## B', author: 'person', feedback: 'Add B' }] },
  failures: { failed: [{ id: 'risk', errors: ['timeout'] }], succeeded: ['market'], threshold: 1 },
  budget: { step: 'analysts', label: 'analyst:risk', spentUsd: 0.4, reservedUsd: 0.1, nextCallUsd: 0.2, budgetUsd: 0.5, partialAllowed: true },
};

export const GATE_KINDS = Object.keys(GATE_REQUESTS) as GateKind[];

interface Def {
  type: string;
  shape?: Record<string, z.ZodMiniType>;
  innerType?: z.ZodMiniType;
  element?: z.ZodMiniType;
  options?: z.ZodMiniType[];
  valueType?: z.ZodMiniType;
  in?: z.ZodMiniType;
}

const defOf = (schema: z.ZodMiniType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every key path a schema declares (`a.b`, `list[].c`), optional ones included. */
export function schemaPaths(schema: z.ZodMiniType, prefix = ''): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, s]) => [`${prefix}${key}`, ...schemaPaths(s, `${prefix}${key}.`)]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return schemaPaths(def.innerType!, prefix);
    case 'array':
      return schemaPaths(def.element!, `${prefix.replace(/\.$/, '')}[].`);
    case 'union':
      return [...new Set(def.options!.flatMap((o) => schemaPaths(o, prefix)))];
    case 'pipe':
      return schemaPaths(def.in!, prefix);
    default:
      return [];
  }
}

/** Every key path a value holds, in the notation of `schemaPaths`. */
export function valuePaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => valuePaths(v, `${prefix.replace(/\.$/, '')}[].`)))];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (v === undefined ? [] : [`${prefix}${key}`, ...valuePaths(v, `${prefix}${key}.`)]));
}

/** The key paths of `schema` that `value` does not set. */
export function missingPaths(schema: z.ZodMiniType, value: unknown): string[] {
  const have = new Set(valuePaths(value));
  return schemaPaths(schema).filter((p) => !have.has(p));
}

/** What the panel received of a gate, without the gate's kind, id and (sources) form state. */
export function requestPart<K extends GateKind>(kind: K, received: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(GATE_REQUESTS[kind]);
  return Object.fromEntries(Object.entries(received).filter(([k]) => keys.includes(k)));
}

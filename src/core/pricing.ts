/**
 * Prices per model, as data: the published table (prices.json, with the date it was read) and
 * the person's overrides (a setting, for gateways and enterprise contracts).
 *
 * Owns: the shape of a price entry (input, output, 5-minute and 1-hour cache writes, cache read,
 * batch discount), matching a model id to its entry, validating overrides, and the ceiling price
 * used to bound the cost of a call to a model without a known price. Must not: compute the cost
 * of a run (cost.ts) or guess a price for a model it does not know — an unknown model has no
 * price, and callers say so.
 */
import * as z from 'zod';
import published from './prices.json';

/** USD per million tokens; `batchDiscount` is the fraction taken off through the Batches API. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  batchDiscount: number;
}

export interface PriceTable {
  /** The date the published prices were read (YYYY-MM-DD). */
  readOn: string;
  source: string;
  models: Record<string, ModelPrice>;
  /** Web search with contents, USD per request. */
  searchUsd: number;
  /** Model ids whose entry comes from the person's overrides. */
  overridden?: string[];
}

const Usd = z.number().finite().nonnegative();

const ModelPriceSchema = z.object({
  input: Usd,
  output: Usd,
  cacheWrite5m: Usd,
  cacheWrite1h: Usd,
  cacheRead: Usd,
  batchDiscount: z.number().min(0).max(1),
});

const PriceTableSchema = z.object({
  readOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.string(),
  models: z.record(z.string(), ModelPriceSchema),
  searchUsd: Usd,
});

/** One override: a known model may change any field; a new model needs input and output. */
const OverrideSchema = ModelPriceSchema.partial().strict();

/** The published prices this version ships with. */
export const DEFAULT_PRICES: PriceTable = PriceTableSchema.parse(published);

/**
 * The price entry for a model id: exact, or the longest known id the given one starts with
 * (dated ids such as `claude-haiku-4-5-20251001`). `undefined` when the model is unknown.
 */
export function priceFor(table: PriceTable, model: string): ModelPrice | undefined {
  if (Object.prototype.hasOwnProperty.call(table.models, model)) return table.models[model];
  const match = Object.keys(table.models)
    .filter((id) => model.startsWith(`${id}-`) || model.startsWith(`${id}@`) || model.startsWith(`${id}[`))
    .sort((a, b) => b.length - a.length)[0];
  return match ? table.models[match] : undefined;
}

/** The highest price of every field over the table: a safe bound for a model without a price. */
export function ceilingPrice(table: PriceTable): ModelPrice {
  const all = Object.values(table.models);
  const max = (f: keyof ModelPrice) => Math.max(0, ...all.map((p) => p[f]));
  return {
    input: max('input'),
    output: max('output'),
    cacheWrite5m: max('cacheWrite5m'),
    cacheWrite1h: max('cacheWrite1h'),
    cacheRead: max('cacheRead'),
    // No discount is assumed for a bound.
    batchDiscount: 0,
  };
}

/**
 * Applies the person's overrides (`{"model-id": {"input": 3, "output": 15, ...}}`). A new model
 * without cache prices gets the documented multipliers of its input price (5-minute write
 * 1.25x, 1-hour write 2x, read 0.1x) and no batch discount unless given. Returns the table and
 * the problems found, in words for the person; an invalid entry is left out, never guessed.
 */
export function withOverrides(table: PriceTable, overrides: unknown): { table: PriceTable; problems: string[] } {
  const problems: string[] = [];
  if (overrides === undefined || overrides === null) return { table, problems };
  if (typeof overrides !== 'object' || Array.isArray(overrides)) {
    return { table, problems: ['The price overrides must be an object of model ids to prices; they were ignored.'] };
  }
  const models = { ...table.models };
  const overridden: string[] = [];
  for (const [id, value] of Object.entries(overrides as Record<string, unknown>)) {
    const parsed = OverrideSchema.safeParse(value);
    if (!id.trim() || !parsed.success) {
      const issue = parsed.success ? 'empty model id' : parsed.error.issues.map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`).join('; ');
      problems.push(`The price override for "${id}" was ignored (${issue}).`);
      continue;
    }
    const base = priceFor(table, id);
    const o = parsed.data;
    if (!base && (o.input === undefined || o.output === undefined)) {
      problems.push(`The price override for "${id}" was ignored: a model without a published price needs at least "input" and "output".`);
      continue;
    }
    const input = o.input ?? base!.input;
    models[id] = {
      input,
      output: o.output ?? base!.output,
      cacheWrite5m: o.cacheWrite5m ?? (base && o.input === undefined ? base.cacheWrite5m : input * 1.25),
      cacheWrite1h: o.cacheWrite1h ?? (base && o.input === undefined ? base.cacheWrite1h : input * 2),
      cacheRead: o.cacheRead ?? (base && o.input === undefined ? base.cacheRead : input * 0.1),
      batchDiscount: o.batchDiscount ?? base?.batchDiscount ?? 0,
    };
    overridden.push(id);
  }
  return { table: { ...table, models, overridden: [...(table.overridden ?? []), ...overridden] }, problems };
}

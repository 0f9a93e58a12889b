/**
 * The plan of an integration written in parts: the synthesizer's method read as its `##` steps,
 * each body part applying one step (or a few, when the method has many), and a closing part —
 * the method's conclusion step when it has one — written last from the text of the others.
 * Each part gets its share of the integration's length: the closing a fixed share, the body
 * parts the rest in proportion to how much the method says about their steps.
 *
 * Owns: reading the method's steps and sharing out the length. Must not: make calls or render
 * prompts (steps/integrationParts.ts does).
 */

/** The length the integration prompt asks for as a whole ("Typical length: 1,200 to 2,500 words"). */
export const INTEGRATION_WORDS = { min: 1200, max: 2500 };
/** Body parts at most (steps of a longer method are grouped, in order). */
export const MAX_INTEGRATION_PARTS = 6;
/** The closing part's share of the integration's length. */
const CLOSING_SHARE = 0.2;
/** A method step whose title says it concludes: it is the closing part's own. */
const CONCLUDING = /\b(conclu\w*|recommend\w*|raccomand\w*|verdict\w*)\b/i;

export interface MethodStep {
  /** The step's `##` title as the method writes it (`2. Market attractiveness`). */
  title: string;
  /** The step's text under its title. */
  text: string;
}

export interface IntegrationPart {
  /** 1-based, in the method's order. */
  n: number;
  steps: MethodStep[];
  minWords: number;
  maxWords: number;
}

export interface IntegrationPlan {
  parts: IntegrationPart[];
  closing: { title: string; method: string; minWords: number; maxWords: number };
}

/** The `##` steps of a method, in order (the text before the first one is general guidance). */
export function methodSteps(method: string): MethodStep[] {
  const steps: MethodStep[] = [];
  let fence = false;
  for (const line of method.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = fence ? null : /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) steps.push({ title: h[1].trim(), text: '' });
    else if (steps.length) steps[steps.length - 1].text += `${line}\n`;
  }
  return steps.map((s) => ({ title: s.title, text: s.text.trim() }));
}

const round10 = (n: number) => Math.max(50, Math.round(n / 10) * 10);

/**
 * The parts of an integration of `method`, or null when the method has fewer than two steps
 * besides its conclusion (the integration is then written by one call).
 */
export function planIntegration(method: string): IntegrationPlan | null {
  const steps = methodSteps(method);
  const last = steps[steps.length - 1];
  const concluding = last !== undefined && CONCLUDING.test(last.title);
  const body = concluding ? steps.slice(0, -1) : steps;
  if (body.length < 2) return null;
  // Contiguous groups of steps, as even in number as possible.
  const count = Math.min(MAX_INTEGRATION_PARTS, body.length);
  const groups: MethodStep[][] = Array.from({ length: count }, () => []);
  body.forEach((step, i) => groups[Math.floor((i * count) / body.length)].push(step));
  const weight = (g: MethodStep[]) => g.reduce((n, s) => n + s.title.length + s.text.length, 0) || 1;
  const total = groups.reduce((n, g) => n + weight(g), 0);
  const share = (g: MethodStep[]) => ((1 - CLOSING_SHARE) * weight(g)) / total;
  return {
    parts: groups.map((g, i) => ({ n: i + 1, steps: g, minWords: round10(INTEGRATION_WORDS.min * share(g)), maxWords: round10(INTEGRATION_WORDS.max * share(g)) })),
    closing: {
      title: concluding ? last.title : 'Conclusions',
      method: concluding ? last.text : '',
      minWords: round10(INTEGRATION_WORDS.min * CLOSING_SHARE),
      maxWords: round10(INTEGRATION_WORDS.max * CLOSING_SHARE),
    },
  };
}

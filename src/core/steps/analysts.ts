/**
 * Step 5 — analysts run in parallel (bounded by the setting), sharing the cached prefix. Each
 * output is validated (frontmatter schema + non-empty body); an invalid output is retried with
 * the validation error fed back, then counted as failed. At the failure threshold the person
 * decides: retry the failed ones, continue with partial results, or abort — never silently.
 *
 * Evidence: the context documents go with every analyst's request as citable documents, after
 * the shared system blocks and before the analyst's own role (so that all analysts share one
 * cached prefix: system + documents). The answer is one call with citations and no structured
 * output format (the API refuses the two together): the YAML frontmatter is plain text of the
 * answer, validated here; the citations of the body are checked in code (evidence.ts), the
 * sources it names from memory are verified by page lookups (verifySources.ts), and the tab
 * shows both.
 */
import { runThroughBatch } from '../batch';
import { BudgetStop } from '../budget';
import { CancelledByPerson, type RunContext } from '../context';
import { CancelledError, errorMessage } from '../errors';
import { selectForAnalyst } from '../contextBudget';
import { analystPassagesText, outputLanguageName, sharedPrefix } from '../promptText';
import { analystDocuments, citableDocuments, type SentDocument } from '../citable';
import { blocksOf, checkCitations, evidenceWithin } from '../evidence';
import { citedFiles, evidenceLabels, insertCitationMarks, numberEvidence, renderNamedSources, renderSources } from '../evidenceRender';
import { validateAnalystOutput, type ValidAnalystOutput } from '../checks';
import { renderFrontmatter } from '../modelAnswers';
import type { AnalystDef } from '../library';
import { escapeInline, neutralizeMarkdown } from '../safeText';
import type { ModelMessage } from '../ports';
import type { AnalystRun } from '../state';
import { verifyNamedSources } from '../verifySources';
import { ledInParallel } from '../parallel';
import { logDropped } from './fulltext';

const ANALYST_MAX_TOKENS = 6000;

async function runOne(
  ctx: RunContext,
  run: AnalystRun,
  system: { text: string; cache?: boolean }[],
  documents: SentDocument[],
  onBegin?: () => void,
): Promise<void> {
  const s = ctx.state;
  const def = ctx.library.analysts.find((a) => a.id === run.id);
  if (!def) {
    run.status = 'failed';
    run.errors.push(`The analyst "${run.id}" is not in the prompt library.`);
    return;
  }
  run.status = 'running';
  ctx.emit({ type: 'analyst-start', analyst: run.id });
  const first = analystRequest(ctx, run, def, documents);
  const sent = first.documents;
  let written;
  try {
    written = await ctx.validatedCall({
      key: `analyst:${run.id}`,
      step: 'analysts',
      label: `analyst:${run.id}`,
      subject: run.id,
      // Attempts are numbered across the person's "retry the failed ones" (run.attempts).
      firstAttempt: run.attempts + 1,
      attempts: ctx.settings.analystAttempts,
      system,
      messages: first.messages,
      documents: sent,
      cachedDocuments: documents.length,
      maxTokens: ANALYST_MAX_TOKENS,
      maxTokensUpTo: 32000,
      model: s.proposal!.model,
      onBegin,
      partialOnBudget: true,
      retryFailedCalls: true,
      onAttempt: (n) => (run.attempts = n),
      onRejected: (reason, n) => run.errors.push(`Attempt ${n}: ${reason}`),
      check: (call) => ({ valid: validateAnalystOutput(call.text, run.id, def.requiredFields, call.stopReason), call }),
      feedback: (reason) => `Your answer failed validation: ${reason} Write the complete analysis again, starting with the YAML frontmatter.`,
    });
  } catch (err) {
    if (err instanceof CancelledError) {
      resetInterrupted(run);
      throw err;
    }
    if (!(err instanceof BudgetStop)) throw err;
    run.status = 'failed';
    run.attempts -= 1;
    run.errors.push(`Skipped: the budget of the run was reached (attempt ${run.attempts + 1} not made).`);
    onBegin?.();
    ctx.emit({ type: 'analyst-failed', analyst: run.id, error: run.errors[run.errors.length - 1] });
    ctx.checkpoint();
    return;
  }
  if (!written.ok) {
    run.status = 'failed';
    ctx.emit({ type: 'analyst-failed', analyst: run.id, error: run.errors[run.errors.length - 1] ?? '' });
    ctx.checkpoint();
    return;
  }
  const { valid, call } = written.value;
  const evidence = checkCitations(sent, blocksOf(call));
  logDropped(ctx, `analyst ${run.id}`, evidence.dropped);
  const offset = call.text.indexOf(valid.body);
  run.evidence = { records: offset >= 0 ? evidenceWithin(evidence, offset, offset + valid.body.length) : [], dropped: evidence.dropped };
  run.sourceChecks = await verifyNamedSources(ctx, valid.frontmatter.sources);
  run.frontmatter = valid.frontmatter;
  run.body = valid.body;
  run.status = 'done';
  ctx.runLog.gate({
    step: 'analysts',
    gate: `analyst:${run.id}`,
    passed: true,
    detail: `attempt ${written.attempt}; ${run.evidence.records.length} checked citation(s), ${evidence.dropped.length} dropped; ` +
      `${run.sourceChecks.filter((c) => c.verification.status === 'verified').length} of ${run.sourceChecks.length} named source(s) verified`,
  });
  try {
    run.documentPath = await ctx.workspace.writeDocument(`${s.outputFolder}/analyst-${run.id}.md`, await analystTab(ctx, run, def.name, valid), 'analyst');
    ctx.emit({ type: 'document', kind: 'analyst', path: run.documentPath });
  } catch (err) {
    ctx.log.warn(`The ${def.name} output could not be written to the workspace: ${errorMessage(err)}`);
  }
  ctx.emit({ type: 'analyst-done', analyst: run.id, path: run.documentPath });
  ctx.checkpoint();
}

/**
 * The analyst's tab: its frontmatter (each named source with its verification), its body with
 * `[n]` after each checked citation, the quotes with where they stand, and the named sources.
 */
async function analystTab(ctx: RunContext, run: AnalystRun, name: string, valid: ValidAnalystOutput): Promise<string> {
  const s = ctx.state;
  const l = evidenceLabels(s.language);
  const { cited, marks } = numberEvidence(s.sources, run.evidence?.records ?? []);
  // Raw HTML, images and non-web links in the model's prose never reach the tab.
  const body = neutralizeMarkdown(insertCitationMarks(valid.body, marks));
  const files = await citedFiles(s, cited, (p) => ctx.workspace.readText(p));
  const evidence = renderSources(s, cited, s.outputFolder, l, `## ${l.evidence}`, files);
  const named = renderNamedSources(valid.frontmatter.sources, run.sourceChecks ?? [], l);
  const frontmatter = {
    ...valid.frontmatter,
    sources: valid.frontmatter.sources.map((src, i) =>
      src.document ? src : { ...src, verification: run.sourceChecks?.[i]?.verification.status ?? 'unverified' },
    ),
  };
  const content = [`# ${escapeInline(name)}`, body.trim(), evidence, named].filter(Boolean).join('\n\n');
  return renderFrontmatter(frontmatter as Record<string, unknown>, `${content.trimEnd()}\n`);
}

/** The analyst instructions common to every analyst of this run. */
function analystFrame(ctx: RunContext): string {
  return analystFrameFor(ctx, ctx.state.proposal!.synthesizer);
}

/** The analyst instructions common to every analyst, for the synthesizer `synthesizerId`. */
export function analystFrameFor(ctx: RunContext, synthesizerId: string): string {
  const language = outputLanguageName(ctx.state);
  return ctx.library.render('analyst-frame', {
    language_name: language,
    synthesizer_name: ctx.library.synthesizers.find((x) => x.id === synthesizerId)?.name ?? synthesizerId,
    output_rules: ctx.library.render('output-rules', { language_name: language }),
  });
}

/**
 * When the documents did not fit the budget, each analyst also gets the left-out passages most
 * relevant to its focus, within the tokens the budget kept for that (contextBudget.ts). Chosen
 * once and kept in the state, so a resumed analyst sees the same passages.
 */
async function choosePassagesForAnalysts(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const plan = s.contextPlan;
  if (!plan || plan.leftOut.length === 0 || plan.analystTokens <= 0) return;
  const docs = s.contextDocuments
    .filter((d) => d.kind === 'file' && d.sourceId)
    .map((d) => ({ sourceId: d.sourceId!, passages: s.sources.find((x) => x.id === d.sourceId)?.passages ?? [], selected: d.selected ?? [] }));
  const shared = Object.fromEntries(docs.map((d) => [d.sourceId, d.selected]));
  for (const id of s.proposal!.analysts) {
    if (s.analystPassages[id]) continue;
    const def = ctx.library.analysts.find((a) => a.id === id);
    if (!def) continue;
    const refs = await selectForAnalyst(docs, shared, plan.analystTokens, `${def.name} ${def.description} ${def.focus}`);
    s.analystPassages[id] = refs;
    if (refs.length) {
      ctx.runLog.note({ step: 'analysts', message: `The ${def.name} gets ${refs.length} more passage(s) for its focus: ${refs.map((r) => `${r.sourceId}.${r.n}`).join(', ')}.` });
    }
  }
}

/** One analyst's own instructions (the uncached block) and its first user message. */
/**
 * What every analyst's request shares: two cached system blocks (the run's shared prefix, then
 * the instructions common to all analysts), then the attached documents, which close the cached
 * prefix.
 */
function analystShared(ctx: RunContext): { prefix: string; system: Array<{ text: string; cache: boolean }>; documents: SentDocument[] } {
  const prefix = sharedPrefix(ctx, undefined, { attached: true });
  return { prefix, system: [{ text: prefix, cache: true }, { text: analystFrame(ctx), cache: true }], documents: citableDocuments(ctx.state, { withWeb: false }) };
}

/**
 * One analyst's first message and the documents it cites: the shared ones, then the passages
 * chosen for its focus (after the shared ones, so that those stay in the prefix every analyst
 * shares); the analyst's role follows the attached documents.
 */
function analystRequest(ctx: RunContext, run: AnalystRun, def: AnalystDef, documents: SentDocument[]): { messages: ModelMessage[]; documents: SentDocument[] } {
  const extra = analystDocuments(ctx.state, run.id);
  const { ownPrompt, message } = analystPromptFor(ctx, def, { attached: documents.length + extra.length > 0 });
  return { messages: [{ role: 'user', content: `${ownPrompt}\n\n${message}` }], documents: [...documents, ...extra] };
}

export function analystPromptFor(ctx: RunContext, def: AnalystDef, options: { attached?: boolean } = {}): { ownPrompt: string; message: string } {
  // With attached documents, the passages for this analyst's focus are attached too (citable.ts).
  const extra = options.attached ? '' : analystPassagesText(ctx.state, def.id);
  const ownPrompt =
    ctx.library.render('analyst', {
      analyst_name: def.name,
      analyst_focus: def.focus,
      analyst_method: def.method,
      required_fields: def.requiredFields.length ? def.requiredFields.join(', ') : '(none beyond the common fields)',
    }) + (extra ? `\n\n${extra}` : '');
  const message =
    `You are the ${def.name} analyst (id: ${def.id}). Write your analysis now.` +
    (def.requiredFields.length ? ` Your frontmatter must also include: ${def.requiredFields.join(', ')}.` : '');
  return { ownPrompt, message };
}

/** An analyst interrupted mid-attempt goes back to pending, to redo (or reuse) that attempt. */
export function resetInterrupted(run: AnalystRun): void {
  if (run.status !== 'running') return;
  run.status = 'pending';
  run.attempts = Math.max(0, run.attempts - 1);
}

export async function runAnalysts(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const proposal = s.proposal!;
  for (const id of proposal.analysts) {
    if (!s.analysts[id]) s.analysts[id] = { id, status: 'pending', attempts: 0, errors: [] };
  }
  // A run killed mid-call left analysts marked running: they run again from the interrupted
  // attempt, whose answer is reused if it had finished.
  for (const r of Object.values(s.analysts)) resetInterrupted(r);
  await choosePassagesForAnalysts(ctx);
  ctx.checkpoint();
  if (proposal.overnight && ctx.model.batches && !ctx.model.demo) {
    // Overnight: the first attempts go out as one batch, each the request its normal call would
    // make (the attached documents included); their answers are then validated and their
    // citations checked below like any other (recorded calls are not made again), the rest run
    // as normal calls.
    const { system, documents } = analystShared(ctx);
    const specs = proposal.analysts
      .map((id) => s.analysts[id])
      .filter((r) => r.status === 'pending')
      .flatMap((r) => {
        const def = ctx.library.analysts.find((a) => a.id === r.id);
        if (!def) return [];
        const first = analystRequest(ctx, r, def, documents);
        return [
          {
            key: `analyst:${r.id}:${r.attempts + 1}`,
            step: 'analysts' as const,
            label: `analyst:${r.id}`,
            system,
            messages: first.messages,
            documents: first.documents,
            cachedDocuments: documents.length,
            maxTokens: ANALYST_MAX_TOKENS,
            model: proposal.model,
          },
        ];
      });
    await runThroughBatch(ctx, specs);
  }

  for (;;) {
    const { prefix, system, documents } = analystShared(ctx);
    const pending = proposal.analysts.map((id) => s.analysts[id]).filter((r) => r.status === 'pending');
    // Prompt caching: a prefix is readable by other requests only once the response that writes
    // it has begun. Unless it is already warm, the first analyst leads and the others start as
    // soon as its answer begins, so they read the cache (0.1x) instead of each writing it (1.25x).
    const lead = ctx.settings.promptCaching && !ctx.isPrefixWarm(prefix);
    await ledInParallel(pending, ctx.settings.maxParallelAnalysts, lead ? pending[0] : undefined, (r, onBegin) => runOne(ctx, r, system, documents, onBegin));

    const runs = proposal.analysts.map((id) => s.analysts[id]);
    const failed = runs.filter((r) => r.status === 'failed');
    const done = runs.filter((r) => r.status === 'done');
    if (failed.length > 0 && done.length > 0 && ctx.budget.skipped('analysts')) {
      s.partialResults = true;
      ctx.record('analysts', 'gate-pass', `continuing with ${done.length} analyst output(s): the person chose partial results at the budget`);
      return;
    }
    if (failed.length === 0) {
      ctx.record('analysts', 'gate-pass', `${done.length} analyst output(s) valid`);
      return;
    }
    if (failed.length < ctx.settings.analystFailureThreshold && done.length > 0) {
      s.partialResults = true;
      ctx.record('analysts', 'gate-pass', `${failed.length} analyst(s) failed, below the threshold: continuing with partial results`);
      ctx.log.warn(`${failed.map((f) => f.id).join(', ')} failed; continuing with the other analysts.`);
      return;
    }
    await ctx.awaitPerson('failures');
    const decision = await ctx.ask(
      ctx.reviewer.decideOnFailures(
        {
          failed: failed.map((f) => ({ id: f.id, errors: f.errors })),
          succeeded: done.map((d) => d.id),
          threshold: ctx.settings.analystFailureThreshold,
        },
        s,
      ),
    );
    ctx.record('analysts', 'decision', decision.kind);
    ctx.runLog.decision({ step: 'analysts', gate: 'failures', decision: decision.kind, detail: failed.map((f) => f.id).join(', ') });
    if (decision.kind === 'abort') throw new CancelledByPerson('analysts');
    if (decision.kind === 'continue-partial') {
      if (done.length === 0) {
        ctx.log.warn('No analyst succeeded: there are no partial results to continue with.');
        continue;
      }
      s.partialResults = true;
      await ctx.resumeWork();
      return;
    }
    for (const f of failed) f.status = 'pending';
    await ctx.resumeWork();
  }
}

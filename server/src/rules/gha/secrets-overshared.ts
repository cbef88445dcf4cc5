import { type Expr, findExpressions, parseExpression, subexpressions } from '../../engine/languages/expressions';
import { defineRule, type RuleContext } from '../../engine/core/rule';
import { scalarText } from '../../engine/yaml/scalarText';
import { isMap, isScalar, isSeq, type Node, scalarToString, spanOf } from '../../engine/yaml/yamlFile';

const messages = {
  toJson: (expression: string) =>
    `'${expression}' hands over every secret the repository and organisation have, not the ones this needs: whatever reads it (a script, an action, a log line) holds them all. Name each secret it needs instead.`,
  dynamic: (expression: string) =>
    `'${expression}' picks a secret by a name computed at run time, so GitHub cannot tell which secrets the job needs and hands it all of them (each masked, but all readable). Name each secret it can use.`,
  inheritLocal: (workflow: string) =>
    `'secrets: inherit' makes every secret this workflow can read available to '${workflow}', though it needs only the ones it names. Listing them under 'secrets:' keeps what it can read visible in review.`,
  inherit: (workflow: string) =>
    `'secrets: inherit' passes every secret this workflow can read to '${workflow}', including ones it never uses: a compromised or changed callee gets them all. List the secrets it needs under 'secrets:'.`,
};

export default defineRule({
  id: 'gha/secrets-overshared',
  presets: { recommended: 'off', strict: 'warning' },
  dora: ['change-failure-rate'],
  capabilities: ['shift-left-security'],
  fixable: false,
  messages,
  docs: {
    summary: 'Give a job or step the secrets it needs, by name: not `toJSON(secrets)`, `secrets[…]` or `secrets: inherit`.',
    rationale:
      "GitHub hands a job only the secrets its text names, so that a step can leak no more than it was given. `toJSON(secrets)` serialises all of them into one value; `secrets[matrix.name]` (a name computed at run time) makes GitHub give the job every secret, since it cannot tell which one will be read; `secrets: inherit` on a call to a reusable workflow passes every secret of the caller. Whatever then reads that value (a third-party action, a script that logs its environment, a reusable workflow that is changed later, or one pinned to a moving ref) can read them all, including deploy keys and publishing tokens unrelated to its work. The first two are warnings; `secrets: inherit` to a workflow in another repository is a warning in `strict` and info in `recommended`; to one in this repository (`./…`, `$/…`), which is reviewed with it and still has to name each secret it reads, it is a note in `strict` only.",
    symptom: 'A leak from one step or called workflow exposes every credential of the repository and organisation instead of the one it used.',
    fix: 'Name each secret: `env: { NPM_TOKEN: ${{ secrets.NPM_TOKEN }} }` instead of `toJSON(secrets)`; a `secrets:` map (`token: ${{ secrets.DEPLOY_TOKEN }}`) instead of `inherit`, matching the `on.workflow_call.secrets` the callee declares; for a name chosen per matrix entry, put the secrets themselves in the matrix include (`token: ${{ secrets.PROD_TOKEN }}` is not allowed there, so branch with one step per environment, or use environments with same-named secrets).',
    bad: `on: push
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    secrets: inherit
`,
    good: `on: push
jobs:
  deploy:
    uses: ./.github/workflows/deploy.yml
    secrets:
      deploy-token: \${{ secrets.DEPLOY_TOKEN }}
`,
  },
  scope: 'job',
  visit: {
    workflow(workflow, ctx) {
      for (const [key, field] of workflow.fields) if (key !== 'jobs') scan(field.value, ctx);
    },
    job(job, ctx) {
      for (const field of job.fields.values()) scan(field.value, ctx);
      const secrets = job.fields.get('secrets');
      if (!job.call || scalarToString(secrets?.value) !== 'inherit') return;
      // A workflow of this repository is reviewed and changed with it, and still names each secret it reads: read on
      // real repositories, passing it every secret was a deliberate convenience, not a finding to act on.
      if (job.call.local) {
        if (ctx.preset !== 'recommended') ctx.report({ span: spanOf(secrets!.value!), message: 'inheritLocal', args: [job.call.uses], severity: 'info' });
        return;
      }
      ctx.report({ span: spanOf(secrets!.value!), message: 'inherit', args: [job.call.uses], ...(ctx.preset === 'recommended' ? { severity: 'info' as const } : {}) });
    },
  },
});

/**
 * Every string scalar under a node, for expressions that read `secrets` whole. Aliases are followed, each node once:
 * anchors may nest (`&a [*b, *b]`) or name themselves, and a walk that revisits them grows exponentially.
 */
function scan(node: Node | undefined, ctx: RuleContext<typeof messages>, seen = new Set<Node>()): void {
  if (!node || seen.has(node)) return;
  seen.add(node);
  if (isMap(node)) {
    for (const pair of node.items) scan(ctx.doc.resolve(pair.value), ctx, seen);
    return;
  }
  if (isSeq(node)) {
    for (const item of node.items) scan(ctx.doc.resolve(item), ctx, seen);
    return;
  }
  if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('secrets')) return;
  const value = node.value;
  let text: ReturnType<typeof scalarText> | null = null;
  for (const expression of findExpressions(value)) {
    const parsed = parseExpression(expression.inner);
    if (!parsed.ok) continue;
    for (const found of wholeSecrets(parsed.ast)) {
      text ??= scalarText(ctx.file.text, node);
      const start = expression.innerStart + found.expr.start;
      const end = expression.innerStart + found.expr.end;
      ctx.report({ span: text?.sourceSpan(start, end) ?? spanOf(node), message: found.kind, args: [value.slice(start, end)] });
    }
  }
}

/** `toJSON(secrets)` and `secrets[<computed>]` in an expression. */
function wholeSecrets(ast: Expr): { kind: 'toJson' | 'dynamic'; expr: Expr }[] {
  const found: { kind: 'toJson' | 'dynamic'; expr: Expr }[] = [];
  const isSecrets = (expr: Expr | undefined) => expr?.kind === 'context' && expr.name.toLowerCase() === 'secrets';
  const visit = (expr: Expr): void => {
    if (expr.kind === 'call' && expr.name === 'tojson' && isSecrets(expr.args[0])) found.push({ kind: 'toJson', expr });
    else if (expr.kind === 'index' && isSecrets(expr.object) && expr.index.kind !== 'literal') found.push({ kind: 'dynamic', expr });
    else subexpressions(expr).forEach(visit);
  };
  visit(ast);
  return found;
}

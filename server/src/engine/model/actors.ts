import { contextPaths, evaluate, evaluateCondition, type Expr, parseCondition, subexpressions, type Value } from '../languages/expressions';

/** Paths naming who triggered the run or wrote what it is about: logins, and account types ('User', 'Bot'). */
const LOGIN = /^github\.(actor|triggering_actor|event\.(?:.+\.)?(?:user|sender|actor|triggering_actor)\.login)$/;
const ACCOUNT_TYPE = /^github\.event\.(?:.+\.)?(?:user|sender)\.type$/;
const BOT_LOGIN = /(\[bot\]|[-_]bot)$/i;

/**
 * Whether an `if:` lets only bots through: it compares who triggered the run (or who opened the issue or pull request)
 * with bot accounts only (`github.actor == 'dependabot[bot]'`, `github.event.pull_request.user.type == 'Bot'`), and is
 * false for any person. The text such a job reads was written by the bot (or, for `github.actor`, by whoever made the
 * bot act last), not by a stranger.
 */
export function onlyBotsPass(condition: string | null | undefined): boolean {
  if (!condition) return false;
  const parsed = parseCondition(condition);
  if (!parsed.ok) return false;
  const checks = actorChecks(parsed.ast);
  if (checks === undefined || checks === 0) return false;
  const person = (path: readonly string[]): Value | undefined => {
    const joined = path.join('.');
    if (LOGIN.test(joined)) return 'a-person';
    if (ACCOUNT_TYPE.test(joined)) return 'User';
    return undefined;
  };
  return evaluateCondition(parsed.ast, { lookup: person }) === false;
}

function isActorPath(expr: Expr): 'login' | 'type' | undefined {
  if (expr.kind === 'literal' || expr.kind === 'call' || expr.kind === 'not' || expr.kind === 'binary') return undefined;
  const [path] = contextPaths(expr);
  if (!path || path.start !== expr.start || path.end !== expr.end) return undefined;
  if (LOGIN.test(path.path)) return 'login';
  return ACCOUNT_TYPE.test(path.path) ? 'type' : undefined;
}

/** What an actor is compared with names only bots (`'renovate[bot]'`, `'Bot'`, a list of such). */
function namesBots(value: Value, kind: 'login' | 'type'): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((item) => namesBots(item, kind));
  if (typeof value !== 'string') return false;
  return kind === 'type' ? value.toLowerCase() === 'bot' : BOT_LOGIN.test(value);
}

/**
 * How many comparisons of an actor the condition makes, every one of them with bots; undefined when one compares an
 * actor with anything else (a person's login, another context), or reads an actor some other way.
 */
function actorChecks(ast: Expr): number | undefined {
  let count = 0;
  let other = false;
  const visit = (expr: Expr): void => {
    if (other) return;
    if (expr.kind === 'binary' && (expr.op === '==' || expr.op === '!=')) {
      const left = isActorPath(expr.left);
      const right = isActorPath(expr.right);
      const kind = left ?? right;
      if (kind) {
        const against = left ? expr.right : expr.left;
        if (!namesBots(evaluate(against), kind)) other = true;
        count++;
        return;
      }
    }
    if (expr.kind === 'call' && ['contains', 'startswith', 'endswith'].includes(expr.name)) {
      const actorArg = expr.args.findIndex((arg) => isActorPath(arg));
      if (actorArg >= 0) {
        const kind = isActorPath(expr.args[actorArg]!)!;
        if (!expr.args.every((arg, i) => i === actorArg || namesBots(evaluate(arg), kind))) other = true;
        count++;
        return;
      }
    }
    if (isActorPath(expr)) {
      other = true;
      return;
    }
    subexpressions(expr).forEach(visit);
  };
  visit(ast);
  return other ? undefined : count;
}

/** Who caused the latest event of the run: whoever makes a bot act last on their pull request is, to these, that bot. */
const LATEST_ACTOR = /^github\.(actor|triggering_actor)$/;
const LATEST_ACTOR_ID = /^github\.(actor_id|triggering_actor_id)$/;
/** The account ids of the bots whose logins such checks name most often: Dependabot, GitHub Actions, Renovate. */
const BOT_ACCOUNT_IDS: ReadonlySet<string> = new Set(['49699333', '41898282', '29139614']);

/** A check in a condition that lets a run through because a bot caused its latest event. */
export interface BotActorCheck {
  /** The comparison (or `contains()` call), offsets in the parsed source. */
  start: number;
  end: number;
  /** The actor context as read (`github.actor`), and its offsets in the parsed source. */
  actor: { path: string; start: number; end: number };
  /** The bot login or id it is compared with. */
  bot: string;
}

function latestActorPath(expr: Expr): { path: string; start: number; end: number; id: boolean } | undefined {
  if (expr.kind !== 'context' && expr.kind !== 'property' && expr.kind !== 'index') return undefined;
  const [path] = contextPaths(expr);
  if (!path || path.start !== expr.start || path.end !== expr.end) return undefined;
  if (LATEST_ACTOR.test(path.path)) return { path: path.path, start: path.start, end: path.end, id: false };
  if (LATEST_ACTOR_ID.test(path.path)) return { path: path.path, start: path.start, end: path.end, id: true };
  return undefined;
}

/** The bot a value names: a login ending in `[bot]`, or the account id of a well-known bot. */
function botNamed(value: Value, id: boolean): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (id) return BOT_ACCOUNT_IDS.has(text) ? text : undefined;
  return /\[bot\]$/i.test(text) ? text : undefined;
}

/**
 * The checks of a condition that trust a run because `github.actor` or `github.triggering_actor` (or their `_id`) is a
 * bot: `==` with a bot login (`'dependabot[bot]'`) or a well-known bot's id, and `contains()` of a list of bot logins.
 * `!=` is not one: it keeps a bot out rather than letting it in.
 */
export function botActorChecks(ast: Expr): BotActorCheck[] {
  const checks: BotActorCheck[] = [];
  const visit = (expr: Expr): void => {
    if (expr.kind === 'binary' && expr.op === '==') {
      const left = latestActorPath(expr.left);
      const right = latestActorPath(expr.right);
      const actor = left ?? right;
      if (actor && !(left && right)) {
        const bot = botNamed(evaluate(left ? expr.right : expr.left), actor.id);
        if (bot !== undefined) checks.push({ start: expr.start, end: expr.end, actor, bot });
        return;
      }
    }
    if (expr.kind === 'call' && expr.name === 'contains' && expr.args.length === 2) {
      const actor = latestActorPath(expr.args[1]!);
      const list = evaluate(expr.args[0]!);
      if (actor && Array.isArray(list)) {
        const bots = list.map((item) => botNamed(item, actor.id));
        if (bots.length > 0 && bots.some((bot) => bot !== undefined)) {
          checks.push({ start: expr.start, end: expr.end, actor, bot: bots.find((bot) => bot !== undefined)! });
          return;
        }
      }
    }
    // Under '!' a check keeps the bot out; comparisons' operands hold no checks of their own.
    if (expr.kind === 'binary' && (expr.op === '&&' || expr.op === '||')) {
      visit(expr.left);
      visit(expr.right);
    }
  };
  visit(ast);
  // A condition that also requires the pull request's author to be a bot, or its head to be this repository, holds no
  // matter who acted last: with the bot as actor and a stranger's fork as the pull request, it is false.
  if (checks.length === 0) return checks;
  const spoofed = checks[0]!;
  const repository = repositoryNamed(ast) ?? 'owner/repository';
  const stranger = (path: readonly string[]): Value | undefined => {
    const joined = path.join('.');
    if (LATEST_ACTOR.test(joined)) return spoofed.actor.path.endsWith('_id') ? undefined : spoofed.bot;
    if (LATEST_ACTOR_ID.test(joined)) return spoofed.actor.path.endsWith('_id') ? Number(spoofed.bot) : undefined;
    if (/^github\.event\.pull_request\.user\.login$/.test(joined)) return 'a-stranger';
    if (/^github\.event\.pull_request\.user\.(id|type)$/.test(joined)) return joined.endsWith('type') ? 'User' : 1;
    if (joined === 'github.event.pull_request.head.repo.full_name') return 'a-stranger/fork';
    if (joined === 'github.event.pull_request.head.repo.fork') return true;
    // The stranger's pull request runs in this repository, whose name the condition writes when it checks it.
    if (joined === 'github.repository') return repository;
    return undefined;
  };
  return evaluateCondition(ast, { lookup: stranger }) === false ? [] : checks;
}

/** The repository a condition compares `github.repository` with (`github.repository == 'octo/app'`), if any. */
function repositoryNamed(expr: Expr): string | undefined {
  switch (expr.kind) {
    case 'binary': {
      if (expr.op === '==') {
        const [side, other] = isRepository(expr.left) ? [expr.left, expr.right] : [expr.right, expr.left];
        if (isRepository(side) && other.kind === 'literal' && typeof other.value === 'string') return other.value;
      }
      return repositoryNamed(expr.left) ?? repositoryNamed(expr.right);
    }
    case 'not':
      return repositoryNamed(expr.operand);
    case 'call':
      return expr.args.map(repositoryNamed).find((name) => name !== undefined);
    default:
      return undefined;
  }
}

function isRepository(expr: Expr): boolean {
  const [path] = contextPaths(expr);
  return path !== undefined && path.start === expr.start && path.end === expr.end && path.path === 'github.repository';
}


import type { TextEdit } from '../../engine/core/finding';
import type { Job } from '../../engine/model/workflow';
import { defineRule } from '../../engine/core/rule';
import { insertMapEntry } from '../../engine/edits/yamlEdit';
import { ownValue } from '../../engine/edits/workflowEdit';
import { isMap, isScalar, mapFields, scalarToString, spanOf, type Scalar, type YamlFile, type YAMLMap } from '../../engine/yaml/yamlFile';
import { parseImage } from '../../engine/model/image';

interface Family {
  /** What the message calls it. */
  name: string;
  /** The health command for an image tag, or undefined when no command is safe to suggest. */
  command: (tag: string | undefined, env: Map<string, string>) => string | undefined;
}

// Double quotes wrap the whole command in `options:`, so the shell command itself uses single quotes.
const PING_MONGO = "'db.runCommand({ping:1})'";

// Known stateful images by the last part of their repository name; each one starts slower than the job's first step.
// Not Redis or Valkey: with the empty data set of a CI run they accept connections within milliseconds of starting.
const FAMILIES: [RegExp, Family][] = [
  [/^(postgres|postgresql|postgis|timescaledb(-ha)?|postgresql-repmgr)$/, { name: 'PostgreSQL', command: () => 'pg_isready' }],
  [/^(mysql|mysql-server|percona-server|percona)$/, { name: 'MySQL', command: () => 'mysqladmin ping' }],
  // MariaDB 11 dropped the mysql* client names; its images ship healthcheck.sh instead.
  [/^mariadb$/, { name: 'MariaDB', command: (tag) => (tag && /^(5|10)\./.test(tag) ? 'mysqladmin ping' : 'healthcheck.sh --connect --innodb_initialized') }],
  // mongosh replaced the legacy mongo shell (gone from images since 6.0).
  [/^(mongo|mongodb|mongodb-community-server)$/, { name: 'MongoDB', command: (tag) => (tag && /^([1-4])(\.|$)/.test(tag) ? `mongo --quiet --eval ${PING_MONGO}` : `mongosh --quiet --eval ${PING_MONGO}`) }],
  [/^rabbitmq$/, { name: 'RabbitMQ', command: () => 'rabbitmq-diagnostics -q ping' }],
  // Version 8 turns on TLS and auth by default: a plain curl only works when security is off.
  [/^elasticsearch$/, { name: 'Elasticsearch', command: (tag, env) => (securityOff(tag, env, 'xpack.security.enabled') ? 'curl -fsS http://localhost:9200/_cluster/health' : undefined) }],
  [/^opensearch$/, { name: 'OpenSearch', command: (_tag, env) => (env.get('DISABLE_SECURITY_PLUGIN') === 'true' || env.get('plugins.security.disabled') === 'true' ? 'curl -fsS http://localhost:9200/_cluster/health' : undefined) }],
  [/^cassandra$/, { name: 'Cassandra', command: () => "cqlsh -e 'describe keyspaces'" }],
  [/^(mssql\/server|mssql-server-linux|azure-sql-edge)$/, { name: 'SQL Server', command: () => undefined }],
];

// Steps that wait for the services themselves, so a missing health check is already covered.
const WAIT_COMMAND = /\b(pg_isready|wait-for-it|wait-for|wait4x|dockerize\s+-wait|nc\s+-z|until\b)/;
// `mysqladmin … ping`, `redis-cli … ping`: a client that pings, with options between, on one line.
const PING_CLIENT = /\bmysqladmin\b|-cli\b/;

export default defineRule({
  id: 'gha/service-healthcheck',
  presets: { recommended: 'warning', strict: 'warning' },
  dora: ['change-failure-rate', 'lead-time'],
  capabilities: ['test-automation'],
  // The job then waits for the service and fails if the command does not pass: a behaviour change.
  fixable: 'suggestion',
  messages: {
    noHealthCmd: (service: string, image: string, kind: string) =>
      `Service '${service}' (${image}) has no --health-cmd, so the job's steps start as soon as the container does, before ${kind} accepts connections: tests fail at random with "connection refused".`,
  },
  docs: {
    summary: 'Give database and broker service containers a health check so steps wait until they are ready.',
    rationale:
      'GitHub starts `services:` containers and, when a container has a health check, waits until it reports healthy before the first step. Without one it waits for nothing: PostgreSQL, MySQL, MongoDB or RabbitMQ need seconds to initialise, and tests that run first fail with connection errors on some runs and pass on others. That is flakiness the pipeline itself creates, and it teaches people to press "re-run".',
    symptom: 'Intermittent "connection refused" / "the database system is starting up" errors in the first tests of a job, gone on re-run.',
    fix: 'Add `--health-cmd` (with `--health-interval`, `--health-timeout`, `--health-retries`) to the service\'s `options:`: `pg_isready` for PostgreSQL, `mysqladmin ping` for MySQL, `mongosh --eval \'db.runCommand({ping:1})\'` for MongoDB, `rabbitmq-diagnostics -q ping` for RabbitMQ. The quick-fix adds the right one and keeps your other options. Jobs that wait in a step themselves (`pg_isready` loops, `wait-for-it`, `nc -z`) are not flagged. Nor are Redis and Valkey: started with the empty data set of a CI run they accept connections within milliseconds, long before checkout and setup steps finish, so the race the health check prevents does not happen in practice (a health check with `redis-cli ping` does no harm, but the rule does not ask for it).',
    bad: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ['5432:5432']
    steps:
      - run: make integration-test
`,
    good: `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: postgres
        ports: ['5432:5432']
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
          --health-timeout 5s
          --health-retries 5
    steps:
      - run: make integration-test
`,
  },
  scope: 'job',
  visit: {
    job(job, ctx) {
      const services = job.fields.get('services')?.value;
      if (!isMap(services) || waitsInSteps(job)) return;
      for (const [name, service] of mapFields(ctx.doc, services)) {
        if (!isMap(service.value)) continue;
        const fields = mapFields(ctx.doc, service.value);
        const imageNode = fields.get('image')?.value;
        const image = scalarToString(imageNode);
        if (!image || !imageNode) continue;
        const ref = parseImage(image.replace(/^docker:\/\//, ''));
        const repository = ref.repository.replace(/^(docker\.io\/)?(library\/)?/, '');
        const last = repository.split('/').slice(-2).join('/');
        const family = FAMILIES.find(([pattern]) => pattern.test(last) || pattern.test(last.split('/').pop() ?? ''))?.[1];
        if (!family) continue;
        const optionsNode = fields.get('options')?.value;
        const options = optionsNode === undefined ? '' : scalarToString(optionsNode);
        // Options built by an expression, or a health check already there (or switched off on purpose).
        if (options === undefined || options.includes('${{') || /--health-cmd|--no-healthcheck/.test(options)) continue;
        const command = family.command(ref.tag, serviceEnv(ctx.doc, fields.get('env')?.value));
        const edit = command === undefined ? undefined : healthEdit(ctx.file, service.value, optionsNode, options, command);
        ctx.report({
          span: spanOf(imageNode),
          message: 'noHealthCmd',
          args: [name, image, family.name],
          ...(edit ? { fix: { title: `Add a '${command}' health check`, edits: [edit] } } : {}),
        });
      }
    },
  },
});

function waitsInSteps(job: Job): boolean {
  return job.steps.some((step) => step.run !== undefined && waitsInScript(step.run.value));
}

/**
 * Line by line, not `/\bmysqladmin\b[^\n]*\bping\b/`, which rescans the rest of the line from every
 * `mysqladmin` (quadratic). The first client of a line leaves the most room for a `ping` after it.
 */
export function waitsInScript(script: string): boolean {
  if (WAIT_COMMAND.test(script)) return true;
  return script.split('\n').some((line) => {
    const client = PING_CLIENT.exec(line);
    return client !== null && /\bping\b/.test(line.slice(client.index + client[0].length));
  });
}

function serviceEnv(doc: Parameters<typeof mapFields>[0], node: unknown): Map<string, string> {
  const env = new Map<string, string>();
  if (!isMap(node)) return env;
  for (const [key, field] of mapFields(doc, node)) {
    const value = scalarToString(field.value);
    if (value !== undefined) env.set(key, value);
  }
  return env;
}

function securityOff(tag: string | undefined, env: Map<string, string>, key: string): boolean {
  if (env.get(key) === 'false') return true;
  const major = tag ? /^(\d+)\./.exec(tag)?.[1] : undefined;
  return major !== undefined && Number(major) < 8;
}

/** The health options missing from `existing`, as `--flag value` pairs. */
function healthOptions(existing: string, command: string): string[] {
  const wanted: [string, string][] = [
    ['--health-cmd', /\s/.test(command) ? `"${command.replace(/"/g, '\\"')}"` : command],
    ['--health-interval', '10s'],
    ['--health-timeout', '5s'],
    ['--health-retries', '5'],
  ];
  return wanted.filter(([flag]) => !existing.includes(flag)).map(([flag, value]) => `${flag} ${value}`);
}

function healthEdit(file: YamlFile, service: YAMLMap, optionsNode: unknown, options: string, command: string): TextEdit | undefined {
  const added = healthOptions(options, command);
  if (optionsNode === undefined) {
    if (service.items.some((pair) => scalarToString(pair.key) === '<<')) return undefined;
    return insertMapEntry(file, service, ['options: >-', ...added.map((option) => `  ${option}`)].join('\n'));
  }
  if (!isScalar(optionsNode) || ownValue(service, 'options') !== optionsNode) return undefined;
  return appendToScalar(file, optionsNode, added);
}

/** Appends text to the end of a scalar's value, escaped for its style. */
function appendToScalar(file: YamlFile, node: Scalar, options: string[]): TextEdit | undefined {
  const addition = options.join(' ');
  const range = node.range;
  if (!range) return undefined;
  const source = file.text.slice(range[0], range[1]);
  switch (node.type) {
    case 'PLAIN': {
      // A plain scalar cannot hold ` #` or `: `; our options contain neither.
      const end = range[0] + source.trimEnd().length;
      return { start: end, end, newText: ` ${addition}` };
    }
    case 'QUOTE_DOUBLE':
      return { start: range[1] - 1, end: range[1] - 1, newText: ` ${addition.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}` };
    case 'QUOTE_SINGLE':
      return { start: range[1] - 1, end: range[1] - 1, newText: ` ${addition.replace(/'/g, "''")}` };
    case 'BLOCK_FOLDED': {
      // Folded lines join with spaces: one option a line, like the lines above.
      const trimmed = source.trimEnd();
      const lastBreak = trimmed.lastIndexOf('\n');
      if (lastBreak < 0) return undefined;
      const indent = /^[ \t]*/.exec(trimmed.slice(lastBreak + 1))![0];
      const end = range[0] + trimmed.length;
      return { start: end, end, newText: options.map((option) => `${file.eol}${indent}${option}`).join('') };
    }
    case 'BLOCK_LITERAL': {
      // Join the last content line, so `|` does not put a line break into the options.
      const trimmed = source.trimEnd();
      if (!trimmed.includes('\n')) return undefined;
      const end = range[0] + trimmed.length;
      return { start: end, end, newText: ` ${addition}` };
    }
    default:
      return undefined;
  }
}

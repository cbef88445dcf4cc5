import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeConfigProblem, parseConfig, withCommandLine, withConfiguredFacts, type ConfigurableRule } from '../../server/src/project/config';
import { ignoreMatcher } from '../../server/src/project/ignore';
import { ConfigError, findConfigFile, loadConfig } from '../../server/src/project/configLoader';
import { RULES as REGISTRY } from '../../server/src/rules';
import { ROOT } from '../helpers/fixtures';

const JOB_TIMEOUT = { type: 'integer', minimum: 1, maximum: 360, default: 30, description: 'Minutes.' } as const;
const RULES: readonly ConfigurableRule[] = [
  { id: 'gha/npm-ci' },
  { id: 'gha/job-timeout', options: { minutes: JOB_TIMEOUT, strict: { type: 'boolean', default: false, description: 'Strict.' } } },
  { id: 'k8s/image-tag' },
  { id: 'gha/rollout-wait-timeout', options: { timeout: { type: 'string', pattern: /^[0-9]+[smh]$/, default: '10m', description: 'A duration.' } } },
  { id: 'gha/ratio', options: { share: { type: 'number', minimum: 0, maximum: 1, default: 0.5, description: 'A share.' } } },
];
const EMPTY = { ruleSettings: {}, ruleOptions: {}, ignore: [] };

/** Each problem as `line:column message`, and the offending text its span covers. */
function problems(text: string): string[] {
  return parseConfig(text, RULES).problems.map((problem) => `${problem.line}:${problem.column} ${problem.message} [${text.slice(problem.span.start, problem.span.end)}]`);
}

describe('parseConfig', () => {
  it('reads levels, options and ignore globs', () => {
    const result = parseConfig(
      `# ours
rules:
  gha/npm-ci: off
  k8s/image-tag: error
  gha/job-timeout:
    level: warning
    minutes: 20
    strict: true
  gha/rollout-wait-timeout: { timeout: 5m }
  gha/ratio: { share: 0.25 }
ignore:
  - test/fixtures/**
  - "examples/"
`,
      RULES,
    );
    assert.deepEqual(result, {
      problems: [],
      config: {
        ruleSettings: { 'gha/npm-ci': 'off', 'k8s/image-tag': 'error', 'gha/job-timeout': 'warning' },
        ruleOptions: { 'gha/job-timeout': { minutes: 20, strict: true }, 'gha/rollout-wait-timeout': { timeout: '5m' }, 'gha/ratio': { share: 0.25 } },
        ignore: ['test/fixtures/**', 'examples/'],
      },
    });
  });

  it('takes an empty file, options without a level, and values on the bounds', () => {
    assert.deepEqual(parseConfig('', RULES), { problems: [], config: EMPTY });
    assert.deepEqual(parseConfig('# nothing yet\nrules:\nignore:\n', RULES), { problems: [], config: EMPTY });
    assert.deepEqual(parseConfig('rules:\n  gha/job-timeout: { minutes: 1 }\n', RULES), { problems: [], config: { ...EMPTY, ruleOptions: { 'gha/job-timeout': { minutes: 1 } } } });
    assert.deepEqual(parseConfig('rules:\n  gha/job-timeout: { minutes: 360 }\n  gha/ratio: { share: 0 }\n', RULES).problems, []);
  });

  it('the repository\'s own .shipcheck.yaml and every default of every registered rule are valid', () => {
    assert.deepEqual(parseConfig(fs.readFileSync(path.join(ROOT, '.shipcheck.yaml'), 'utf8'), REGISTRY).problems, []);
    const defaults = REGISTRY.filter((rule) => rule.options).map((rule) => `  ${rule.id}:\n${Object.entries(rule.options!).map(([name, option]) => `    ${name}: ${JSON.stringify(option.default)}\n`).join('')}`);
    assert.ok(defaults.length > 0);
    assert.deepEqual(parseConfig(`rules:\n${defaults.join('')}`, REGISTRY).problems, []);
  });

  it('reports an unknown, misspelled, mistyped or out-of-bounds option at its key or value', () => {
    assert.deepEqual(problems('rules:\n  gha/job-timeout: { level: info, minutes: twenty }\n'), ["2:44 option minutes of gha/job-timeout must be an integer, not 'twenty' [twenty]"]);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minute: 20\n'), ['3:5 unknown option minute for gha/job-timeout; did you mean minutes? [minute]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    seconds: 20\n'), ['3:5 unknown option seconds for gha/job-timeout; it takes minutes, strict [seconds]']);
    assert.deepEqual(problems('rules:\n  gha/npm-ci: { level: error, minutes: 20 }\n'), ["2:31 unknown option minutes for gha/npm-ci, which takes only 'level' [minutes]"]);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes: 0\n'), ['3:14 option minutes of gha/job-timeout must be at least 1, not 0 [0]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes: 361\n'), ['3:14 option minutes of gha/job-timeout must be at most 360, not 361 [361]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes: 2.5\n'), ['3:14 option minutes of gha/job-timeout must be an integer, not 2.5 [2.5]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes: "20"\n'), ["3:14 option minutes of gha/job-timeout must be an integer, not '20' [\"20\"]"]);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes: [1]\n'), ['3:14 option minutes of gha/job-timeout must be an integer, not a list or mapping [[1]]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    minutes:\n'), ['3:5 option minutes of gha/job-timeout must be an integer, not empty [minutes]']);
    assert.deepEqual(problems('rules:\n  gha/job-timeout:\n    strict: yes\n'), ["3:13 option strict of gha/job-timeout must be true or false, not 'yes' [yes]"]);
    assert.deepEqual(problems('rules:\n  gha/ratio: { share: 1.5 }\n'), ['2:23 option share of gha/ratio must be at most 1, not 1.5 [1.5]']);
    assert.deepEqual(problems('rules:\n  gha/ratio: { share: half }\n'), ["2:23 option share of gha/ratio must be a number, not 'half' [half]"]);
    assert.deepEqual(problems('rules:\n  gha/rollout-wait-timeout: { timeout: 10 }\n'), ['2:40 option timeout of gha/rollout-wait-timeout must be a string, not 10 [10]']);
    assert.deepEqual(problems('rules:\n  gha/rollout-wait-timeout: { timeout: "10m\\n- x" }\n'), ["2:40 option timeout of gha/rollout-wait-timeout must look like 10m (^[0-9]+[smh]$), not '10m\n- x' [\"10m\\n- x\"]"]);
  });

  it('reports every problem, and keeps what is valid', () => {
    const result = parseConfig('rules:\n  gha/npm-ci: error\n  gha/npm-cl: off\n  gha/job-timeout: { level: loud, minute: 20, strict: true }\nignore:\n  - dist/**\n  - 3\n', RULES);
    assert.deepEqual(
      result.problems.map((problem) => `${problem.line}:${problem.column}`),
      ['3:3', '4:29', '4:35', '7:5'],
    );
    assert.deepEqual(result.config, { ruleSettings: { 'gha/npm-ci': 'error' }, ruleOptions: { 'gha/job-timeout': { strict: true } }, ignore: ['dist/**'] });
  });

  it('points at a bad level, an unknown rule or setting, and a malformed shape', () => {
    assert.deepEqual(problems('rules:\n  gha/npm-ci: loud\n'), ["2:15 the level of gha/npm-ci must be one of off, hint, info, warning, error, not 'loud' [loud]"]);
    assert.deepEqual(problems('rules:\n  npm-ci: off\n'), ["2:3 unknown rule 'npm-ci' (did you mean gha/npm-ci?); 'shipcheck --list-rules' lists them [npm-ci]"]);
    assert.deepEqual(problems('rules:\n  gha/npm-cl: off\n'), ["2:3 unknown rule 'gha/npm-cl' (did you mean gha/npm-ci?); 'shipcheck --list-rules' lists them [gha/npm-cl]"]);
    assert.deepEqual(problems('rules:\n  gha/shiny: off\n'), ["2:3 unknown rule 'gha/shiny'; 'shipcheck --list-rules' lists them [gha/shiny]"]);
    assert.deepEqual(problems('rulez:\n  gha/npm-ci: off\n'), ["1:1 unknown setting 'rulez': expected one of preset, rules, ignore, maxFileSize, owner, selfHostedRunnerLabels, kubernetes [rulez]"]);
    assert.deepEqual(problems('rules: [gha/npm-ci]\n'), ["1:8 'rules' must map rule ids to a level (off, hint, info, warning, error) or to '{ level: …, <option>: … }' [[gha/npm-ci]]"]);
    assert.deepEqual(problems('rules:\n  gha/npm-ci:\n'), ['2:3 the level of gha/npm-ci must be one of off, hint, info, warning, error, not empty [gha/npm-ci]']);
    assert.deepEqual(problems('rules:\n  gha/npm-ci: [warning]\n'), ["2:15 gha/npm-ci needs a level (off, hint, info, warning, error) or a mapping such as '{ level: warning }' [[warning]]"]);
    assert.deepEqual(problems('ignore: test/**\n'), ["1:9 'ignore' must be a list of globs, such as '- test/fixtures/**' [test/**]"]);
    assert.deepEqual(problems('ignore:\n  - 3\n'), ["2:5 each 'ignore' entry must be a non-empty glob string [3]"]);
    assert.match(problems('rules:\n  gha/npm-ci: off\n  gha/npm-ci: error\n').join('\n'), /^3:3 not valid YAML: .*unique/i);
    assert.match(problems('rules: {\n').join('\n'), /^\d+:\d+ not valid YAML: /);
    assert.deepEqual(problems('---\npreset: strict\n---\npreset: all\n'), ['3:1 a configuration file holds one YAML document; this is a second one [---\npreset: all\n]']);
    assert.deepEqual(parseConfig('rules: {\n  gha/npm-ci: off\n', RULES).config, EMPTY, 'text that is not YAML configures nothing');
    assert.deepEqual(problems('- a\n'), ["1:1 the configuration must be a mapping with 'rules:' and/or 'ignore:' [- a\n]"]);
    assert.deepEqual(problems('maxFileSize: 0\n'), ["1:14 'maxFileSize' must be a whole number of KiB, at least 1 [0]"]);
    assert.deepEqual(problems('maxFileSize: big\n'), ["1:14 'maxFileSize' must be a whole number of KiB, at least 1 [big]"]);
    assert.equal(parseConfig('maxFileSize: 512\n', RULES).config.maxFileSizeKiB, 512);
    assert.equal(describeConfigProblem('.shipcheck.yaml', { line: 2, column: 15, message: 'bad' }), '.shipcheck.yaml:2:15: bad');
  });

  it('reads the preset, and points at an unknown or missing one', () => {
    for (const preset of ['recommended', 'strict', 'all'] as const) assert.deepEqual(parseConfig(`preset: ${preset}\n`, RULES), { problems: [], config: { ...EMPTY, preset } });
    assert.deepEqual(problems('preset: pedantic\n'), ["1:9 'preset' must be one of recommended, strict, all, not 'pedantic' [pedantic]"]);
    assert.deepEqual(problems('rules: {}\npreset: [strict]\n'), ["2:9 'preset' must be one of recommended, strict, all, not a list or mapping [[strict]]"]);
    assert.deepEqual(problems('preset:\n'), ["1:1 'preset' must be one of recommended, strict, all, not empty [preset]"]);
    assert.deepEqual(parseConfig('preset: Strict\nrules:\n  gha/npm-ci: off\n', RULES).config, { ...EMPTY, ruleSettings: { 'gha/npm-ci': 'off' } }, 'names are exact; the rest applies');
  });

  it("reads the repository's GitHub owner, which must be an account name", () => {
    assert.equal(parseConfig('owner: acme-labs\n', RULES).config.owner, 'acme-labs');
    assert.deepEqual(problems('owner: acme\n'), []);
    const message = "'owner' must be a GitHub user or organization name, such as 'acme' (letters, digits and hyphens)";
    assert.deepEqual(problems('owner: https://github.com/acme\n'), [`1:8 ${message} [https://github.com/acme]`]);
    assert.deepEqual(problems('owner: -acme\n'), [`1:8 ${message} [-acme]`]);
    assert.deepEqual(problems('owner: [acme]\n'), [`1:8 ${message} [[acme]]`]);
    assert.deepEqual(problems(`owner: ${'a'.repeat(40)}\n`), [`1:8 ${message} [${'a'.repeat(40)}]`]);
    assert.equal(parseConfig('owner: -acme\n', RULES).config.owner, undefined);
  });

  it('reads the labels of self-hosted runners, a list of non-empty labels, and hands them to the rules as project facts', () => {
    assert.deepEqual(parseConfig('selfHostedRunnerLabels: [gpu-box, arc-linux]\n', RULES).config.selfHostedRunnerLabels, ['gpu-box', 'arc-linux']);
    assert.deepEqual(problems('selfHostedRunnerLabels: gpu-box\n'), ["1:25 'selfHostedRunnerLabels' must be a list of runner labels, such as '- gpu-runner' [gpu-box]"]);
    assert.deepEqual(problems("selfHostedRunnerLabels: [gpu, '']\n"), ["1:31 each 'selfHostedRunnerLabels' entry must be a non-empty label ['']"]);
    assert.deepEqual(withConfiguredFacts({ npmLockfile: true }, { selfHostedRunnerLabels: ['gpu'] }), { npmLockfile: true, selfHostedRunnerLabels: ['gpu'] });
    assert.deepEqual(withConfiguredFacts({ owner: 'a' }, { owner: 'b' }), { owner: 'b' });
  });

  it('reads how Kubernetes patches are told apart, and hands it to the rules as a project fact', () => {
    assert.equal(parseConfig('kubernetes:\n  patches: listed\n', RULES).config.kubernetesPatches, 'listed');
    assert.equal(parseConfig('kubernetes: { patches: auto }\n', RULES).config.kubernetesPatches, 'auto');
    assert.deepEqual(problems('kubernetes: {}\n'), []);
    assert.deepEqual(problems('kubernetes:\n  patches: none\n'), ["2:12 'kubernetes.patches' must be one of auto, listed, not 'none' [none]"]);
    assert.deepEqual(problems('kubernetes:\n  patch: listed\n'), ["2:3 unknown setting 'kubernetes.patch': expected patches [patch]"]);
    assert.deepEqual(problems('kubernetes: listed\n'), ["1:13 'kubernetes' must be a mapping, such as '{ patches: listed }' [listed]"]);
    assert.deepEqual(withConfiguredFacts({ npmLockfile: true }, { kubernetesPatches: 'listed' }), { npmLockfile: true, kubernetesPatches: 'listed' });
  });

  it('lets command-line settings win', () => {
    const result = parseConfig('preset: strict\nrules:\n  gha/npm-ci: error\n  k8s/image-tag: off\n', RULES);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(withCommandLine(result.config, { rules: { 'gha/npm-ci': 'info' } }), { ...result.config, preset: 'strict', ruleSettings: { 'gha/npm-ci': 'info', 'k8s/image-tag': 'off' } });
    assert.equal(withCommandLine(result.config, { rules: {}, preset: 'recommended' }).preset, 'recommended');
    assert.equal(withCommandLine(EMPTY, { rules: {}, preset: undefined }).preset, undefined);
  });
});

describe('ignoreMatcher', () => {
  it('matches globs, names at any depth, and everything under a matched directory', () => {
    const ignored = ignoreMatcher(['test/fixtures/**', 'examples/', '*.generated.yaml', './build']);
    for (const yes of ['test/fixtures/a/bad.yaml', 'examples/k8s/d.yaml', 'deploy/x.generated.yaml', 'build/out.yml', '.hidden/x.generated.yaml']) assert.ok(ignored(yes), yes);
    for (const no of ['test/ok/a.yaml', 'k8s/examples.yaml', 'src/examples-old/x.yaml', '../examples/x.yaml', '']) assert.ok(!ignored(no), no);
    assert.ok(!ignoreMatcher([])('anything.yaml'));
  });
});

describe('loadConfig', () => {
  it('finds .shipcheck.yaml by walking up, returns the problems of a malformed one', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'shipcheck-config-'));
    try {
      fs.mkdirSync(path.join(root, 'a/b'), { recursive: true });
      assert.equal(findConfigFile(path.join(root, 'a/b')), undefined);
      fs.writeFileSync(path.join(root, '.shipcheck.yaml'), 'ignore: [dist/**]\n');
      assert.equal(findConfigFile(path.join(root, 'a/b')), path.join(root, '.shipcheck.yaml'));
      const loaded = loadConfig(path.join(root, 'a/b'), RULES);
      assert.deepEqual({ ...loaded }, { file: path.join(root, '.shipcheck.yaml'), baseDirectory: root, config: { ruleSettings: {}, ruleOptions: {}, ignore: ['dist/**'] }, problems: [] });
      fs.writeFileSync(path.join(root, 'a/.shipcheck.yml'), 'rules:\n  k8s/image-tag: loud\n');
      const malformed = loadConfig(path.join(root, 'a/b'), RULES);
      assert.equal(malformed.file, path.join(root, 'a/.shipcheck.yml'));
      assert.deepEqual(malformed.problems.map((problem) => `${problem.line}:${problem.column}`), ['2:18']);
      assert.throws(() => loadConfig(root, RULES, path.join(root, 'missing.yaml')), (error: unknown) => error instanceof ConfigError && /cannot read the configuration: no such file/.test(error.message));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

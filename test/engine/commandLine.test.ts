import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optionValue, scriptCommands, stepCommands } from '../../server/src/engine/languages/commandLine';
import { parseShell } from '../../server/src/engine/languages/shell';
import { buildWorkflow } from '../../server/src/engine/model/workflow';
import { placedCommands, workingDirectory } from '../../server/src/engine/model/workingDirectory';
import { parseYamlFile, type YAMLMap } from '../../server/src/engine/yaml/yamlFile';

/** Each command of the script as [program, ...args]. */
const resolve = (script: string) => scriptCommands(script).map((command) => [command.program, ...command.args.map((word) => word.value)]);

describe('scriptCommands', () => {
  it('peels launchers off to the program', () => {
    assert.deepEqual(resolve('npx --yes nyc check-coverage'), [['nyc', 'check-coverage']]);
    assert.deepEqual(resolve('npx -p @playwright/test playwright test'), [['playwright', 'test']]);
    assert.deepEqual(resolve('python3 -m pytest -q'), [['pytest', '-q']]);
    assert.deepEqual(resolve('uv run coverage report'), [['coverage', 'report']]);
    assert.deepEqual(resolve('pipx run twine==6.1.0 upload dist/*'), [['twine', 'upload', 'dist/*']]);
    assert.deepEqual(resolve('pnpm exec vitest run'), [['vitest', 'run']]);
  });

  it('peels xvfb-run with its options', () => {
    assert.deepEqual(resolve('xvfb-run npx playwright test'), [['playwright', 'test']]);
    assert.deepEqual(resolve('xvfb-run -a --server-args="-screen 0 1280x1024x24" npm test'), [['npm', 'test']]);
    assert.deepEqual(resolve('xvfb-run -s "-screen 0 1280x1024x24" npx cypress run'), [['cypress', 'run']]);
  });

  it('peels env with its assignments and options', () => {
    assert.deepEqual(resolve('env CI=1 npx jest'), [['jest']]);
    assert.deepEqual(resolve('env -u HOME -i A=1 B=2 /usr/local/bin/kubectl get pods'), [['kubectl', 'get', 'pods']]);
    assert.deepEqual(resolve('env -- make test'), [['make', 'test']]);
  });

  it('peels sudo, time, timeout (with its duration), nice and nohup', () => {
    assert.deepEqual(resolve('sudo -E -u runner npm ci'), [['npm', 'ci']]);
    assert.deepEqual(resolve('sudo DEBIAN_FRONTEND=noninteractive apt-get install -y jq'), [['apt-get', 'install', '-y', 'jq']]);
    assert.deepEqual(resolve('time -p go test ./...'), [['go', 'test', './...']]);
    assert.deepEqual(resolve('timeout 10m pytest'), [['pytest']]);
    assert.deepEqual(resolve('timeout -s KILL -k 5s 300 cargo test'), [['cargo', 'test']]);
    assert.deepEqual(resolve('nice -n 10 make build'), [['make', 'build']]);
    assert.deepEqual(resolve('nohup ./server &'), [['server']]);
    assert.deepEqual(resolve('stdbuf -oL dotenv -e .env -- node app.js'), [['node', 'app.js']]);
  });

  it('peels launchers in any order, and says which it peeled', () => {
    assert.deepEqual(resolve('sudo env CI=1 timeout 5m xvfb-run npx jest --ci'), [['jest', '--ci']]);
    assert.deepEqual(scriptCommands('sudo env CI=1 timeout 5m xvfb-run npx jest --ci')[0]!.launchers, ['sudo', 'env', 'timeout', 'xvfb-run', 'npx']);
    assert.deepEqual(scriptCommands(`timeout 60 bash -c 'uv run pytest'`)[0]!.launchers, ['timeout', 'bash', 'uv']);
    assert.deepEqual(scriptCommands('kubectl get pods')[0]!.launchers, []);
  });

  it('reads the commands of `bash -c` and `sh -c` scripts, with offsets into the outer script', () => {
    assert.deepEqual(resolve(`bash -c 'npm ci && npx jest'`), [['npm', 'ci'], ['jest']]);
    assert.deepEqual(resolve('sh -ec "kubectl apply -f k8s/"'), [['kubectl', 'apply', '-f', 'k8s/']]);
    assert.deepEqual(resolve(`bash -o pipefail -xc 'timeout 1m make e2e | tee log'`), [['make', 'e2e'], ['tee', 'log']]);
    assert.deepEqual(resolve(`bash --login -c 'go test'`), [['go', 'test']]);
    const script = `echo hi; bash -c 'npm install'`;
    const [, npm] = scriptCommands(script);
    assert.equal(script.slice(npm!.programWord.start, npm!.args[0]!.end), 'npm install');
  });

  it('keeps a shell running a file, or a `-c` script whose offsets it cannot map, as the program', () => {
    assert.deepEqual(resolve('bash ./scripts/deploy.sh prod'), [['bash', './scripts/deploy.sh', 'prod']]);
    assert.deepEqual(resolve(`bash -c "echo \\"hi\\""`), [['bash', '-c', 'echo "hi"']]);
  });

  it('keeps package scripts as what they are', () => {
    assert.deepEqual(resolve('npm run test -- --coverage'), [['npm', 'run', 'test', '--', '--coverage']]);
    assert.deepEqual(resolve('yarn run build'), [['yarn', 'run', 'build']]);
    assert.deepEqual(resolve('pnpm run lint'), [['pnpm', 'run', 'lint']]);
  });

  it('skips shell keywords and assignments before the command', () => {
    assert.deepEqual(resolve('if CI=1 npx jest; then echo ok; fi').slice(0, 2), [['jest'], ['echo', 'ok']]);
  });
});

describe('optionValue', () => {
  const args = parseShell('tool --timeout 5m --fail-under=100 -n')[0]!.words.slice(1);
  it('reads `--flag value` and `--flag=value`', () => {
    assert.equal(optionValue(args, ['--timeout'])?.value, '5m');
    assert.equal(optionValue(args, ['--fail-under'])?.value, '100');
    assert.equal(optionValue(args, ['--missing']), undefined);
  });
});

describe('stepCommands', () => {
  const commandsOf = (run: string, shell: string) => {
    const text = `on: push\njobs:\n  build:\n    runs-on: windows-latest\n    steps:\n      - run: ${JSON.stringify(run)}\n        shell: ${shell}\n`;
    const yaml = parseYamlFile(text, '.github/workflows/ci.yml').documents[0]!;
    const step = buildWorkflow(yaml, yaml.doc.contents as YAMLMap, text, 'workflow').jobs[0]!.steps[0]!;
    return stepCommands(step).map((command) => [command.program, ...command.args.map((word) => word.value)]);
  };

  it('reads a PowerShell backtick or a cmd caret at the end of a line as one command line', () => {
    assert.deepEqual(commandsOf('cargo `\n  publish `\r\n  --locked\nnpm test', 'pwsh'), [['cargo', 'publish', '--locked'], ['npm', 'test']]);
    assert.deepEqual(commandsOf('cargo ^\r\n  publish\nnpm test', 'cmd'), [['cargo', 'publish'], ['npm', 'test']]);
  });

});


describe('placedCommands', () => {
  const placed = (run: string, folder?: string) => {
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${JSON.stringify(run)}\n${folder ? `        working-directory: ${folder}\n` : ''}`;
    const yaml = parseYamlFile(text).documents[0]!;
    const step = buildWorkflow(yaml, yaml.doc.contents as YAMLMap, text, 'workflow').jobs[0]!.steps[0]!;
    return placedCommands(step, workingDirectory(step)).map(({ command, directory }) => [command.program, directory ?? '?']);
  };

  it('follows cd from the step\'s folder, and loses the folder where the text cannot tell', () => {
    assert.deepEqual(placed('npm ci\ncd web && npm ci\ncd ./app\nnpm test'), [['npm', ''], ['npm', 'web'], ['npm', 'web/app']]);
    assert.deepEqual(placed('cd docs && npm ci', 'site'), [['npm', 'site/docs']]);
    for (const cd of ['cd ..', 'cd -', 'cd "$DIR"', 'cd', 'cd -P web']) assert.deepEqual(placed(`${cd}\nnpm ci`), [['npm', '?']], cd);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandSubstitutions, credentialName, derivedSecret, heredocBody, outsideSubstitutions, secretInWord, secretsIn, stdoutRedirected, workflowFileTarget } from '../../server/src/engine/model/secrets';
import { parseShell } from '../../server/src/engine/languages/shell';

const vars = new Map([['TOKEN', 'secrets.NPM_TOKEN']]);

describe('secret tracking helpers', () => {
  it('finds secrets.* read by expressions', () => {
    assert.deepEqual(secretsIn('a ${{ secrets.A }} b ${{ secrets.B || github.token }} ${{ github.sha }}'), ['secrets.A', 'secrets.B']);
    assert.deepEqual(secretsIn("${{ secrets['C'] }}"), ['secrets.C']);
  });

  it('recognises a secret variable expanded in a word, but not its length or a :+ test', () => {
    assert.equal(secretInWord('x=$TOKEN', vars), 'secrets.NPM_TOKEN');
    assert.equal(secretInWord('${TOKEN:0:4}', vars), 'secrets.NPM_TOKEN');
    assert.equal(secretInWord('${#TOKEN}', vars), undefined);
    assert.equal(secretInWord('${TOKEN:+set}', vars), undefined);
    assert.equal(secretInWord('$TOKENIZER', vars), undefined);
  });

  it('cuts command substitutions out, and lists them', () => {
    assert.equal(outsideSubstitutions('n=$(echo "$TOKEN" | wc -c) m=`id -u` $X'), 'n= m= $X');
    assert.deepEqual(commandSubstitutions('n=$(echo "$(id)" | wc -c) m=`id -u` $X'), ['echo "$(id)" | wc -c', 'id -u']);
  });

  it('tells a value computed from a secret from the secret expanded as it is', () => {
    assert.deepEqual(derivedSecret('A=$(echo "$TOKEN" | base64)', vars), { secret: 'secrets.NPM_TOKEN', expansion: '$(echo "$TOKEN" | base64)' });
    assert.deepEqual(derivedSecret('${TOKEN:0:4}', vars), { secret: 'secrets.NPM_TOKEN', expansion: '${TOKEN:0:4}' });
    assert.equal(derivedSecret("`vault login token=${{ secrets.GH }}`", vars)?.secret, 'secrets.GH');
    assert.equal(derivedSecret('${TOKEN,,}', vars)?.expansion, '${TOKEN,,}');
    for (const plain of ['$TOKEN', '${TOKEN}', '${TOKEN:-none}', '${TOKEN:+set}', '${#TOKEN}', 'u=$(echo "me:$TOKEN")', 'n=$(wc -c < file)', '${OTHER:0:4}']) {
      assert.equal(derivedSecret(plain, vars), undefined, plain);
    }
  });

  it('knows credential names from names of other things kept among the secrets', () => {
    for (const name of ['DOCKER_PASSWORD', 'NPM_TOKEN', 'GH_PAT', 'SSH_KEY', 'GOOGLE_CREDENTIALS', 'api-key', 'PGP_PASSPHRASE', 'KUBECONFIG']) assert.ok(credentialName(name), name);
    for (const name of ['DOCKERIO_ORG', 'DOCKERIO_USERNAME', 'AWS_REGION', 'SONAR_HOST_URL', 'KEYCHAIN_NAME', 'PATH_PREFIX']) assert.ok(!credentialName(name), name);
  });

  it('finds heredoc bodies and output redirections', () => {
    const script = 'cat <<-EOF >> "$GITHUB_ENV"\n\tA=$TOKEN\n\tEOF\necho hi > /dev/stderr\necho x >/tmp/f';
    const [cat, toStderr, toFile] = parseShell(script);
    assert.equal(heredocBody(script, cat!.redirects[0]!)?.text, '\tA=$TOKEN\n');
    assert.equal(workflowFileTarget(cat!)?.file, 'GITHUB_ENV');
    assert.equal(stdoutRedirected(toStderr!), false);
    assert.equal(stdoutRedirected(toFile!), true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onlyBotsPass } from '../../server/src/engine/model/actors';

describe('onlyBotsPass', () => {
  it('sees conditions that only a bot author passes', () => {
    for (const condition of [
      "github.actor == 'dependabot[bot]'",
      "${{ github.event.pull_request.user.login == 'renovate[bot]' && github.repository == 'acme/app' }}",
      "github.event.pull_request.user.type == 'Bot'",
      "contains(fromJSON('[\"dependabot[bot]\", \"renovate[bot]\"]'), github.triggering_actor)",
      "endsWith(github.actor, '[bot]') && success()",
      "github.actor == 'dependabot[bot]' || github.actor == 'renovate[bot]'",
    ]) {
      assert.equal(onlyBotsPass(condition), true, condition);
    }
  });

  it('does not take other conditions for one', () => {
    for (const condition of [
      undefined,
      null,
      '',
      'false',
      "github.event_name == 'pull_request'",
      "github.actor != 'dependabot[bot]'",
      "github.actor == 'octocat'",
      "github.actor == 'dependabot[bot]' || github.event_name == 'push'",
      "github.actor == 'dependabot[bot]' || failure()",
      "github.actor == github.repository_owner",
      "contains(github.actor, 'bot')",
      "github.actor == 'talbot'",
    ]) {
      assert.equal(onlyBotsPass(condition), false, String(condition));
    }
  });
});

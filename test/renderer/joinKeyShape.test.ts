import { describe, expect, it } from 'vitest';
import { parseJoinKey } from '../../agent/cluster/joinKey.ts';
import { joinCommand, joinKeyProblem } from '../../renderer/src/views/onboarding/joinKeyShape.ts';
import { encodeSwarmKey, generateSwarmKey } from '../../shared/swarm/swarmKey.ts';

/** The agent's own parser's message, for comparison. */
function agentProblem(text: string): string | undefined {
  try {
    parseJoinKey(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('joinKeyProblem', () => {
  const key = encodeSwarmKey(generateSwarmKey());

  it('accepts real keys, with or without a bootstrap, whatever the case and spaces', () => {
    expect(joinKeyProblem(key)).toBeUndefined();
    expect(joinKeyProblem(`  ${key.toUpperCase()}\n`)).toBeUndefined();
    expect(joinKeyProblem(`${key}@127.0.0.1:49737`)).toBeUndefined();
    expect(joinKeyProblem(`${key}@10.0.0.5:49737,boot.example.org:1`)).toBeUndefined();
  });

  it('says what is wrong in the agent’s words', () => {
    const cases = [
      '',
      `x${key.slice(1)}`,
      key.slice(0, -1),
      key + key,
      `${key.slice(0, 10)}0${key.slice(11)}`,
      `${key}@`,
      `${key}@127.0.0.1`,
      `${key}@127.0.0.1:0`,
      `${key}@127.0.0.1:1,,`,
      `${key}@bad_host:12`,
    ];
    for (const text of cases) {
      const problem = joinKeyProblem(text);
      expect(problem, text).toBeDefined();
      expect(agentProblem(text), text).toBeDefined();
      expect(agentProblem(text), text).toContain(problem?.replace(/^bootstrap: /, ''));
    }
  });

  it('gives the command another machine runs', () => {
    expect(joinCommand(key)).toBe(`shoal agent --join ${key}`);
  });
});

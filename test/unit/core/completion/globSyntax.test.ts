// The exclusion globs' syntax check was picomatch (24 KB of the bundle); `unbalanced()` replaced
// it. picomatch stays a dev dependency so this test can hold the two to the same verdicts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import picomatch from 'picomatch';
import { unbalanced } from '../../../../src/core/completion/exclusions';

/** What picomatch said of a pattern, the way exclusions.ts used to ask (and word) it. */
function picomatchVerdict(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob.replace(/[()!]/g, '\\$&'), { strictBrackets: true, noextglob: true });
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/\s*-\s*use .*$/s, '');
  }
}

describe('unbalanced(): the glob syntax check', () => {
  test('the cases users write', () => {
    assert.equal(unbalanced('**/{a,b}/*.ts'), undefined);
    assert.equal(unbalanced('**/[ab]*.key'), undefined);
    assert.equal(unbalanced('a}b'), undefined, 'a lone } is a literal');
    assert.equal(unbalanced('**/{a,b/*.ts'), 'Missing closing: "}"');
    assert.equal(unbalanced('**/[ab*.ts'), 'Missing closing: "]"');
    assert.equal(unbalanced('**/ab]*.ts'), 'Missing opening: "["');
    assert.equal(unbalanced('[]'), 'Missing closing: "]"', 'a ] first in a class is part of it');
    assert.equal(unbalanced('[]]'), undefined);
    assert.equal(unbalanced('[^]]'), undefined);
  });

  test('the same verdict as picomatch on 50,000 random patterns', () => {
    const alphabet = ['{', '}', '[', ']', '!', '^', 'a', ',', '*', '/'];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const disagreements: string[] = [];
    for (let t = 0; t < 50_000; t++) {
      let glob = '';
      const length = 1 + Math.floor(random() * 8);
      for (let i = 0; i < length; i++) glob += alphabet[Math.floor(random() * alphabet.length)];
      if (unbalanced(glob) !== picomatchVerdict(glob)) disagreements.push(glob);
    }
    assert.deepEqual(disagreements.slice(0, 10), []);
  });
});

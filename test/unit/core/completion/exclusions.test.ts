// Files matched by the exclude globs are never sent: not completed, not used as context.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { DEFAULT_EXCLUDE, createExclusionMatcher } from '../../../../src/core/completion/exclusions';

const packageJson = JSON.parse(
  readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'),
) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};

describe('never sends an excluded file: the default exclusions', () => {
  test('package.json declares the same defaults as core', () => {
    const declared = packageJson.contributes.configuration.properties['pacer.completion.exclude']?.default;
    assert.deepEqual(declared, [...DEFAULT_EXCLUDE]);
  });

  const m = createExclusionMatcher(DEFAULT_EXCLUDE);
  for (const path of [
    '.env',
    '.env.local',
    'config/.env.production',
    'certs/server.pem',
    'deploy/tls/private.key',
    'id_rsa',
    'home/.ssh/id_rsa.pub',
    'secrets/db.json',
    'app/secrets/nested/token.txt',
    '.secrets/api.txt',
    'C:\\work\\proj\\secrets\\prod.yaml',
    '/home/me/proj/.env',
    'CERTS/SERVER.PEM',
    // Added by issue 10.
    'id_ed25519',
    '/home/me/.ssh/id_ecdsa',
    '.ssh/config',
    '/home/me/.ssh/known_hosts',
    '/home/me/.aws/credentials',
    '.npmrc',
    'pkg/.pypirc',
    '/home/me/.netrc',
    '.git-credentials',
    '.pgpass',
    'web/.htpasswd',
    '/home/me/.kube/config',
    '/home/me/.docker/config.json',
    'certs/client.p12',
    'certs/client.PFX',
    'android/release.jks',
    'android/debug.keystore',
    'vault.kdbx',
    'infra/prod.tfvars',
    'infra/terraform.tfstate',
    'gcp/service-account-prod.json',
  ]) {
    test(`excludes ${path}`, () => assert.equal(m.excludes(path), true));
  }
  for (const path of [
    'src/env.ts',
    'src/environment.ts',
    'src/keys.ts',
    'docs/secrets.md',
    'src/pem/parse.ts',
    'test/fixtures/workspace/src/math.ts',
    'README.md',
    'src/ssh/config.ts',
    'docker/config.json',
    'infra/main.tf',
    'account.json',
  ]) {
    test(`keeps ${path}`, () => assert.equal(m.excludes(path), false));
  }
});

describe('never sends an excluded file: glob syntax', () => {
  test('* stays within a folder, ** crosses folders', () => {
    const m = createExclusionMatcher(['src/*.ts']);
    assert.equal(m.excludes('src/a.ts'), true);
    assert.equal(m.excludes('src/lib/a.ts'), false);
    const deep = createExclusionMatcher(['src/**/*.ts']);
    assert.equal(deep.excludes('src/lib/deep/a.ts'), true);
    assert.equal(deep.excludes('src/a.ts'), true);
    assert.equal(deep.excludes('src/a.js'), false);
  });
  test('braces, ? and classes', () => {
    const m = createExclusionMatcher(['**/*.{pem,p12}', 'tmp/file?.txt', 'cfg/[ab].json', 'x/[!ab].md']);
    assert.equal(m.excludes('a/b/c.p12'), true);
    assert.equal(m.excludes('tmp/file1.txt'), true);
    assert.equal(m.excludes('tmp/file10.txt'), false);
    assert.equal(m.excludes('cfg/a.json'), true);
    assert.equal(m.excludes('cfg/c.json'), false);
    assert.equal(m.excludes('x/c.md'), true);
    assert.equal(m.excludes('x/a.md'), false);
  });
  test('a pattern without a slash matches the file name anywhere', () => {
    const m = createExclusionMatcher(['*.secret']);
    assert.equal(m.excludes('a/b/token.secret'), true);
    assert.equal(m.excludes('token.secret.bak'), false);
  });
  test('a relative folder pattern also catches an absolute path', () => {
    const m = createExclusionMatcher(['private/**']);
    assert.equal(m.excludes('/home/me/proj/private/notes.ts'), true);
    assert.equal(m.excludes('/home/me/proj/public/notes.ts'), false);
  });
  test('no patterns exclude nothing; regex characters are literal', () => {
    assert.equal(createExclusionMatcher([]).excludes('.env'), false);
    assert.equal(createExclusionMatcher(['a+b(1).ts']).excludes('a+b(1).ts'), true);
    assert.equal(createExclusionMatcher(['a+b(1).ts']).excludes('aab1.ts'), false);
  });
  test('says which pattern excluded a file', () => {
    const m = createExclusionMatcher(['**/*.md', '**/*.pem']);
    assert.equal(m.matchOf('certs/a.pem'), '**/*.pem');
    assert.equal(m.matchOf('src/a.ts'), undefined);
  });
  test('matches what picomatch matches (with the widenings) on ordinary globs', () => {
    const globs = [
      '*.ts',
      'src/*.ts',
      'src/**/*.ts',
      '**/a?c/*.{md,txt}',
      'x*y*z',
      '**/b/**/c',
      '[ab]*.json',
    ];
    const paths = [
      'a.ts',
      'src/a.ts',
      'src/x/a.ts',
      'q/abc/r.md',
      'q/abc/r.txt',
      'q/ab/r.md',
      'xyz',
      'xaaybbz',
      'xzy',
      'b/c',
      'a/b/d/c',
      'b/d',
      'a.json',
      'c.json',
    ];
    for (const glob of globs) {
      const ours = createExclusionMatcher([glob]);
      const theirs = picomatch(`**/${glob}`, { dot: true, nocase: true });
      for (const p of paths) assert.equal(ours.excludes(p), theirs(p), `${glob} vs ${p}`);
    }
  });
});

describe('never sends an excluded file: hostile patterns and paths', () => {
  const within = (ms: number, work: () => void, what: string) => {
    const t0 = performance.now();
    work();
    const took = performance.now() - t0;
    assert.ok(took < ms, `${what} took ${took.toFixed(1)} ms (limit ${ms} ms)`);
  };

  test('pathological pattern/path pairs finish in well under 50 ms', () => {
    const longName = 'a'.repeat(255);
    const pairs: [string, string][] = [
      ['**/*a*a*a*a*a*a*a*a*b', `x/${longName}`],
      ['*a*a*a*a*a*a*a*a*a*a*a*a*b', longName],
      ['**/a/**/a/**/a/**/a/**/a/**/b', `${'a/'.repeat(2000)}c`],
      ['**/*a*a*b/**/*a*a*b/**/c', `${`${longName}/`.repeat(30)}d`],
      ['{a,b}*{a,b}*{a,b}*{a,b}*{a,b}*c', longName],
    ];
    for (const [glob, path] of pairs) {
      const m = createExclusionMatcher([glob]);
      within(50, () => assert.equal(m.excludes(path), false), `${glob} against ${path.length} chars`);
    }
  });

  test('an unbalanced { or [ excludes everything and is reported', () => {
    for (const bad of ['src/{a,b', '**/[ab.ts']) {
      const m = createExclusionMatcher(['**/*.pem', bad]);
      assert.equal(m.excludes('src/harmless.ts'), true, `${bad} fails closed`);
      assert.equal(m.matchOf('src/harmless.ts'), bad);
      assert.equal(m.invalid.length, 1);
      assert.equal(m.invalid[0]!.pattern, bad);
      assert.match(m.invalid[0]!.reason, /closing/i);
    }
  });

  test('too many brace alternatives fail closed instead of eating memory', () => {
    const m = createExclusionMatcher(['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}']);
    assert.equal(m.excludes('src/x.ts'), true);
    assert.equal(m.invalid.length, 1);
  });
});

// Files matched by the exclude globs are never sent: not completed, not used as context.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createExclusionMatcher, globToRegExp } from '../../src/core/completion/exclusions';

// The defaults declared in package.json (`pacer.completion.exclude`).
const DEFAULTS = ['**/.env*', '**/*.pem', '**/*.key', '**/id_rsa*', '**/secrets/**', '**/.secrets/**'];

describe('default exclusions', () => {
  const excluded = createExclusionMatcher(DEFAULTS);
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
  ]) {
    test(`excludes ${path}`, () => assert.equal(excluded(path), true));
  }
  for (const path of [
    'src/env.ts',
    'src/environment.ts',
    'src/keys.ts',
    'docs/secrets.md',
    'src/pem/parse.ts',
    'test/fixtures/workspace/src/math.ts',
    'README.md',
  ]) {
    test(`keeps ${path}`, () => assert.equal(excluded(path), false));
  }
});

describe('glob syntax', () => {
  test('* stays within a folder, ** crosses folders', () => {
    assert.equal(globToRegExp('src/*.ts').test('src/a.ts'), true);
    assert.equal(globToRegExp('src/*.ts').test('src/lib/a.ts'), false);
    assert.equal(globToRegExp('src/**/*.ts').test('src/lib/deep/a.ts'), true);
    assert.equal(globToRegExp('src/**/*.ts').test('src/a.ts'), true);
  });
  test('braces, ? and classes', () => {
    const m = createExclusionMatcher(['**/*.{pem,p12}', 'tmp/file?.txt', 'cfg/[ab].json']);
    assert.equal(m('a/b/c.p12'), true);
    assert.equal(m('tmp/file1.txt'), true);
    assert.equal(m('tmp/file10.txt'), false);
    assert.equal(m('cfg/a.json'), true);
    assert.equal(m('cfg/c.json'), false);
  });
  test('a pattern without a slash matches the file name anywhere', () => {
    const m = createExclusionMatcher(['*.secret']);
    assert.equal(m('a/b/token.secret'), true);
    assert.equal(m('token.secret.bak'), false);
  });
  test('a relative folder pattern also catches an absolute path', () => {
    const m = createExclusionMatcher(['private/**']);
    assert.equal(m('/home/me/proj/private/notes.ts'), true);
    assert.equal(m('/home/me/proj/public/notes.ts'), false);
  });
  test('no patterns exclude nothing; regex characters are literal', () => {
    assert.equal(createExclusionMatcher([])('.env'), false);
    assert.equal(createExclusionMatcher(['a+b(1).ts'])('a+b(1).ts'), true);
    assert.equal(createExclusionMatcher(['a+b(1).ts'])('aab1.ts'), false);
  });
});

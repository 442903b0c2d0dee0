// Which files are never sent to a provider, neither as the file being edited nor as context from
// another open editor. Globs follow VS Code's syntax (`**`, `*`, `?`, `{a,b}`, `[abc]`) and match
// the workspace-relative path. Two deliberate widenings, because a miss leaks a secret while an
// extra match only costs a completion: matching ignores case (macOS and Windows file systems do),
// and a pattern without a `/` also matches the file name in any folder, as in .gitignore.

export type ExclusionMatcher = (path: string) => boolean;

export function createExclusionMatcher(globs: readonly string[]): ExclusionMatcher {
  const patterns = globs
    .map((g) => g.trim().replace(/\\/g, '/'))
    .filter((g) => g !== '')
    .map((g) => ({ re: globToRegExp(g), nameOnly: !g.includes('/') }));
  if (patterns.length === 0) return () => false;
  return (path) => {
    const normalized = path.replace(/\\/g, '/');
    const relative = normalized.replace(/^\.\//, '');
    const name = relative.slice(relative.lastIndexOf('/') + 1);
    return patterns.some(
      ({ re, nameOnly }) =>
        re.test(relative) || (nameOnly && re.test(name)) || anySuffixMatches(re, relative),
    );
  };
}

/**
 * A path outside the workspace arrives absolute (`/home/u/.ssh/id_rsa`); a relative glob such as
 * `secrets/**` should still catch `/home/u/proj/secrets/x`. Trying every suffix that starts at a
 * folder boundary makes the glob behave as if it started with `**\/`.
 */
function anySuffixMatches(re: RegExp, path: string): boolean {
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    if (re.test(path.slice(i + 1))) return true;
  }
  return false;
}

export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches everything below.
        const slashAfter = glob[i + 2] === '/';
        out += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      inGroup++;
      out += '(?:';
    } else if (c === '}' && inGroup > 0) {
      inGroup--;
      out += ')';
    } else if (c === ',' && inGroup > 0) {
      out += '|';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) {
        out += '\\[';
      } else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += c.replace(/[.+^$()|\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`, 'i');
}

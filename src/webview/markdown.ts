// Model output is untrusted. Markdown becomes HTML through marked, and that HTML reaches the DOM
// only through DOMPurify with an allow-list: no scripts, no event attributes, no styles, no images
// or frames (remote loads), and links only to http(s) and mailto. The CSP would stop most of it
// anyway; the sanitizer is the layer that does not depend on the CSP being right.
import DOMPurify from 'dompurify';
import { Marked, type Token } from 'marked';
import { PanelText } from '../core/common/messages/chat';
import { h } from './dom';
import { highlight } from './highlight';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'a',
  'b',
  'blockquote',
  'br',
  'code',
  'del',
  'div',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'kbd',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'span',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'align', 'start', 'colspan', 'rowspan'];
const SAFE_URL = /^(?:https?:|mailto:)/i;
const LANGUAGE_CLASS = /^language-[\w+#.-]{1,40}$/;

const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (node, data) => {
  // Classes only name a code block's language; anything else could borrow the workbench's styles.
  if (data.attrName === 'class' && !(node.nodeName === 'CODE' && LANGUAGE_CLASS.test(data.attrValue))) {
    data.keepAttr = false;
  }
});
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.nodeName === 'A') node.setAttribute('rel', 'noopener noreferrer');
});

// hljs escapes the code it is given; its output goes through a second, spans-only pass anyway.
const purifyCode = DOMPurify(window);

export function sanitize(html: string): DocumentFragment {
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_URL,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
  });
}

export function lex(src: string): Token[] {
  return marked.lexer(src);
}

/**
 * Sanitised DOM for a run of block tokens, with code blocks highlighted and given their buttons.
 * Each block is parsed and sanitised on its own, so an unclosed tag in one block (`<math><table>`)
 * cannot swallow the blocks after it, and an answer renders the same streamed or loaded whole.
 */
export function renderTokens(tokens: Token[], options: { highlightLimit?: number } = {}): DocumentFragment {
  const out = document.createDocumentFragment();
  for (const token of tokens) {
    if (token.type === 'space' || token.type === 'def') continue;
    const fragment = sanitize(marked.parser([token]));
    unwrapDeadLinks(fragment);
    decorateCodeBlocks(fragment, options.highlightLimit ?? 200_000);
    out.append(fragment);
  }
  return out;
}

/** A link whose unsafe target the sanitizer removed must not look clickable: keep its words only. */
function unwrapDeadLinks(root: DocumentFragment): void {
  for (const a of root.querySelectorAll('a:not([href])')) a.replaceWith(...a.childNodes);
}

export function renderMarkdown(src: string): DocumentFragment {
  return renderTokens(lex(src));
}

export function codeLanguage(code: Element): string {
  const cls = [...code.classList].find((c) => c.startsWith('language-'));
  return cls ? cls.slice('language-'.length) : '';
}

/** The text a Copy or Insert button hands over: the block's code without marked's final newline. */
export function codeText(code: Element): string {
  return (code.textContent ?? '').replace(/\n$/, '');
}

function decorateCodeBlocks(root: DocumentFragment, highlightLimit: number): void {
  for (const pre of root.querySelectorAll('pre')) {
    const code = pre.querySelector(':scope > code');
    if (!code) continue;
    const language = codeLanguage(code);
    const text = code.textContent ?? '';
    if (text.length <= highlightLimit) {
      const html = highlight(text, language);
      if (html !== undefined) {
        code.replaceChildren(
          purifyCode.sanitize(html, {
            ALLOWED_TAGS: ['span'],
            ALLOWED_ATTR: ['class'],
            RETURN_DOM_FRAGMENT: true,
          }),
        );
        code.classList.add('hljs');
      }
    }
    const header = h(
      'div',
      { class: 'code-header' },
      h('span', { class: 'code-lang', text: language || 'text' }),
      h('button', {
        class: 'code-action',
        text: PanelText.copy,
        attrs: {
          type: 'button',
          'data-action': 'copy',
          'aria-label': PanelText.copyBlock(language || 'code'),
        },
      }),
      h('button', {
        class: 'code-action',
        text: PanelText.insert,
        attrs: {
          type: 'button',
          'data-action': 'insert',
          'aria-label': PanelText.insertBlock(language || 'code'),
        },
      }),
    );
    const block = h('div', { class: 'code-block' });
    pre.replaceWith(block);
    block.append(header, pre);
  }
}

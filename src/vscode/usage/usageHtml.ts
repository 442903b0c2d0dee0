// The usage dashboard's HTML: the chat panel's CSP rules (nonce, no inline script or style,
// nothing remote). One style sheet, dist/usage.css: uPlot's and the panel's own (media/usage.css).
import { chatCsp, makeNonce } from '../chat/chatHtml';

export interface UsageHtmlOptions {
  cspSource: string;
  scriptUri: string;
  styleUris: string[];
  nonce?: string;
}

const attr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function usageHtml(o: UsageHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(chatCsp(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styleUris.map((u) => `<link rel="stylesheet" href="${attr(u)}">`).join('\n')}
<title>Pacer Usage</title>
</head>
<body>
<main id="root" aria-label="Pacer usage"></main>
<script nonce="${attr(nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}

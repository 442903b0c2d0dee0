// Chart colours from the VS Code theme (--vscode-charts-*), read again when the theme changes.
const NAMES = ['blue', 'purple', 'orange', 'red', 'green', 'yellow', 'foreground', 'lines'];
const FALLBACK = ['#3794ff', '#b180d7', '#d18616', '#f14c4c', '#89d185', '#cca700', '#cccccc', '#808080'];

export interface ChartTheme {
  colors: string[];
  foreground: string;
  grid: string;
}

export function readTheme(): ChartTheme {
  const css = getComputedStyle(document.body);
  const colors = NAMES.map((n, i) => css.getPropertyValue(`--vscode-charts-${n}`).trim() || FALLBACK[i]!);
  return {
    colors,
    foreground: css.getPropertyValue('--vscode-foreground').trim() || colors[6]!,
    grid: css.getPropertyValue('--vscode-charts-lines').trim() || '#80808040',
  };
}

/** Calls `onChange` when VS Code switches the theme (it changes the body's classes). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-kind'],
  });
}

/** A colour with an alpha, for fills (theme colours come as #rrggbb). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  return `#${m[1]}${Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0')}`;
}

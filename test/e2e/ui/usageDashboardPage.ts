// The usage dashboard as a UI test sees it: find its frame, wait for the charts to draw, read its
// tables, open it from the command palette and time that open (with where the time went).
import type { Frame } from 'playwright-core';
import type { PacerEditor } from './harness';

export type ClassCounts = Record<'chat' | 'completion' | 'probe', number>;

/** Where an open's time went, in ms after Enter (from the webview's performance marks). */
export interface OpenPhases {
  /** The dashboard's frame started loading. */
  frame: number;
  /** Its script started (after the bundle was fetched and parsed). */
  script: number;
  /** The host's view arrived. */
  view: number;
  /** The webview finished drawing it. */
  drawn: number;
  /** The frame after that draw was painted. */
  painted: number;
  /** Each resource the frame fetched: [start, end] after Enter. */
  fetched: Record<string, [number, number]>;
}

export interface OpenResult {
  frame: Frame;
  /** Enter to the frame after the draw painted, on the page's clock (no polling in it). */
  ms: number;
  /** Enter until this test saw four charts with pixels (its polling included). */
  observedMs: number;
  phases: OpenPhases | undefined;
}

export class DashboardPage {
  constructor(private readonly editor: PacerEditor) {}

  async frame(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const f of this.editor.page.frames()) {
        if (f.isDetached()) continue;
        if (await f.$('.usage-toolbar, .usage-empty').catch(() => null)) return f;
      }
      await this.editor.page.waitForTimeout(20);
    }
    throw new Error('the usage dashboard did not show');
  }

  /** `Pacer: Show Usage` (not timed): the panel in front, its frame. */
  async show(): Promise<Frame> {
    await this.editor.runCommand('Pacer: Show Usage');
    await this.editor.page
      .locator('.tabs-container .tab.active', { hasText: 'Pacer Usage' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    return this.frame();
  }

  /** Keys go to the workbench, not to the webview that had focus. */
  async focusWorkbench(): Promise<void> {
    await this.editor.page.locator('.tabs-container .tab', { hasText: 'Pacer Usage' }).first().click();
    await this.editor.page.waitForTimeout(200);
  }

  async close(): Promise<void> {
    await this.focusWorkbench();
    await this.editor.runCommand('View: Close Editor');
    await this.editor.page
      .locator('.tabs-container .tab', { hasText: 'Pacer Usage' })
      .waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** How many time charts have a canvas with drawn pixels. */
  chartsDrawn(frame: Frame): Promise<number> {
    // A string: this file is compiled without the DOM library.
    return frame.evaluate<number>(`(() => {
      let drawn = 0;
      for (const c of document.querySelectorAll('.usage-plot canvas')) {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0) continue;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 28) if (px[i] > 0) { drawn++; break; }
      }
      return drawn;
    })()`);
  }

  async waitForCharts(frame: Frame, count = 4, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.chartsDrawn(frame).catch(() => 0)) < count) {
      if (Date.now() > deadline) throw new Error('the charts did not draw');
      await this.editor.page.waitForTimeout(10);
    }
  }

  /** A table's header and body cells as shown, by its chart id. */
  table(frame: Frame, chart: string): Promise<string[][]> {
    return frame.evaluate<string[][]>(`(() => {
      const t = document.querySelector('table[data-chart="${chart}"]');
      if (!t) return [];
      return [...t.querySelectorAll('tr')].map((tr) =>
        [...tr.querySelectorAll('th,td')].map((c) => c.textContent ?? ''));
    })()`);
  }

  async totals(frame: Frame, label = 'DeepSeek'): Promise<ClassCounts> {
    const rows = (await this.table(frame, 'totals')).slice(1);
    const out: ClassCounts = { chat: 0, completion: 0, probe: 0 };
    for (const r of rows) if (r[0] === label) out[r[1] as keyof ClassCounts] += Number(r[2]);
    return out;
  }

  /** Types `Pacer: Show Usage` into the palette; Enter is left to the caller (the timed part). */
  private async typeShowUsage(): Promise<void> {
    const page = this.editor.page;
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('>Pacer: Show Usage');
    await page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'Pacer: Show Usage' })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
  }

  /**
   * `Pacer: Show Usage` from the palette when no panel is open, timed from Enter to the frame
   * after all four time charts were drawn, as the webview's own clock marks it (the test's
   * polling is not in the time; the charts' pixels are checked before the time counts).
   */
  async open(): Promise<OpenResult> {
    await this.typeShowUsage();
    const t0 = Date.now();
    await this.editor.page.keyboard.press('Enter');
    const frame = await this.frame();
    await this.waitForCharts(frame);
    const observedMs = Date.now() - t0;
    let phases = await phasesOf(frame, t0);
    for (let i = 0; i < 50 && phases && Number.isNaN(phases.painted); i++) {
      await this.editor.page.waitForTimeout(20);
      phases = await phasesOf(frame, t0);
    }
    const ms = phases && !Number.isNaN(phases.painted) ? phases.painted : observedMs;
    return { frame, ms, observedMs, phases };
  }

  /**
   * `Pacer: Show Usage` while the panel is open in a background tab: Enter until its tab is the
   * active one and its frame is shown with the charts it kept.
   */
  async reveal(): Promise<number> {
    const frame = await this.frame();
    const outer = await frame.parentFrame()?.frameElement();
    if (!outer) throw new Error("the dashboard's webview element is missing");
    await this.typeShowUsage();
    const page = this.editor.page;
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    try {
      await page
        .locator('.tabs-container .tab.active', { hasText: 'Pacer Usage' })
        .waitFor({ state: 'visible', timeout: 30_000 });
      await outer.waitForElementState('visible', { timeout: 30_000 });
    } catch (e) {
      await this.editor.screenshot('usage-reveal-failed');
      throw e;
    }
    const ms = Date.now() - t0;
    await this.waitForCharts(frame, 4, 5_000);
    return ms;
  }
}

/** The webview's marks (usage:script, usage:view, usage:drawn) as ms after `t0` (epoch ms). */
async function phasesOf(frame: Frame, t0: number): Promise<OpenPhases | undefined> {
  const p = await frame
    .evaluate<Record<string, number>>(
      `(() => {
        const out = { origin: performance.timeOrigin };
        for (const m of performance.getEntriesByType('mark')) if (!(m.name in out)) out[m.name] = m.startTime;
        for (const r of performance.getEntriesByType('resource')) {
          const name = r.name.split('?')[0].split('/').pop();
          out['fetch:' + name + ':start'] = r.startTime;
          out['fetch:' + name + ':end'] = r.responseEnd;
        }
        return out;
      })()`,
    )
    .catch(() => undefined);
  if (!p?.origin || p['usage:drawn'] === undefined) return undefined;
  const at = (name: string) => Math.round(p.origin! + (p[name] ?? NaN) - t0);
  return {
    frame: Math.round(p.origin - t0),
    script: at('usage:script'),
    view: at('usage:view'),
    drawn: at('usage:drawn'),
    painted: at('usage:painted'),
    fetched: Object.fromEntries(
      Object.keys(p)
        .filter((k) => k.startsWith('fetch:') && k.endsWith(':start'))
        .map((k) => {
          const name = k.slice('fetch:'.length, -':start'.length);
          return [name, [at(k), at(`fetch:${name}:end`)]];
        }),
    ),
  };
}

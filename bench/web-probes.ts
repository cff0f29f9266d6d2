// In-page probes of the dashboard benchmark (bench/web.ts), as source text: functions handed to
// page.evaluate would be serialised after tsx's transform, whose helpers do not exist in the page.
// Each probe records performance.now() figures (navigation start is 0) in window.__bench.

/** The element expressions the probes look for, on the dashboard and on the bare pages. */
export const FIND = {
  vigilRow: `document.querySelector('vigil-app')?.shadowRoot?.querySelector('vigil-fleet-overview')?.shadowRoot?.querySelector('host-table')?.shadowRoot?.querySelector('.body .row')`,
  vigilHostTable: `document.querySelector('vigil-app')?.shadowRoot?.querySelector('vigil-fleet-overview')?.shadowRoot?.querySelector('host-table')`,
  vigilViewport: `document.querySelector('vigil-app')?.shadowRoot?.querySelector('vigil-fleet-overview')?.shadowRoot?.querySelector('host-table')?.shadowRoot?.querySelector('.viewport')`,
  vigilHostPage: `document.querySelector('vigil-app')?.shadowRoot?.querySelector('vigil-host-page')`,
  bareRow: `document.querySelector('.row')`,
  bareViewport: `document.querySelector('.viewport')`,
  bareBody: `document.body`,
} as const;

/**
 * Init script: checks on every animation frame (just before that frame's paint) whether `find`
 * yields an element, and records the first such frame's time as window.__bench.shownAt.
 */
export function firstElementProbe(find: string): string {
  return `(() => {
    const bench = (window.__bench = {});
    const tick = () => {
      if (${find}) { bench.shownAt = performance.now(); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })();`;
}

/**
 * Init script for the charts: once `find` yields the element, watches its data-draw-ms attribute
 * (the host page sets it a macrotask after its last chart was created; the bare page likewise).
 * drawnAt is when it appeared; paintedAt is after the next rendering update (an animation frame,
 * then a task), i.e. the charts were laid out and painted. `charts` says what was drawn: per
 * chart, canvases with a size, series and points (the dashboard's <vigil-chart> elements, or
 * the bare page's uPlot roots).
 */
export function chartsDrawnProbe(find: string): string {
  return `(() => {
    const bench = (window.__bench = {});
    const inspect = (root) => {
      const vigilCharts = root.shadowRoot ? [...root.shadowRoot.querySelectorAll('vigil-chart')] : [];
      if (vigilCharts.length > 0) {
        return vigilCharts.map((c) => ({
          canvases: [...(c.shadowRoot?.querySelectorAll('canvas') ?? [])].filter((cv) => cv.width > 0 && cv.height > 0).length,
          series: c.spec?.series?.length ?? 0,
          points: c.pointCount ?? 0,
          width: Math.round(c.getBoundingClientRect().width),
        }));
      }
      return [...root.querySelectorAll('.uplot')].map((u) => ({
        canvases: [...u.querySelectorAll('canvas')].filter((cv) => cv.width > 0 && cv.height > 0).length,
        series: u.querySelectorAll('.u-series').length - 1,
        points: -1,
        width: Math.round(u.getBoundingClientRect().width),
      }));
    };
    const drawn = (el) => {
      if (bench.drawnAt !== undefined || el.dataset.drawMs === undefined) return;
      bench.drawnAt = performance.now();
      bench.selfReportedMs = Number(el.dataset.drawMs);
      requestAnimationFrame(() => setTimeout(() => {
        bench.paintedAt = performance.now();
        bench.charts = inspect(el);
      }, 0));
    };
    const watch = () => {
      const el = ${find};
      if (!el) { requestAnimationFrame(watch); return; }
      // Found only after it was drawn: the figure would be late, so the round is marked.
      if (el.dataset.drawMs !== undefined) bench.late = true;
      new MutationObserver(() => drawn(el)).observe(el, { attributes: true, attributeFilter: ['data-draw-ms'] });
      drawn(el);
    };
    requestAnimationFrame(watch);
  })();`;
}

/**
 * Scrolls the element `find` yields by `step` pixels on every animation frame for `durationMs`,
 * and returns the intervals between frames (rAF timestamps) and what the table showed at the end.
 */
export function scrollProbe(find: string, step: number, durationMs: number): string {
  return `(async () => {
    const viewport = ${find};
    if (!viewport) throw new Error('no scrollable table on the page');
    viewport.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const intervals = [];
    let last = null;
    let started = null;
    await new Promise((resolve) => {
      const frame = (t) => {
        if (last !== null) intervals.push(t - last);
        last = t;
        started ??= t;
        viewport.scrollTop += ${step};
        if (t - started < ${durationMs}) requestAnimationFrame(frame);
        else resolve();
      };
      requestAnimationFrame(frame);
    });
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const rows = [...viewport.querySelectorAll('.row')];
    return {
      intervals,
      scrollTop: viewport.scrollTop,
      scrollHeight: viewport.scrollHeight,
      rowsInDom: rows.length,
      firstIndexInDom: rows[0]?.dataset?.index === undefined ? null : Number(rows[0].dataset.index),
    };
  })()`;
}

// Canvas cannot use CSS custom properties, so charts read the theme's colours (web/src/app.css)
// when they are built, and are built again when the theme changes.
import type { ThemeColor } from './chart-specs.ts';

export interface ChartTheme {
  fg: string;
  muted: string;
  grid: string;
  colours: Record<ThemeColor, string>;
}

// Used only where a custom property is missing (a page without app.css).
const FALLBACK: Record<ThemeColor, string> = {
  cpu: '#e8590c',
  mem: '#1c7ed6',
  rx: '#2f9e44',
  tx: '#ae3ec9',
  warn: '#f08c00',
  crit: '#c92a2a',
  up: '#2b8a3e',
  accent: '#1c7ed6',
  down: '#c92a2a',
  unknown: '#868e96',
};

export function readChartTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string): string => style.getPropertyValue(`--vigil-${name}`).trim() || fallback;
  const colours = {} as Record<ThemeColor, string>;
  for (const [name, fallback] of Object.entries(FALLBACK) as [ThemeColor, string][]) colours[name] = read(name, fallback);
  return { fg: read('fg', '#1d2329'), muted: read('muted', '#5c6670'), grid: read('grid', 'rgba(128,128,128,0.2)'), colours };
}

/** The colour at the given opacity, for fills under lines; colours it cannot parse come back as they are. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour.trim());
  if (hex) {
    const digits = hex[1] ?? '';
    const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(colour.trim());
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return colour;
}

/** Calls `onChange` whenever the page's colours may have changed: the OS scheme or <html data-theme>. */
export function watchTheme(onChange: () => void): () => void {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', onChange);
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
  return () => {
    query.removeEventListener('change', onChange);
    observer.disconnect();
  };
}

// One row of the host table as plain DOM, built once and filled again in place for whichever host
// it shows while the table scrolls: no template is evaluated per frame, a field is written only
// when its text differs, and a row whose host, place, sparkline and clock did not change is not
// touched at all. Everything from the host goes in as text or attribute values, never as markup.
import type { HostOverview } from './api-client.ts';
import { hostHref } from './app-route.ts';
import { formatAge, formatBytesPerSec, formatPercent } from './format.ts';
import { displayStatus, statusNote } from './host-rows.ts';
import { sparklineMean, sparklinePath } from './sparkline.ts';

export const ROW_HEIGHT = 36;
export const SPARK = { width: 96, height: 22, max: 100 };
const SVG_NS = 'http://www.w3.org/2000/svg';

type Spark = readonly (number | null)[] | undefined;

// Each host's sparkline path is computed once per sparklines answer (the arrays are replaced, not
// changed, when a new answer comes), however often its row scrolls past.
const sparkPaths = new WeakMap<readonly (number | null)[], string>();

function sparkPath(values: Spark): string {
  if (values === undefined) return '';
  let path = sparkPaths.get(values);
  if (path === undefined) {
    path = sparklinePath(values, SPARK);
    sparkPaths.set(values, path);
  }
  return path;
}

let prototype: HTMLDivElement | null = null;

/** The empty row every row is cloned from (cloning beats building element by element). */
function rowPrototype(): HTMLDivElement {
  if (prototype !== null) return prototype;
  const element = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] => {
    const made = document.createElement(tag);
    made.className = className;
    return made;
  };
  const row = element('div', 'row');
  row.setAttribute('role', 'row');
  const cell = (className: string): HTMLDivElement => {
    const made = element('div', `cell ${className}`);
    made.setAttribute('role', 'cell');
    row.append(made);
    return made;
  };
  cell('c-status').append(element('span', 'status'));
  cell('c-name').append(element('a', 'name'));
  for (const className of ['c-groups groups', 'c-cpu numeric', 'c-mem numeric', 'c-disk numeric', 'c-net numeric net']) cell(className);
  const svg = document.createElementNS(SVG_NS, 'svg');
  for (const [name, value] of [
    ['class', 'sparkline'],
    ['viewBox', `0 0 ${SPARK.width} ${SPARK.height}`],
    ['width', String(SPARK.width)],
    ['height', String(SPARK.height)],
    ['aria-hidden', 'true'],
    ['focusable', 'false'],
  ]) {
    svg.setAttribute(name as string, value as string);
  }
  const path = document.createElementNS(SVG_NS, 'path');
  for (const [name, value] of [
    ['fill', 'none'],
    ['stroke', 'currentColor'],
    ['stroke-width', '1.25'],
    ['stroke-linejoin', 'round'],
    ['stroke-linecap', 'round'],
  ]) {
    path.setAttribute(name as string, value as string);
  }
  svg.append(path);
  cell('c-trend').append(svg);
  prototype = row;
  return row;
}

function child(parent: Element, index: number): HTMLElement {
  const found = parent.children[index];
  if (!(found instanceof HTMLElement)) throw new Error(`host row: no element at ${index}`);
  return found;
}

function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

function setAttribute(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function setClass(element: HTMLElement, className: string): void {
  if (element.className !== className) element.className = className;
}

function heat(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value >= 90 ? ' hot' : value >= 80 ? ' warm' : '';
}

export class HostRow {
  readonly element: HTMLDivElement;
  private readonly status: HTMLElement;
  private readonly name: HTMLElement;
  private readonly groups: HTMLElement;
  private readonly cpu: HTMLElement;
  private readonly mem: HTMLElement;
  private readonly disk: HTMLElement;
  private readonly net: HTMLElement;
  private readonly trend: HTMLElement;
  private readonly line: SVGPathElement;
  private host: HostOverview | null = null;
  private index = -1;
  private spark: Spark = undefined;
  private now = Number.NaN;

  constructor() {
    const row = rowPrototype().cloneNode(true) as HTMLDivElement;
    this.element = row;
    this.status = child(child(row, 0), 0);
    this.name = child(child(row, 1), 0);
    this.groups = child(row, 2);
    this.cpu = child(row, 3);
    this.mem = child(row, 4);
    this.disk = child(row, 5);
    this.net = child(row, 6);
    this.trend = child(row, 7);
    const line = this.trend.querySelector('path');
    if (line === null) throw new Error('host row: no sparkline path');
    this.line = line;
  }

  /** Row `index` (0-based) of the table, showing `host`; does nothing when nothing it shows changed. */
  show(host: HostOverview, index: number, spark: Spark, now: number): void {
    if (index !== this.index) {
      this.index = index;
      this.element.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      this.element.setAttribute('aria-rowindex', String(index + 2));
      this.element.dataset['index'] = String(index);
    }
    const hostChanged = host !== this.host;
    if (hostChanged || now !== this.now) {
      this.fill(host, now);
      this.host = host;
      this.now = now;
    }
    if (hostChanged || spark !== this.spark) {
      this.spark = spark;
      const mean = sparklineMean(spark);
      setAttribute(this.trend, 'aria-label', mean === null ? 'no CPU figures in the last hour' : `CPU over the last hour: ${formatPercent(mean)} on average`);
      setAttribute(this.line, 'd', sparkPath(spark));
    }
  }

  private fill(host: HostOverview, now: number): void {
    const latest = host.latest;
    const status = displayStatus(host);
    setClass(this.element, host.removed ? 'row removed' : 'row');
    setClass(this.status, `status ${status}`);
    setAttribute(this.status, 'title', statusNote(host));
    setText(this.status, status);
    const lastSample = latest ? `last sample ${formatAge(latest.ts, now)}` : 'no sample yet';
    setAttribute(this.name, 'href', hostHref(host.name));
    setAttribute(this.name, 'title', `${host.name} (${host.address}), ${lastSample}`);
    // A vCenter's hypervisor or VM, a KVM host's guest (host.parent): its own name, after its
    // parent's as a muted prefix (host-table.ts's a.name.child::before), so that it reads as under
    // its parent; a vCenter's VM one step further in, under the hypervisor it runs on (sortHosts).
    const child = host.parent !== undefined && host.name.startsWith(`${host.parent}/`);
    const nested = child && host.runsOn !== undefined && host.runsOn !== host.parent;
    setClass(this.name, nested ? 'name child nested' : child ? 'name child' : 'name');
    setAttribute(this.name, 'data-parent', child ? `${host.parent ?? ''} /` : null);
    setText(this.name, child ? host.name.slice((host.parent ?? '').length + 1) : host.name);
    const groups = host.groups.join(', ');
    setAttribute(this.groups, 'title', groups);
    setText(this.groups, groups);
    setClass(this.cpu, `cell c-cpu numeric${heat(latest?.cpuBusyPct)}`);
    setText(this.cpu, formatPercent(latest?.cpuBusyPct));
    setClass(this.mem, `cell c-mem numeric${heat(latest?.memUsedPct)}`);
    setText(this.mem, formatPercent(latest?.memUsedPct));
    setClass(this.disk, `cell c-disk numeric${heat(latest?.diskUsedPctMax)}`);
    setText(this.disk, formatPercent(latest?.diskUsedPctMax));
    setText(this.net, latest ? `↓ ${formatBytesPerSec(latest.netRxBytesPerSec)} ↑ ${formatBytesPerSec(latest.netTxBytesPerSec)}` : '—');
  }
}

// A small XML reader for the vim25 SOAP responses Vigil reads. Node has no DOMParser, and the
// responses use a narrow slice of XML: elements, attributes, text, the five named entities and
// numeric references, an XML declaration, maybe comments or CDATA. Names keep their prefix out:
// vim25 is one namespace, and servers spell the xsi prefix differently (govmomi's simulator
// writes `XMLSchema-instance:type`, vCenter `xsi:type`), so elements and attributes are looked
// up by local name. The one prefix that matters is the XML Schema instance one: vim25 types a
// value with xsi:type next to a plain `type` attribute (`<val xsi:type="ManagedObjectReference"
// type="HostSystem">`), so attributes in that namespace are kept as `xsi:NAME` whatever their
// prefix. Malformed input throws XmlError rather than yielding a partial tree.

export interface XmlElement {
  /** Local name, without any namespace prefix. */
  name: string;
  /** Attributes by local name, `xsi:NAME` for the XML Schema instance namespace; no `xmlns` declarations. */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data, concatenated (text between its children included). */
  text: string;
}

export class XmlError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlError';
    this.offset = offset;
  }
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The document element of `xml`. */
export function readXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  // The prefixes bound to the XSI namespace at each open element, innermost last.
  const scopes: ReadonlySet<string>[] = [new Set(['xsi'])];
  let root: XmlElement | null = null;
  let at = 0;
  const length = xml.length;
  if (xml.charCodeAt(0) === 0xfeff) at = 1;

  while (at < length) {
    const lt = xml.indexOf('<', at);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > at) {
      const raw = xml.slice(at, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw, at);
      else if (raw.trim() !== '') throw new XmlError('text outside the document element', at);
    }
    if (lt === -1) break;
    at = lt;

    if (xml.startsWith('<?', at)) {
      at = skipPast(xml, '?>', at, 'processing instruction');
    } else if (xml.startsWith('<!--', at)) {
      at = skipPast(xml, '-->', at, 'comment');
    } else if (xml.startsWith('<![CDATA[', at)) {
      const end = xml.indexOf(']]>', at);
      if (end === -1) throw new XmlError('unterminated CDATA section', at);
      const top = stack[stack.length - 1];
      if (!top) throw new XmlError('CDATA outside the document element', at);
      top.text += xml.slice(at + 9, end);
      at = end + 3;
    } else if (xml.startsWith('<!', at)) {
      // A DOCTYPE: SOAP forbids one, and skipping it keeps entity expansion out of the picture.
      if (root !== null || stack.length > 0) throw new XmlError('declaration inside the document', at);
      at = skipPast(xml, '>', at, 'declaration');
    } else if (xml.startsWith('</', at)) {
      const end = xml.indexOf('>', at);
      if (end === -1) throw new XmlError('unterminated end tag', at);
      const name = localName(xml.slice(at + 2, end).trim());
      const open = stack.pop();
      scopes.pop();
      if (!open) throw new XmlError(`end tag </${name}> without a start tag`, at);
      if (open.name !== name) throw new XmlError(`end tag </${name}> does not close <${open.name}>`, at);
      at = end + 1;
    } else {
      if (root !== null && stack.length === 0) throw new XmlError('a second document element', at);
      const tag = readStartTag(xml, at, scopes[scopes.length - 1] as ReadonlySet<string>);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(tag.element);
      else root = tag.element;
      if (!tag.selfClosing) {
        stack.push(tag.element);
        scopes.push(tag.xsiPrefixes);
      }
      at = tag.end;
    }
  }

  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new XmlError(`<${unclosed.name}> is never closed`, length);
  if (root === null) throw new XmlError('no document element', length);
  return root;
}

/** The first child element called `name`, or undefined. */
export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Every child element called `name`, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The text of the first child called `name`, or undefined when there is none. */
export function childText(element: XmlElement, name: string): string | undefined {
  return childNamed(element, name)?.text;
}

interface StartTag {
  element: XmlElement;
  selfClosing: boolean;
  end: number;
  xsiPrefixes: ReadonlySet<string>;
}

const NAME_END = /[\s/>]/;

function readStartTag(xml: string, start: number, inheritedXsiPrefixes: ReadonlySet<string>): StartTag {
  let at = start + 1;
  const nameStart = at;
  while (at < xml.length && !NAME_END.test(xml[at] as string)) at++;
  const qualifiedName = xml.slice(nameStart, at);
  if (qualifiedName === '') throw new XmlError('start tag without a name', start);
  const element: XmlElement = { name: localName(qualifiedName), attributes: {}, children: [], text: '' };
  const attributes: [string, string][] = [];
  let xsiPrefixes = inheritedXsiPrefixes;

  for (;;) {
    while (at < xml.length && /\s/.test(xml[at] as string)) at++;
    if (at >= xml.length) throw new XmlError(`unterminated start tag <${qualifiedName}>`, start);
    const selfClosing = xml.startsWith('/>', at);
    if (xml[at] === '>' || selfClosing) {
      // Declarations apply to the element's own attributes wherever they stand in the tag.
      for (const [name, value] of attributes) {
        const colon = name.indexOf(':');
        const key = colon !== -1 && xsiPrefixes.has(name.slice(0, colon)) ? `xsi:${localName(name)}` : localName(name);
        element.attributes[key] = value;
      }
      return { element, selfClosing, end: at + (selfClosing ? 2 : 1), xsiPrefixes };
    }

    const eq = xml.indexOf('=', at);
    if (eq === -1) throw new XmlError(`attribute without a value in <${qualifiedName}>`, at);
    const attributeName = xml.slice(at, eq).trim();
    if (attributeName === '' || /[\s<>/]/.test(attributeName)) throw new XmlError(`malformed attribute in <${qualifiedName}>`, at);
    at = eq + 1;
    while (at < xml.length && /\s/.test(xml[at] as string)) at++;
    const quote = xml[at];
    if (quote !== '"' && quote !== "'") throw new XmlError(`unquoted value of ${attributeName} in <${qualifiedName}>`, at);
    const close = xml.indexOf(quote, at + 1);
    if (close === -1) throw new XmlError(`unterminated value of ${attributeName}`, at);
    const value = decodeEntities(xml.slice(at + 1, close), at + 1);
    at = close + 1;
    if (attributeName.startsWith('xmlns:')) {
      const prefix = attributeName.slice(6);
      const bound = value === XSI_NAMESPACE;
      if (bound !== xsiPrefixes.has(prefix)) {
        const next = new Set(xsiPrefixes);
        if (bound) next.add(prefix);
        else next.delete(prefix);
        xsiPrefixes = next;
      }
    } else if (attributeName !== 'xmlns') {
      attributes.push([attributeName, value]);
    }
  }
}

function localName(qualified: string): string {
  const colon = qualified.lastIndexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

function skipPast(xml: string, terminator: string, start: number, what: string): number {
  const end = xml.indexOf(terminator, start);
  if (end === -1) throw new XmlError(`unterminated ${what}`, start);
  return end + terminator.length;
}

function decodeEntities(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string, index: number) => {
    if (!match.endsWith(';')) throw new XmlError('bare & in text', offset + index);
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(body) ? parseInt(body.slice(2), 16) : /^#[0-9]{1,7}$/.test(body) ? parseInt(body.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) throw new XmlError(`unknown entity &${body};`, offset + index);
    return String.fromCodePoint(code);
  });
}

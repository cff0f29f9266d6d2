// Building vim25 SOAP requests: an envelope around one method call, with every value escaped.
// Pure string building: the few methods Vigil calls are short enough to write out by hand.

/** A managed object reference: its type and its server-side id ("HostSystem", "host-21"). */
export interface MoRef {
  type: string;
  value: string;
}

/** The whole request document for one call of `method` with `params` (already XML) on `self`. */
export function soapRequest(method: string, self: MoRef, params = ''): string {
  return '<?xml version="1.0" encoding="UTF-8"?>'
    + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    + `<soapenv:Body><${method} xmlns="urn:vim25">${moRefElement('_this', self)}${params}</${method}></soapenv:Body>`
    + '</soapenv:Envelope>';
}

/** `<tag type="T">value</tag>`: how vim25 passes a managed object reference. */
export function moRefElement(tag: string, ref: MoRef): string {
  return `<${tag} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${tag}>`;
}

/** `<tag>text</tag>` with the text escaped. */
export function textElement(tag: string, text: string | number | boolean): string {
  return `<${tag}>${escapeXml(String(text))}</${tag}>`;
}

/** Text safe inside an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ESCAPES[c] as string);
}

const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

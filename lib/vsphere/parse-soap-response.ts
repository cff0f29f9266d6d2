// The outer layer of a vim25 SOAP response: either the method's response element or a fault.
// vSphere answers a fault with HTTP 500 and the fault's type as the xsi:type of the one element
// inside <detail> (InvalidLogin, NotAuthenticated, …), which is what callers decide on.
import { childNamed, readXml, XmlError } from './xml-reader.ts';
import type { XmlElement } from './xml-reader.ts';

export interface SoapFault {
  /** faultcode, e.g. "ServerFaultCode". */
  code: string;
  /** faultstring; may be empty. */
  message: string;
  /** The vim25 fault type ("InvalidLogin"), or null for a fault without typed detail. */
  type: string | null;
}

export type SoapResponse =
  | { kind: 'response'; element: XmlElement }
  | { kind: 'fault'; fault: SoapFault };

/** The answer is not a SOAP envelope Vigil can read: not XML, or XML of another shape. */
export class SoapProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SoapProtocolError';
  }
}

export function parseSoapResponse(xml: string): SoapResponse {
  let envelope: XmlElement;
  try {
    envelope = readXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw new SoapProtocolError(`response is not XML: ${error.message}`);
    throw error;
  }
  if (envelope.name !== 'Envelope') throw new SoapProtocolError(`response is <${envelope.name}>, not a SOAP envelope`);
  const body = childNamed(envelope, 'Body');
  if (!body) throw new SoapProtocolError('SOAP envelope without a Body');
  const first = body.children[0];
  if (!first) throw new SoapProtocolError('empty SOAP Body');
  if (first.name === 'Fault') return { kind: 'fault', fault: readFault(first) };
  return { kind: 'response', element: first };
}

function readFault(fault: XmlElement): SoapFault {
  const detail = childNamed(fault, 'detail');
  const typed = detail?.children[0];
  let type: string | null = null;
  if (typed) {
    const declared = typed.attributes['xsi:type'];
    // vCenter names the detail element <InvalidLoginFault> and types it InvalidLogin.
    type = declared !== undefined ? stripPrefix(declared) : typed.name.replace(/Fault$/, '');
  }
  return {
    code: stripPrefix(childNamed(fault, 'faultcode')?.text.trim() ?? ''),
    message: childNamed(fault, 'faultstring')?.text.trim() ?? '',
    type,
  };
}

function stripPrefix(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

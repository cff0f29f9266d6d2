// RetrieveServiceContent's answer: the managed objects every later call is addressed to, and
// what the server says it is. Their ids differ between vCenter and ESXi ("propertyCollector"
// vs "ha-property-collector"), so they are read, never assumed.
import type { MoRef } from './soap-request.ts';
import { SoapProtocolError } from './parse-soap-response.ts';
import { childNamed, childText } from './xml-reader.ts';
import type { XmlElement } from './xml-reader.ts';

export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  viewManager: MoRef;
  sessionManager: MoRef;
  about: {
    /** "VMware vCenter Server 6.5.0 build-5973321". */
    fullName: string;
    /** "VirtualCenter" for vCenter, "HostAgent" for a standalone ESXi. */
    apiType: string;
    apiVersion: string;
  };
}

/** `response` is the <RetrieveServiceContentResponse> element. */
export function parseServiceContent(response: XmlElement): ServiceContent {
  if (response.name !== 'RetrieveServiceContentResponse') {
    throw new SoapProtocolError(`expected RetrieveServiceContentResponse, got ${response.name}`);
  }
  const content = childNamed(response, 'returnval');
  if (!content) throw new SoapProtocolError('RetrieveServiceContentResponse without returnval');
  const about = childNamed(content, 'about');
  return {
    rootFolder: readMoRef(content, 'rootFolder'),
    propertyCollector: readMoRef(content, 'propertyCollector'),
    // A standalone ESXi older than 4.0 has no ViewManager; Vigil needs one, so it is required.
    viewManager: readMoRef(content, 'viewManager'),
    sessionManager: readMoRef(content, 'sessionManager'),
    about: {
      fullName: about ? (childText(about, 'fullName') ?? '') : '',
      apiType: about ? (childText(about, 'apiType') ?? '') : '',
      apiVersion: about ? (childText(about, 'apiVersion') ?? '') : '',
    },
  };
}

/** The managed object reference in child `name` of `parent`; throws when it is missing or malformed. */
export function readMoRef(parent: XmlElement, name: string): MoRef {
  const element = childNamed(parent, name);
  if (!element) throw new SoapProtocolError(`${parent.name} has no ${name}`);
  return moRefOf(element);
}

/** The managed object reference an element carries (`<x type="HostSystem">host-21</x>`). */
export function moRefOf(element: XmlElement): MoRef {
  const type = element.attributes['type'];
  const value = element.text.trim();
  if (type === undefined || type === '' || value === '') throw new SoapProtocolError(`${element.name} is not a managed object reference`);
  return { type, value };
}

// The answer of RetrievePropertiesEx and ContinueRetrievePropertiesEx: a page of objects with
// the properties asked for, and a token when more pages follow. vSphere leaves out a property
// that has no value (a VM without VMware Tools has no guest.ipAddress) and lists one it could
// not read in missingSet, so every property is optional here and the readers below say null.
import { moRefOf } from './parse-service-content.ts';
import { SoapProtocolError } from './parse-soap-response.ts';
import type { MoRef } from './soap-request.ts';
import { childNamed, childrenNamed, childText } from './xml-reader.ts';
import type { XmlElement } from './xml-reader.ts';

export interface ObjectContent {
  obj: MoRef;
  /** The <val> element of each property returned, by property path ("runtime.powerState"). */
  properties: Map<string, XmlElement>;
  /** Paths the server could not read, with the fault type it gave ("NoPermission"). */
  missing: { path: string; fault: string | null }[];
}

export interface RetrieveResult {
  objects: ObjectContent[];
  /** Pass to ContinueRetrievePropertiesEx for the next page; null on the last page. */
  token: string | null;
}

const RESPONSES = new Set(['RetrievePropertiesExResponse', 'ContinueRetrievePropertiesExResponse']);

/** `response` is the <RetrievePropertiesExResponse> or <ContinueRetrievePropertiesExResponse> element. */
export function parseRetrieveResult(response: XmlElement): RetrieveResult {
  if (!RESPONSES.has(response.name)) throw new SoapProtocolError(`expected RetrievePropertiesExResponse, got ${response.name}`);
  const result = childNamed(response, 'returnval');
  // An empty result set comes back as a response without returnval.
  if (!result) return { objects: [], token: null };
  const token = childText(result, 'token')?.trim() || null;
  return { objects: childrenNamed(result, 'objects').map(readObjectContent), token };
}

function readObjectContent(objects: XmlElement): ObjectContent {
  const objElement = childNamed(objects, 'obj');
  if (!objElement) throw new SoapProtocolError('ObjectContent without obj');
  const properties = new Map<string, XmlElement>();
  for (const dynamicProperty of childrenNamed(objects, 'propSet')) {
    const name = childText(dynamicProperty, 'name')?.trim();
    const val = childNamed(dynamicProperty, 'val');
    if (!name || !val) throw new SoapProtocolError('DynamicProperty without name or val');
    properties.set(name, val);
  }
  const missing = childrenNamed(objects, 'missingSet').map((missingProperty) => {
    const inner = childNamed(missingProperty, 'fault');
    const fault = inner ? childNamed(inner, 'fault') : undefined;
    const type = fault?.attributes['xsi:type'];
    return { path: childText(missingProperty, 'path')?.trim() ?? '', fault: type === undefined ? null : stripPrefix(type) };
  });
  return { obj: moRefOf(objElement), properties, missing };
}

/** The property's text, or null when the server returned none. */
export function propertyString(object: ObjectContent, path: string): string | null {
  const val = object.properties.get(path);
  return val === undefined ? null : val.text;
}

/** The property as a number (xsd:int, short, long), or null when absent; throws when it is not one. */
export function propertyNumber(object: ObjectContent, path: string): number | null {
  const val = object.properties.get(path);
  if (val === undefined) return null;
  return toNumber(val.text, `${path} of ${object.obj.value}`);
}

/** The property as a managed object reference (runtime.host), or null when absent. */
export function propertyMoRef(object: ObjectContent, path: string): MoRef | null {
  const val = object.properties.get(path);
  return val === undefined ? null : moRefOf(val);
}

export interface GuestDisk {
  /** Mount point or drive as the guest names it ("/", "C:\\"). */
  path: string;
  /** Null (as freeBytes) when VMware Tools did not report it. */
  capacityBytes: number | null;
  freeBytes: number | null;
}

/** guest.disk: one entry per guest filesystem VMware Tools reports; empty when there is none. */
export function propertyGuestDisks(object: ObjectContent, path: string): GuestDisk[] {
  const val = object.properties.get(path);
  if (val === undefined) return [];
  return childrenNamed(val, 'GuestDiskInfo').map((disk) => {
    const where = `${path} of ${object.obj.value}`;
    const capacity = childText(disk, 'capacity');
    const free = childText(disk, 'freeSpace');
    return {
      path: childText(disk, 'diskPath')?.trim() ?? '',
      capacityBytes: capacity === undefined ? null : toNumber(capacity, where),
      freeBytes: free === undefined ? null : toNumber(free, where),
    };
  });
}

function toNumber(text: string, where: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) throw new SoapProtocolError(`${where} is not a number: ${JSON.stringify(trimmed.slice(0, 40))}`);
  return Number(trimmed);
}

function stripPrefix(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

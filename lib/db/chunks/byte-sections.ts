// A list of byte strings as one: a count, each length, then the bytes, all lengths as 32-bit
// big-endian. The building block of a chunk's payload (a section per column, and per part of a column).

export function packSections(sections: readonly Uint8Array[]): Uint8Array {
  const header = 4 + 4 * sections.length;
  const out = new Uint8Array(header + sections.reduce((sum, section) => sum + section.length, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, sections.length);
  let offset = header;
  sections.forEach((section, i) => {
    view.setUint32(4 + 4 * i, section.length);
    out.set(section, offset);
    offset += section.length;
  });
  return out;
}

/** The sections, as views into `bytes` (no copy). */
export function unpackSections(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new Error('sections: shorter than their count');
  const count = view.getUint32(0);
  const header = 4 + 4 * count;
  if (bytes.length < header) throw new Error(`sections: ${count} sections but only ${bytes.length} bytes`);
  const sections: Uint8Array[] = [];
  let offset = header;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(4 + 4 * i);
    if (offset + length > bytes.length) throw new Error(`sections: section ${i} runs past the end`);
    sections.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return sections;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function jsonSection(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function parseJsonSection(bytes: Uint8Array | undefined, what: string): unknown {
  if (bytes === undefined) throw new Error(`${what}: section missing`);
  return JSON.parse(decoder.decode(bytes)) as unknown;
}

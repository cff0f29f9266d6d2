// One column of numbers (SQL NULL allowed) as bytes that a general-purpose compressor squeezes well.
// A poll's figures are either decimals with a few digits (rates to 0.1, percentages to 0.01, byte
// counts) or full doubles (averages, ratios). The first kind is stored as integers scaled by 10^k,
// as the differences between neighbours (or their distance from the column's minimum, whichever is
// narrower); the second as the XOR of each double's bits with its predecessor's, which zeroes the
// sign, exponent and leading mantissa bits that neighbouring figures share. Either way each value
// is split over byte planes (all first bytes, then all second bytes…), so that the bytes that barely
// change sit together. Lossless: decoding returns the same doubles, bit for bit (-0, NaN and
// ±Infinity included).

const MODE_SCALED_DELTA = 1;
const MODE_SCALED_OFFSET = 2;
const MODE_FLOAT_XOR = 3;
/** Up to 10^6: finer decimals are full doubles in practice. */
const MAX_SCALE = 6;
// Integers stay exact as doubles below 2^53: a word (an offset, or a zigzagged difference, which is
// twice as large) must stay below that too.
const WORD_LIMIT = 2 ** 53;
const TWO_32 = 2 ** 32;
const HEADER_BYTES = 4;

export function encodeNumberColumn(values: readonly (number | null)[]): Uint8Array {
  const present: number[] = [];
  for (const value of values) if (value !== null) present.push(value);
  const hasNulls = present.length < values.length;
  const presence = hasNulls ? Uint8Array.from(values, (value) => (value === null ? 0 : 1)) : new Uint8Array(0);
  const scale = scaleOf(present);
  const scaled = scale === null ? [] : present.map((value) => Math.round(value * 10 ** scale));
  const deltas = zigzagDeltas(scaled);
  const offsets = minOffsets(scaled);
  const deltaFits = deltas.every((word) => word < WORD_LIMIT);
  const offsetFits = offsets.every((word) => word < WORD_LIMIT);
  let mode: number;
  let width: number;
  let planes: Uint8Array;
  if (scale === null || (!deltaFits && !offsetFits)) {
    mode = MODE_FLOAT_XOR;
    width = 8;
    planes = floatPlanes(present);
  } else {
    const useDelta = deltaFits && (!offsetFits || bitCost(deltas) <= bitCost(offsets));
    const words = useDelta ? deltas : offsets;
    mode = useDelta ? MODE_SCALED_DELTA : MODE_SCALED_OFFSET;
    width = byteWidth(words);
    // The base: the first value (differences start from it) or the smallest (offsets count from it).
    planes = withPrefix(numberBytes(useDelta ? (scaled[0] ?? 0) : smallest(scaled)), integerPlanes(words, width));
  }
  const out = new Uint8Array(HEADER_BYTES + presence.length + planes.length);
  out[0] = mode;
  out[1] = mode === MODE_FLOAT_XOR ? 0 : (scale ?? 0);
  out[2] = width;
  out[3] = hasNulls ? 1 : 0;
  out.set(presence, HEADER_BYTES);
  out.set(planes, HEADER_BYTES + presence.length);
  return out;
}

/** `count` is the number of values encoded, nulls included (the column's row count). */
export function decodeNumberColumn(bytes: Uint8Array, count: number): (number | null)[] {
  if (bytes.length < HEADER_BYTES) throw new Error(`number column: ${bytes.length} bytes, shorter than its header`);
  const [mode = 0, scale = 0, width = 0, hasNulls = 0] = bytes;
  let offset = HEADER_BYTES;
  const presence = hasNulls === 1 ? bytes.subarray(offset, (offset += count)) : null;
  let presentCount = count;
  if (presence !== null) presentCount = presence.reduce((sum, flag) => sum + flag, 0);
  let present: number[];
  if (mode === MODE_FLOAT_XOR) {
    present = fromFloatPlanes(bytes.subarray(offset), presentCount);
  } else if (mode === MODE_SCALED_DELTA || mode === MODE_SCALED_OFFSET) {
    const base = readNumber(bytes, offset);
    offset += 8;
    const words = fromIntegerPlanes(bytes.subarray(offset), presentCount, width);
    const factor = 10 ** scale;
    let running = base;
    // Division, as the encoder checked: 751 / 10 is 75.1 exactly, 751 * 0.1 is not.
    present = words.map((word) => {
      running = mode === MODE_SCALED_DELTA ? running + unzigzag(word) : base + word;
      return running / factor;
    });
  } else {
    throw new Error(`number column: unknown encoding ${mode}`);
  }
  if (presence === null) return present;
  let next = 0;
  return Array.from(presence, (flag) => (flag === 1 ? (present[next++] ?? null) : null));
}

/** The smallest k for which every value is an integer / 10^k exactly, or null (full doubles). */
function scaleOf(values: readonly number[]): number | null {
  for (let scale = 0; scale <= MAX_SCALE; scale++) {
    const factor = 10 ** scale;
    const exact = values.every((value) => {
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      const scaled = Math.round(value * factor);
      return Number.isSafeInteger(scaled) && scaled / factor === value;
    });
    if (exact) return scale;
  }
  return null;
}

/** Each value's difference from the one before (the first's from itself: 0), zigzagged to be non-negative. */
function zigzagDeltas(scaled: readonly number[]): number[] {
  let previous = scaled[0] ?? 0;
  return scaled.map((value) => {
    const delta = value - previous;
    previous = value;
    return delta >= 0 ? delta * 2 : -delta * 2 - 1;
  });
}

function unzigzag(word: number): number {
  return word % 2 === 0 ? word / 2 : -(word + 1) / 2;
}

function minOffsets(scaled: readonly number[]): number[] {
  const min = smallest(scaled);
  return scaled.map((value) => value - min);
}

function smallest(values: readonly number[]): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min === Infinity ? 0 : min;
}

/** Roughly the compressed size: the bits each word needs. */
function bitCost(words: readonly number[]): number {
  let bits = 0;
  for (const word of words) bits += word === 0 ? 0 : Math.floor(Math.log2(word)) + 1;
  return bits;
}

function byteWidth(words: readonly number[]): number {
  let max = 0;
  for (const word of words) if (word > max) max = word;
  let width = 0;
  while (max >= 1) {
    max = Math.floor(max / 256);
    width++;
  }
  return width;
}

/** Plane j holds byte j (least significant first) of every word. */
function integerPlanes(words: readonly number[], width: number): Uint8Array {
  const n = words.length;
  const planes = new Uint8Array(n * width);
  words.forEach((word, i) => {
    const low = word % TWO_32;
    const high = (word - low) / TWO_32;
    for (let j = 0; j < width; j++) planes[j * n + i] = j < 4 ? (low >>> (8 * j)) & 0xff : (high >>> (8 * (j - 4))) & 0xff;
  });
  return planes;
}

function fromIntegerPlanes(planes: Uint8Array, n: number, width: number): number[] {
  if (planes.length < n * width) throw new Error(`number column: ${planes.length} bytes of planes for ${n} values of ${width} bytes`);
  const words = new Array<number>(n).fill(0);
  for (let j = 0; j < width; j++) {
    const weight = BYTE_WEIGHTS[j] ?? 0;
    const plane = j * n;
    for (let i = 0; i < n; i++) words[i] = (words[i] ?? 0) + (planes[plane + i] ?? 0) * weight;
  }
  return words;
}

/** 256^j: sums of bytes times these stay exact below 2^53. */
const BYTE_WEIGHTS = Array.from({ length: 8 }, (_, j) => 256 ** j);

const floatView = new DataView(new ArrayBuffer(8));

/** Plane 0 holds the most significant byte (sign and exponent) of every XORed double. */
function floatPlanes(values: readonly number[]): Uint8Array {
  const n = values.length;
  const planes = new Uint8Array(n * 8);
  let previousHigh = 0;
  let previousLow = 0;
  values.forEach((value, i) => {
    floatView.setFloat64(0, value);
    const high = floatView.getUint32(0);
    const low = floatView.getUint32(4);
    const xorHigh = (high ^ previousHigh) >>> 0;
    const xorLow = (low ^ previousLow) >>> 0;
    previousHigh = high;
    previousLow = low;
    for (let j = 0; j < 4; j++) {
      planes[j * n + i] = (xorHigh >>> (24 - 8 * j)) & 0xff;
      planes[(j + 4) * n + i] = (xorLow >>> (24 - 8 * j)) & 0xff;
    }
  });
  return planes;
}

function fromFloatPlanes(planes: Uint8Array, n: number): number[] {
  if (planes.length < n * 8) throw new Error(`number column: ${planes.length} bytes of planes for ${n} doubles`);
  const values = new Array<number>(n);
  let high = 0;
  let low = 0;
  for (let i = 0; i < n; i++) {
    let xorHigh = 0;
    let xorLow = 0;
    for (let j = 0; j < 4; j++) {
      xorHigh = (xorHigh << 8) | (planes[j * n + i] ?? 0);
      xorLow = (xorLow << 8) | (planes[(j + 4) * n + i] ?? 0);
    }
    high = (high ^ xorHigh) >>> 0;
    low = (low ^ xorLow) >>> 0;
    floatView.setUint32(0, high);
    floatView.setUint32(4, low);
    values[i] = floatView.getFloat64(0);
  }
  return values;
}

function numberBytes(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  return bytes;
}

function readNumber(bytes: Uint8Array, offset: number): number {
  if (bytes.length < offset + 8) throw new Error('number column: truncated base value');
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getFloat64(0);
}

function withPrefix(prefix: Uint8Array, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + rest.length);
  out.set(prefix);
  out.set(rest, prefix.length);
  return out;
}

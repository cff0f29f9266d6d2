import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeChunk, encodeChunk, openChunk } from '../../../lib/db/chunks/chunk-payload.ts';
import type { ChunkColumnType, ChunkValue } from '../../../lib/db/chunks/chunk-payload.ts';

const TYPES = new Map<string, ChunkColumnType>([
  ['at_us', 'number'],
  ['cpu', 'number'],
  ['rebooted', 'bool'],
  ['disks', 'json'],
]);

function columns(rows: number): Map<string, ChunkValue[]> {
  return new Map<string, ChunkValue[]>([
    ['at_us', Array.from({ length: rows }, (_, i) => 1_763_942_460_000_000 + i * 10_000_000)],
    ['cpu', Array.from({ length: rows }, (_, i) => (i === 3 ? null : 100 / (i + 3)))],
    ['rebooted', Array.from({ length: rows }, (_, i) => (i === 5 ? null : i === 0))],
    ['disks', Array.from({ length: rows }, (_, i) => (i % 4 === 1 ? null : JSON.stringify([{ name: 'sda', busyPct: i / 4 }])))],
  ]);
}

void describe('chunk payload', () => {
  void test('reads back every column, or only those asked for, compressed either way', async () => {
    const data = { rowCount: 360, columns: columns(360) };
    assert.deepEqual(decodeChunk(await encodeChunk(TYPES, data, 'deflate')), data);
    const payload = await encodeChunk(TYPES, data, 'brotli');
    assert.deepEqual(decodeChunk(payload), data);
    const some = decodeChunk(payload, ['at_us', 'disks']);
    assert.deepEqual([...some.columns.keys()], ['at_us', 'disks']);
    assert.deepEqual(some.columns.get('disks'), data.columns.get('disks'));
  });

  void test('opened: columns decoded when asked, json parsed, a column it lacks as nulls', async () => {
    const data = { rowCount: 12, columns: columns(12) };
    const chunk = openChunk(await encodeChunk(TYPES, data));
    assert.deepEqual(chunk.columnNames, ['at_us', 'cpu', 'rebooted', 'disks']);
    assert.deepEqual(chunk.values('cpu'), data.columns.get('cpu'));
    assert.deepEqual(
      chunk.jsonValues('disks', (row) => row < 3),
      data.columns.get('disks')?.map((text, row) => (row >= 3 ? undefined : text === null ? null : (JSON.parse(text as string) as unknown))),
    );
    assert.deepEqual(chunk.values('added_later'), new Array(12).fill(null));
    assert.throws(() => chunk.jsonValues('cpu'), /chunk payload: column cpu is number, not json/);
  });

  void test('an empty chunk', async () => {
    const data = { rowCount: 0, columns: columns(0) };
    assert.deepEqual(decodeChunk(await encodeChunk(TYPES, data)), data);
  });

  void test('names the column whose values do not fit it', async () => {
    const data = { rowCount: 2, columns: columns(2) };
    data.columns.set('cpu', [1, '2']);
    await assert.rejects(encodeChunk(TYPES, data), /chunk column cpu \(number\): got string "2"/);
    data.columns.set('cpu', [1]);
    await assert.rejects(encodeChunk(TYPES, data), /chunk column cpu: 1 values for 2 rows/);
  });

  void test('refuses a payload it cannot read', () => {
    assert.throws(() => decodeChunk(new Uint8Array([7, 1, 2])), /chunk payload: unknown format 7/);
  });
});

// Loaded first, before anything that could load ssh2 itself: this process's ssh2 is Vigil's.
import ssh2, { paddingFromPool } from '../../../lib/ssh/ssh2.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { parsePollOutput } from '../../../lib/collect/parse-poll-output.ts';
import { POLL_SCRIPTS } from '../../../lib/collect/poll-script.ts';
import { startHostSimulator } from '../../../lib/simulator/host-simulator.ts';
import { commandPathText } from '../../../services/worker/script-delivery.ts';

test('ssh2 takes its padding from the pool, and the crypto module is as it was', () => {
  assert.equal(paddingFromPool, true);
  assert.equal(crypto.randomFillSync.name, 'randomFillSync');
  const bytes = crypto.randomFillSync(Buffer.alloc(16), 0, 16);
  assert.notDeepEqual(bytes, Buffer.alloc(16));
});

test('a poll over a connection whose packets are padded from the pool', async () => {
  const sim = await startHostSimulator({ hosts: 1, rebootChance: 0 });
  const client = new ssh2.Client();
  try {
    const host = sim.hosts[0];
    assert.ok(host !== undefined);
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({ host: host.address, port: host.port, username: sim.user, privateKey: readFileSync(sim.clientKey.file) });
    });
    // Several polls on one connection: every packet each way after the first key exchange is padded, encrypted and checked.
    for (let i = 0; i < 3; i++) {
      const output = await new Promise<Buffer>((resolve, reject) => {
        client.exec(commandPathText(POLL_SCRIPTS.light), (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk)).on('close', () => resolve(Buffer.concat(chunks)));
          stream.end();
        });
      });
      const parsed = parsePollOutput(output.toString('utf8'));
      assert.equal(parsed.script, 'light');
      assert.ok(parsed.cpuTotal !== null && parsed.memory !== null, `poll ${i + 1}'s CPU and memory parsed`);
    }
  } finally {
    client.end();
    await sim.close();
  }
});

test('ssh2 loaded before this module stays stock, and says so', async () => {
  const script = "await import('ssh2'); const m = await import('./lib/ssh/ssh2.ts'); process.stdout.write(String(m.paddingFromPool));";
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../../../', import.meta.url).pathname });
  assert.equal(stdout, 'false');
});

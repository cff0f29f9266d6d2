// The one place Vigil's own code loads ssh2's values (types may be imported from 'ssh2'
// directly). ssh2 takes crypto.randomFillSync once, when its protocol modules load, for the
// padding of every packet it sends: it is loaded here with the pooled fill in its place
// (pooled-random-fill.ts says why), and the crypto module is put back at once, so nothing else
// in the process sees the change.
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type Ssh2 from 'ssh2';
import { createPooledRandomFill } from './pooled-random-fill.ts';

type Ssh2Module = typeof Ssh2;

const require = createRequire(import.meta.url);

function isLoaded(): boolean {
  return Object.keys(require.cache).some((file) => file.endsWith('/ssh2/lib/protocol/crypto.js'));
}

/**
 * Whether ssh2's packets take their padding from the pool: false only when something in this
 * process loaded ssh2 before this module (the host simulator in a test, say); it then works as stock.
 */
export const paddingFromPool = !isLoaded();

const original = crypto.randomFillSync;
crypto.randomFillSync = createPooledRandomFill(original);
let loaded: Ssh2Module;
try {
  loaded = require('ssh2') as Ssh2Module;
} finally {
  crypto.randomFillSync = original;
}

const ssh2 = loaded;
export default ssh2;

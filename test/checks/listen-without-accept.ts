// A loopback port whose listener never accepts and whose accept queue is already full: the
// kernel drops further SYNs, so a client's connect neither succeeds nor is refused, as with a
// firewalled or overloaded host. Node always accepts, so a small python3 process holds the socket
// (python3 comes with ansible-core, which CI installs).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

const SCRIPT = `
import socket, sys
server = socket.socket()
server.bind(('127.0.0.1', 0))
server.listen(0)
port = server.getsockname()[1]
# listen(0) queues one connection; this one fills the queue for good.
filler = socket.create_connection(('127.0.0.1', port))
print(port, flush=True)
sys.stdin.read()
`;

export interface SilentListener {
  port: number;
  stop(): Promise<void>;
}

export function listenWithoutAccept(): Promise<SilentListener> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the silent listener exited early with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('\n')) return;
      child.removeAllListeners('exit');
      resolve({
        port: Number(output.trim()),
        stop: () => new Promise<void>((done) => {
          child.once('exit', () => done());
          child.stdin?.end();
        }),
      });
    });
  });
}

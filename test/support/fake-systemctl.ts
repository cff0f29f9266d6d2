// A `systemctl` for tests' PATH that answers `show … -- UNIT…` with every unit loaded and active,
// one Key=Value block per unit in the order asked, as systemctl does: the units that reached it
// can be read back from the check results.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FAKE_SYSTEMCTL = `#!/bin/sh
while [ "$#" -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
for unit do printf 'Id=%s\\nLoadState=loaded\\nActiveState=active\\nSubState=running\\n\\n' "$unit"; done
`;

/** Writes it into `dir`/bin (readable by any login) and returns that directory, to put first on PATH. */
export async function writeFakeSystemctl(dir: string): Promise<string> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await chmod(dir, 0o755);
  await writeFile(join(bin, 'systemctl'), FAKE_SYSTEMCTL, { mode: 0o755 });
  await chmod(bin, 0o755);
  return bin;
}

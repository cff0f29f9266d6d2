import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandHostPattern, HostPatternError } from '../../lib/inventory/host-pattern.ts';

void describe('expandHostPattern', () => {
  void it('expands numeric ranges with leading zeros and steps, and letter ranges', () => {
    assert.deepEqual(expandHostPattern('web[08:10]').names, ['web08', 'web09', 'web10']);
    assert.deepEqual(expandHostPattern('n[1:9:4]').names, ['n1', 'n5', 'n9']);
    assert.deepEqual(expandHostPattern('db-[a:c]').names, ['db-a', 'db-b', 'db-c']);
    assert.deepEqual(expandHostPattern('r[a:b]-[1:2]').names, ['ra-1', 'ra-2', 'rb-1', 'rb-2']);
  });

  void it('gives no hosts for a numeric range that runs backwards, as Ansible does', () => {
    assert.deepEqual(expandHostPattern('back[5:1]').names, []);
  });

  void it('splits ports off names, IPv4 and bracketed IPv6, not off bare IPv6', () => {
    assert.deepEqual(expandHostPattern('web[1:2]:2222'), { names: ['web1', 'web2'], port: 2222 });
    assert.deepEqual(expandHostPattern('[::1]:2200'), { names: ['::1'], port: 2200 });
    assert.deepEqual(expandHostPattern('fe80::1'), { names: ['fe80::1'], port: null });
  });

  void it('keeps ":port" in a name that is no valid address', () => {
    assert.deepEqual(expandHostPattern('host@x:22'), { names: ['host@x:22'], port: null });
  });

  void it('refuses ranges Ansible refuses', () => {
    for (const pattern of ['web[1:]', 'web[c:a]', 'web[01:100]', 'web[1:3:0]']) {
      assert.throws(() => expandHostPattern(pattern), HostPatternError, pattern);
    }
  });
});

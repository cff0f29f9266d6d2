// `vigil inventory`: the inventory as Vigil reads it, printed as `ansible-inventory` prints it,
// so the two can be compared line for line.
import type { Command } from '../command.ts';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import { formatHostVars, formatInventoryGraph, formatInventoryList, InventoryQueryError } from '../../lib/inventory/inventory-output.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import { readVaultPasswordFile, VaultError } from '../../lib/inventory/vault.ts';

export const inventoryCommand: Command = {
  summary: 'Show the inventory as Vigil reads it, in ansible-inventory\'s formats',
  usage: 'vigil inventory --list | --host NAME | --graph [GROUP] [--vars]  [-i PATH]... [--vault-password-file FILE]',
  details: [
    'Reads the inventory (INI or YAML file, directory, or comma-separated host list) with its',
    'group_vars/ and host_vars/, and prints it exactly as `ansible-inventory` does:',
    '  --list          every group and _meta.hostvars, as JSON',
    '  --host NAME     the merged variables of one host, as JSON',
    '  --graph [GROUP] the group tree (with --vars: and the variables)',
    '-i defaults to VIGIL_INVENTORY, else inventory/hosts; give -i several times for several sources.',
    'The vault password file defaults to VIGIL_VAULT_PASSWORD_FILE.',
    'An inventory Ansible cannot read, or a broken group_vars/host_vars file, exits 1 naming the file and line.',
  ].join('\n'),
  options: {
    list: { type: 'boolean' },
    host: { type: 'string' },
    graph: { type: 'boolean' },
    vars: { type: 'boolean' },
    inventory: { type: 'string', short: 'i', multiple: true },
    'vault-password-file': { type: 'string' },
  },
  async run(values, positionals) {
    const fail = (message: string): void => {
      process.stderr.write(`vigil inventory: ${message}\n`);
      process.exitCode = 1;
    };
    const actions = [values['list'] === true, typeof values['host'] === 'string', values['graph'] === true].filter(Boolean).length;
    if (actions === 0) return fail('No action selected, at least one of --host, --graph or --list needs to be specified.');
    if (actions > 1) return fail('Conflicting options used, only one of --host, --graph or --list can be used at the same time.');

    const given = values['inventory'];
    const sources = Array.isArray(given) && given.length > 0 ? (given as string[]) : [process.env['VIGIL_INVENTORY'] || 'inventory/hosts'];
    const passwordFile = (values['vault-password-file'] as string | undefined) ?? (process.env['VIGIL_VAULT_PASSWORD_FILE'] || undefined);
    try {
      const vaultPassword = passwordFile === undefined ? undefined : await readVaultPasswordFile(passwordFile);
      const inventory = await readInventory(sources, {
        vaultPassword,
        warn: (message) => process.stderr.write(`[WARNING]: ${message}\n`),
      });
      let output: string;
      if (values['list'] === true) output = formatInventoryList(inventory);
      else if (typeof values['host'] === 'string') output = formatHostVars(inventory, values['host']);
      else output = formatInventoryGraph(inventory, positionals[0] ?? 'all', values['vars'] === true);
      process.stdout.write(`${output}\n`);
    } catch (err) {
      if (err instanceof InventoryError || err instanceof InventoryQueryError || err instanceof VaultError) return fail(err.message);
      throw err;
    }
  },
};

// Ansible's YAML inventory plugin: top-level keys are groups, each with optional `hosts`,
// `children` and `vars` mappings, nested to any depth. As in Ansible, a section given as a
// single string means that one name, null entries are skipped, and entries that are not
// mappings are skipped (Ansible warns) rather than refused.
import { expandHostPattern, HostPatternError } from './host-pattern.ts';
import { InventoryDataError } from './inventory-data.ts';
import type { InventoryData } from './inventory-data.ts';
import { InventoryError } from './inventory.ts';
import { DataMapping, jsonKey, toVariableValue } from './yaml-data-loader.ts';

/** Why a YAML file is not a YAML inventory at all (Ansible then tries the INI plugin). */
export class NotYamlInventoryError extends InventoryError {}

export function parseYamlInventory(data: unknown, file: string, inventory: InventoryData, warn: (message: string) => void): void {
  const fail = (message: string): never => {
    throw new InventoryError(file, null, message);
  };
  if (data === null || data === undefined || data === false || data === '' || data === 0 || (data instanceof DataMapping && data.size === 0) || (Array.isArray(data) && data.length === 0)) {
    throw new NotYamlInventoryError(file, null, 'Parsed empty YAML file');
  }
  if (!(data instanceof DataMapping)) {
    throw new NotYamlInventoryError(file, null, `YAML inventory has invalid structure, it should be a dictionary, got: ${Array.isArray(data) ? 'list' : typeof data}`);
  }
  const plugin = data.get('plugin');
  if (plugin !== undefined && plugin !== null && plugin !== false && plugin !== '' && plugin !== 0) {
    throw new NotYamlInventoryError(file, null, 'Plugin configuration YAML file, not YAML inventory');
  }

  const parseGroup = (name: unknown, groupData: unknown): unknown => {
    if (!(groupData instanceof DataMapping) && groupData !== null) {
      warn(`Skipping '${String(name)}' as this is not a valid group definition`);
      return name;
    }
    let group: string;
    try {
      group = inventory.addGroup(name);
    } catch (err) {
      if (err instanceof InventoryDataError) return fail(`Unable to add group ${String(name)}: ${err.message}`);
      throw err;
    }
    if (groupData === null) return group;

    for (const section of ['vars', 'children', 'hosts']) {
      if (!groupData.has(section)) continue;
      const value = groupData.get(section);
      if (typeof value === 'string') {
        const single = new DataMapping();
        single.set(value, null);
        groupData.set(section, single);
      } else if (!(value instanceof DataMapping) && value !== null) {
        fail(`Invalid "${section}" entry for "${group}" group, requires a dictionary, found "${Array.isArray(value) ? 'list' : typeof value}" instead.`);
      }
    }

    for (const [key, value] of groupData.entries) {
      if (!(value instanceof DataMapping) && value !== null) {
        warn(`Skipping key (${String(key)}) in group (${group}) as it is not a mapping`);
        continue;
      }
      if (value === null) continue;
      if (key === 'vars') {
        for (const [variable, variableValue] of value.entries) inventory.setVariable(group, jsonKey(variable), toVariableValue(variableValue));
      } else if (key === 'children') {
        for (const [subgroup, subgroupData] of value.entries) {
          const child = parseGroup(subgroup, subgroupData);
          inventory.addChild(group, String(child));
        }
      } else if (key === 'hosts') {
        for (const [pattern, hostVars] of value.entries) {
          if (typeof pattern !== 'string') fail(`Host pattern ${String(pattern)} must be a string. Enclose integers/floats in quotation marks.`);
          const { names, port } = expandHostPattern(pattern as string);
          const vars = isFalsy(hostVars) ? new DataMapping() : hostVars;
          if (!(vars instanceof DataMapping)) return fail(`Invalid data from file, expected dictionary and got: ${String(hostVars)}`);
          for (const host of names) {
            inventory.addHost(host, group, port);
            for (const [variable, variableValue] of vars.entries) inventory.setVariable(host, jsonKey(variable), toVariableValue(variableValue));
          }
        }
      } else {
        warn(`Skipping unexpected key (${String(key)}) in group (${group}), only "vars", "children" and "hosts" are valid`);
      }
    }
    return group;
  };

  try {
    for (const [name, groupData] of data.entries) parseGroup(name, groupData);
  } catch (err) {
    if (err instanceof InventoryDataError || err instanceof HostPatternError || err instanceof TypeError) fail(err.message);
    throw err;
  }
}

function isFalsy(value: unknown): boolean {
  return value === null || value === undefined || value === false || value === '' || value === 0 || value === 0n || (Array.isArray(value) && value.length === 0) || (value instanceof DataMapping && value.size === 0);
}

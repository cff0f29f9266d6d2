// Inventory variables as they may leave the scheduler: plain JSON values with every secret
// replaced by MASKED. Applied before anything is stored, so that neither the database, the API
// nor the dashboard ever holds a secret. Errs towards masking: a variable whose name merely
// looks secret is masked, and so is everything inside it.
import { redactSecrets } from './inventory-reloader.ts';
import { EncryptedString, IntegralFloat, isVariablesObject, PythonDateTime, setVariable, UnsafeText } from './python-values.ts';

export const MASKED = '********';

// Ansible's own secret variables end in _pass (ansible_ssh_pass, ansible_become_pass,
// ansible_sudo_pass); the rest is what people name theirs. An SNMP community string is a
// password in all but name, and so are SNMPv3's authentication and privacy keys.
const SECRET_NAME = /password|passwd|passphrase|secret|token|private_key|api_?key|become_pass|vault|(?:^|_)pass$|community|auth_key|priv_key/i;

// A path to a key is not the key: showing it helps find a wrong one.
const KEY_PATHS = new Set(['ansible_ssh_private_key_file', 'ansible_private_key_file']);

// Raw vault text pasted as a plain value is still ciphertext of a secret.
const VAULT_TEXT = /^\s*\$ANSIBLE_VAULT;/;

export function isSecretVariableName(name: string): boolean {
  return SECRET_NAME.test(name) && !KEY_PATHS.has(name.toLowerCase());
}

/** The variables with secrets masked and Ansible's typed values as plain JSON values. */
export function maskVariables(vars: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(vars)) setVariable(result, key, isSecretVariableName(key) ? MASKED : maskValue(vars[key]));
  return result;
}

function maskValue(value: unknown): unknown {
  if (value instanceof EncryptedString) return MASKED;
  if (value instanceof UnsafeText) return maskString(value.text);
  if (value instanceof IntegralFloat) return value.value;
  if (value instanceof PythonDateTime) return value.isoformat;
  if (typeof value === 'string') return maskString(value);
  // JSON has no bigint, NaN or infinities; their text says what they are.
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(maskValue);
  if (isVariablesObject(value)) return maskVariables(value);
  return String(value);
}

// A command line or URL in a value may carry a password of its own ("--password=…").
function maskString(text: string): string {
  return VAULT_TEXT.test(text) ? MASKED : redactSecrets(text);
}

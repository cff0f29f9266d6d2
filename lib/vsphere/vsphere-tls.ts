// How a vSphere source checks the server's certificate. vCenter and ESXi ship self-signed
// certificates, so the choice is explicit in the inventory: trust a CA file, or turn checking
// off by name (vigil_vsphere_insecure: true). Nothing falls back to "off" on its own.

export type VsphereTls =
  /** The system's trusted CAs (Node's bundle). */
  | { verify: 'system' }
  /** Only the CA certificates in this PEM file, e.g. the vCenter's VMCA root. */
  | { verify: 'ca-file'; caFile: string }
  /** No check at all: anyone on the path can read the password. */
  | { verify: 'off' };

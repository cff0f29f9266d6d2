// What a Node socket error's code says went wrong, for every caller that turns connect errors into
// its own stable failure reasons (the SSH worker, service checks, the vSphere client): one list of
// codes, each caller naming the kinds in its own words.
export type SocketErrorKind = 'refused' | 'dns' | 'unreachable' | 'timeout' | 'reset';

const KIND_OF_CODE: Record<string, SocketErrorKind> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
};

export function socketErrorKind(code: string | undefined): SocketErrorKind | undefined {
  return code === undefined || !Object.hasOwn(KIND_OF_CODE, code) ? undefined : KIND_OF_CODE[code];
}

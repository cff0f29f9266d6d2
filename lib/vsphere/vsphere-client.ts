// A minimal vim25 SOAP client over node:http and node:https: one keep-alive connection, the
// session cookie vSphere sets at Login, and a deadline per call. Every failure is a VsphereError
// with a stable reason; a fault the server sends is one too, typed by its vim25 fault name.
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { parseSoapResponse, SoapProtocolError } from './parse-soap-response.ts';
import { soapRequest } from './soap-request.ts';
import type { MoRef } from './soap-request.ts';
import { classifyFault, classifyTransportError, VsphereError } from './vsphere-failure.ts';
import type { VsphereTls } from './vsphere-tls.ts';
import type { XmlElement } from './xml-reader.ts';

export interface VsphereClientOptions {
  /** The SDK endpoint, e.g. https://vcenter.example/sdk. */
  url: string;
  tls: VsphereTls;
  /** Deadline of each call, connecting included. */
  timeoutMs: number;
  /** Largest response accepted; a bigger one fails as `protocol` instead of filling memory. */
  maxResponseBytes?: number;
}

// Answers are in the form of this API version whatever the server's own: 6.5 has every property
// Vigil reads and is understood by vCenter and ESXi 6.5 to 8.
const SOAP_ACTION = 'urn:vim25/6.5';
const SESSION_COOKIE = 'vmware_soap_session';
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export class VsphereClient {
  readonly url: URL;
  private readonly options: VsphereClientOptions;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private ca: string | null = null;
  private sessionCookie: string | null = null;

  constructor(options: VsphereClientOptions) {
    this.options = options;
    this.url = new URL(options.url);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') {
      throw new VsphereError('protocol', `${options.url} is not an http or https URL`);
    }
    const secure = this.url.protocol === 'https:';
    this.transport = secure ? https : http;
    // One socket: a session's calls are sequential, and vCenter counts connections per client.
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 1 })
      : new http.Agent({ keepAlive: true, maxSockets: 1 });
  }

  /** Whether Login has set a session cookie. */
  get hasSession(): boolean {
    return this.sessionCookie !== null;
  }

  /** Forgets the session cookie, e.g. after Logout. */
  dropSession(): void {
    this.sessionCookie = null;
  }

  /** Calls `method` on `self` and returns its response element (`<MethodResponse>`). */
  async call(method: string, self: MoRef, params = ''): Promise<XmlElement> {
    const { status, body } = await this.post(soapRequest(method, self, params));
    let parsed;
    try {
      parsed = parseSoapResponse(body);
    } catch (error) {
      if (error instanceof SoapProtocolError) {
        throw new VsphereError('protocol', `${method}: HTTP ${status}, ${error.message}`);
      }
      throw error;
    }
    if (parsed.kind === 'fault') {
      const { fault } = parsed;
      const what = fault.type ?? fault.code;
      throw new VsphereError(classifyFault(fault.type), `${method}: ${what}${fault.message ? `: ${fault.message}` : ''}`, fault.type);
    }
    if (status !== 200) throw new VsphereError('protocol', `${method}: HTTP ${status} with a non-fault answer`);
    if (parsed.element.name !== `${method}Response`) {
      throw new VsphereError('protocol', `${method}: answered with <${parsed.element.name}>`);
    }
    return parsed.element;
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.agent.destroy();
  }

  private async post(payload: string): Promise<{ status: number; body: string }> {
    const ca = await this.caCertificates();
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: SOAP_ACTION,
      'content-length': Buffer.byteLength(payload),
    };
    if (this.sessionCookie !== null) headers['cookie'] = this.sessionCookie;
    const limit = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: VsphereError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const request = this.transport.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers,
        // Per request rather than on the agent, so that the agent's socket pool is keyed by them.
        rejectUnauthorized: this.options.tls.verify !== 'off',
        ...(ca === null ? {} : { ca }),
      });
      const timer = setTimeout(() => {
        fail(new VsphereError('timeout', `no complete answer from ${this.url.host} within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);

      request.on('error', (error) => {
        fail(new VsphereError(classifyTransportError(error), `${this.url.host}: ${error.message}`));
      });
      request.on('response', (response) => {
        this.keepSessionCookie(response.headers['set-cookie']);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) fail(new VsphereError('protocol', `response from ${this.url.host} exceeds ${limit} bytes`));
          else chunks.push(chunk);
        });
        response.on('error', (error) => {
          fail(new VsphereError(classifyTransportError(error), `${this.url.host}: ${error.message}`));
        });
        response.on('aborted', () => {
          fail(new VsphereError('protocol', `${this.url.host} closed the connection mid-answer`));
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      request.end(payload);
    });
  }

  private keepSessionCookie(setCookie: string[] | undefined): void {
    for (const header of setCookie ?? []) {
      const pair = header.split(';', 1)[0]?.trim() ?? '';
      if (pair.startsWith(`${SESSION_COOKIE}=`)) this.sessionCookie = pair;
    }
  }

  private async caCertificates(): Promise<string | null> {
    if (this.options.tls.verify !== 'ca-file' || this.url.protocol !== 'https:') return null;
    if (this.ca === null) {
      const { caFile } = this.options.tls;
      try {
        this.ca = await readFile(caFile, 'utf8');
      } catch (error) {
        throw new VsphereError('tls', `cannot read the CA file ${caFile}: ${(error as Error).message}`);
      }
      if (!this.ca.includes('-----BEGIN CERTIFICATE-----')) throw new VsphereError('tls', `${caFile} holds no PEM certificate`);
    }
    return this.ca;
  }
}

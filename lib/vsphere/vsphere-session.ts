// A logged-in vSphere session and the one question Vigil asks it: every HostSystem and
// VirtualMachine below the root folder, with the properties in HYPERVISOR_PROPERTIES and
// VM_PROPERTIES. A container view, made once per session, keeps following the inventory as
// VMs come and go, so each poll is one RetrievePropertiesEx (plus a page per 1,000 objects).
import { parseRetrieveResult } from './parse-retrieve-result.ts';
import { SoapProtocolError } from './parse-soap-response.ts';
import type { ObjectContent } from './parse-retrieve-result.ts';
import { moRefOf, parseServiceContent } from './parse-service-content.ts';
import type { ServiceContent } from './parse-service-content.ts';
import { moRefElement, textElement } from './soap-request.ts';
import type { MoRef } from './soap-request.ts';
import { VsphereClient } from './vsphere-client.ts';
import type { VsphereClientOptions } from './vsphere-client.ts';
import { VsphereError } from './vsphere-failure.ts';
import { HYPERVISOR_PROPERTIES, inventoryFromObjects, VM_PROPERTIES } from './vsphere-inventory.ts';
import type { VsphereInventory } from './vsphere-inventory.ts';
import { childNamed } from './xml-reader.ts';

export interface VsphereCredentials {
  user: string;
  /** Secret: never logged, never in an error message. */
  password: string;
}

/** Objects per page; vCenter's own limit is higher, this keeps each answer a few MB at most. */
const PAGE_SIZE = 1000;

export class VsphereSession {
  readonly client: VsphereClient;
  readonly serviceContent: ServiceContent;
  private view: MoRef | null = null;
  /** Set when a call timed out: closing then must not wait on the same server again. */
  private broken = false;

  private constructor(client: VsphereClient, serviceContent: ServiceContent) {
    this.client = client;
    this.serviceContent = serviceContent;
  }

  /** Connects, reads the service content and logs in; throws VsphereError (auth-failed on a wrong password). */
  static async open(options: VsphereClientOptions, credentials: VsphereCredentials): Promise<VsphereSession> {
    const client = new VsphereClient(options);
    try {
      const content = parseServiceContent(await client.call('RetrieveServiceContent', { type: 'ServiceInstance', value: 'ServiceInstance' }));
      await client.call('Login', content.sessionManager, textElement('userName', credentials.user) + textElement('password', credentials.password));
      if (!client.hasSession) throw new VsphereError('protocol', `Login at ${client.url.host} set no session cookie`);
      return new VsphereSession(client, content);
    } catch (error) {
      client.close();
      throw asVsphereError(error);
    }
  }

  /** Every hypervisor and VM the account can see, as of now. */
  async inventory(): Promise<VsphereInventory> {
    try {
      return inventoryFromObjects(await this.retrieveAll());
    } catch (error) {
      const failure = asVsphereError(error);
      if (failure instanceof VsphereError && failure.reason === 'timeout') this.broken = true;
      throw failure;
    }
  }

  /** Destroys the view and logs out, best effort: a session that cannot log out expires on the server. */
  async close(): Promise<void> {
    try {
      if (this.broken) return;
      if (this.view !== null) await this.client.call('DestroyView', this.view);
      if (this.client.hasSession) await this.client.call('Logout', this.serviceContent.sessionManager);
    } catch {
      // Nothing to do about it: the server drops idle sessions by itself (30 minutes on vCenter).
    } finally {
      this.view = null;
      this.client.dropSession();
      this.client.close();
    }
  }

  private async retrieveAll(): Promise<ObjectContent[]> {
    const view = await this.containerView();
    const collector = this.serviceContent.propertyCollector;
    let page = parseRetrieveResult(await this.client.call('RetrievePropertiesEx', collector, filterSpec(view) + `<options>${textElement('maxObjects', PAGE_SIZE)}</options>`));
    const objects = [...page.objects];
    while (page.token !== null) {
      page = parseRetrieveResult(await this.client.call('ContinueRetrievePropertiesEx', collector, textElement('token', page.token)));
      objects.push(...page.objects);
    }
    return objects;
  }

  private async containerView(): Promise<MoRef> {
    if (this.view === null) {
      const response = await this.client.call(
        'CreateContainerView',
        this.serviceContent.viewManager,
        moRefElement('container', this.serviceContent.rootFolder)
          + textElement('type', 'HostSystem') + textElement('type', 'VirtualMachine') + textElement('recursive', true),
      );
      const returnval = childNamed(response, 'returnval');
      if (!returnval) throw new VsphereError('protocol', 'CreateContainerView returned no view');
      this.view = moRefOf(returnval);
    }
    return this.view;
  }
}

/** The PropertyFilterSpec: start at the view, skip it, follow its `view` property to every object in it. */
function filterSpec(view: MoRef): string {
  const propSet = (type: string, paths: readonly string[]): string =>
    `<propSet>${textElement('type', type)}${paths.map((p) => textElement('pathSet', p)).join('')}</propSet>`;
  return '<specSet>'
    + propSet('HostSystem', HYPERVISOR_PROPERTIES)
    + propSet('VirtualMachine', VM_PROPERTIES)
    + `<objectSet>${moRefElement('obj', view)}<skip>true</skip>`
    + '<selectSet xsi:type="TraversalSpec"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet>'
    + '</objectSet></specSet>';
}

/** Parser errors (a lying server) become protocol failures; VsphereErrors pass through. */
function asVsphereError(error: unknown): unknown {
  if (error instanceof VsphereError) return error;
  if (error instanceof SoapProtocolError) return new VsphereError('protocol', error.message);
  return error;
}

import { exchange, expectJson, type ClientOptions, type HttpRequest } from './http.js';
import type {
  Answer,
  App,
  AuditPage,
  AuditQuery,
  CdrPage,
  CdrQuery,
  CreateAppRequest,
  EnterpriseStatus,
  IpRuleRequest,
  ListEntry,
  NumberStatus,
  Query,
  SmsPage,
  SmsQuery,
  UpdateAppRequest,
  WebhookSecret,
} from './types.js';

export interface AdminClientOptions extends ClientOptions {
  /** The operator token (VERIGATE_ADMIN_TOKEN). */
  token: string;
}

type ListName = ListEntry['list'];
const enc = encodeURIComponent;

/**
 * The management API (`/admin/v1`, bearer token). Every method maps one operation of the OpenAPI
 * document; a refusal throws a VerigateError whose `resultcode` is the `error_code` (`NOT_FOUND`,
 * `INVALID_FIELD`, `ADMIN_UNAUTHORIZED`, …) and whose message is the `error_msg`.
 */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {
    if (!options.token) throw new TypeError('AdminClient needs the operator token');
  }

  /** One request; JSON answer when its status is `ok`. */
  async request<T>(
    method: string,
    path: string,
    { ok = 200, ...rest }: Omit<HttpRequest, 'method' | 'path'> & { ok?: number } = {},
  ): Promise<T> {
    const answer = await exchange('admin', this.options, {
      method,
      path: `/admin/v1${path}`,
      ...rest,
      headers: { authorization: `Bearer ${this.options.token}`, ...rest.headers },
    });
    return expectJson<T>('admin', answer, ok);
  }

  /** A text answer (CSV exports). */
  private async text(path: string, query: HttpRequest['query']): Promise<string> {
    const answer = await exchange('admin', this.options, {
      method: 'GET',
      path: `/admin/v1${path}`,
      query,
      headers: { authorization: `Bearer ${this.options.token}`, accept: 'text/csv' },
    });
    if (answer.status !== 200) expectJson('admin', answer);
    return answer.text;
  }

  // ---- Apps ----
  /** A new app; its `appSecret` is shown only in this answer. */
  createApp(app: CreateAppRequest): Promise<App> {
    return this.request('POST', '/apps', { json: app, ok: 201 });
  }
  listApps(): Promise<App[]> {
    return this.request('GET', '/apps');
  }
  getApp(appKey: string): Promise<App> {
    return this.request('GET', `/apps/${enc(appKey)}`);
  }
  updateApp(appKey: string, changes: UpdateAppRequest): Promise<App> {
    return this.request('PATCH', `/apps/${enc(appKey)}`, { json: changes });
  }
  /** A new app secret (in the answer, once); the old one stops working. */
  rotateSecret(appKey: string): Promise<App> {
    return this.request('POST', `/apps/${enc(appKey)}/secret`);
  }
  /** Creates or rotates the Standard Webhooks secret (`whsec_…`, shown once). */
  issueWebhookSecret(appKey: string): Promise<WebhookSecret> {
    return this.request('POST', `/apps/${enc(appKey)}/webhook-secret`);
  }
  removeWebhookSecret(appKey: string): Promise<App> {
    return this.request('DELETE', `/apps/${enc(appKey)}/webhook-secret`);
  }

  // ---- Display numbers ----
  addNumber(appKey: string, number: string, status?: NumberStatus): Promise<Answer<'adminAddNumber', 201>> {
    return this.request('POST', `/apps/${enc(appKey)}/numbers`, { json: { number, status }, ok: 201 });
  }
  listNumbers(appKey: string): Promise<Answer<'adminListNumbers'>> {
    return this.request('GET', `/apps/${enc(appKey)}/numbers`);
  }
  setNumberStatus(appKey: string, number: string, status: NumberStatus): Promise<Answer<'adminUpdateNumber'>> {
    return this.request('PATCH', `/apps/${enc(appKey)}/numbers/${enc(number)}`, { json: { status } });
  }

  // ---- Tones ----
  /** Uploads a WAV tone, held `pending` until approved. */
  uploadTone(appKey: string, name: string, wav: Uint8Array): Promise<Answer<'adminUploadTone', 201>> {
    return this.request('POST', `/apps/${enc(appKey)}/tones`, {
      query: { name },
      bytes: wav,
      headers: { 'content-type': 'audio/wav' },
      ok: 201,
    });
  }
  listTones(appKey: string): Promise<Answer<'adminListTones'>> {
    return this.request('GET', `/apps/${enc(appKey)}/tones`);
  }
  approveTone(appKey: string, name: string): Promise<Answer<'adminApproveTone'>> {
    return this.request('POST', `/apps/${enc(appKey)}/tones/${enc(name)}/approve`);
  }
  rejectTone(appKey: string, name: string): Promise<Answer<'adminRejectTone'>> {
    return this.request('POST', `/apps/${enc(appKey)}/tones/${enc(name)}/reject`);
  }

  // ---- Number lists ----
  /** Adds a number to the platform's list, or to an app's (`appKey`). */
  addListEntry(entry: ListEntry): Promise<Answer<'adminAddListEntry', 201>> {
    return this.request('POST', '/lists', { json: entry, ok: 201 });
  }
  removeListEntry(entry: ListEntry): Promise<Answer<'adminRemoveListEntry'>> {
    return this.request('DELETE', '/lists', {
      query: { list: entry.list, number: entry.number, appKey: entry.appKey },
    });
  }
  listEntries(query: { list?: ListName; appKey?: string } = {}): Promise<ListEntry[]> {
    return this.request('GET', '/lists', { query });
  }

  // ---- Calls, CDRs, deliveries, audit ----
  /** A call session with its events and CDR. */
  getCall(sessionId: string): Promise<Answer<'adminGetCall'>> {
    return this.request('GET', `/calls/${enc(sessionId)}`);
  }
  /** A page of CDRs, newest first; pass `nextBefore` as `before` for the next. */
  listCdrs(query: Omit<CdrQuery, 'format'> = {}): Promise<CdrPage> {
    return this.request('GET', '/cdrs', { query });
  }
  /** Every matching CDR as CSV, oldest first. */
  exportCdrsCsv(query: Omit<CdrQuery, 'format' | 'limit' | 'before'> = {}): Promise<string> {
    return this.text('/cdrs', { ...query, format: 'csv' });
  }
  /** Webhook deliveries of a call session or SMS message, with every attempt. */
  listDeliveries(sessionId: string): Promise<Answer<'adminListDeliveries'>> {
    return this.request('GET', '/deliveries', { query: { sessionId } });
  }
  redeliver(deliveryId: string): Promise<Answer<'adminRedeliver', 202>> {
    return this.request('POST', `/deliveries/${enc(deliveryId)}/redeliver`, { ok: 202 });
  }
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.request('GET', '/audit', { query });
  }

  // ---- Enterprises, IP rules and bans ----
  putEnterprise(id: string, status: EnterpriseStatus = 'normal'): Promise<Answer<'adminPutEnterprise'>> {
    return this.request('PUT', `/enterprises/${enc(id)}`, { json: { status } });
  }
  listEnterprises(): Promise<Answer<'adminListEnterprises'>> {
    return this.request('GET', '/enterprises');
  }
  addIpRule(rule: IpRuleRequest): Promise<Answer<'adminAddIpRule', 201>> {
    return this.request('POST', '/ip-rules', { json: rule, ok: 201 });
  }
  listIpRules(): Promise<Answer<'adminListIpRules'>> {
    return this.request('GET', '/ip-rules');
  }
  removeIpRule(id: string): Promise<Answer<'adminRemoveIpRule'>> {
    return this.request('DELETE', `/ip-rules/${enc(id)}`);
  }
  listIpBans(): Promise<Answer<'adminListIpBans'>> {
    return this.request('GET', '/ip-bans');
  }
  liftIpBan(ip: string): Promise<Answer<'adminLiftIpBan'>> {
    return this.request('DELETE', `/ip-bans/${enc(ip)}`);
  }

  // ---- SMS ----
  listSms(query: Omit<SmsQuery, 'format'> = {}): Promise<SmsPage> {
    return this.request('GET', '/sms', { query });
  }
  exportSmsCsv(query: Omit<SmsQuery, 'format' | 'limit' | 'before'> = {}): Promise<string> {
    return this.text('/sms', { ...query, format: 'csv' });
  }
  getSms(messageId: string): Promise<Answer<'adminGetSms'>> {
    return this.request('GET', `/sms/${enc(messageId)}`);
  }
  /** What the development provider (`log`) would have sent: the only place a code is readable. */
  smsDevInbox(query: Query<'adminSmsDevInbox'> = {}): Promise<Answer<'adminSmsDevInbox'>> {
    return this.request('GET', '/sms/dev-inbox', { query });
  }
}

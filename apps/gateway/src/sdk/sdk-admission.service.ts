import type { BlockList } from 'node:net';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Permission } from '#libs/persistence';
import { PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AppDirectory, type DirectoryApp } from '../directory/app-directory.service.js';
import { addressList, resolveClientAddress } from '../http/client-address.js';
import { InvalidJsonBody } from '../http/invalid-json-body.js';
import { SdkError } from './sdk-error.js';
import { parseSdkHeaders, type SdkHeaders } from './sdk-headers.js';

type HeaderBag = Record<string, string | string[] | undefined>;

/** Who is calling an SDK API, as established from its headers and socket. */
export interface SdkCaller {
  sdk: SdkHeaders;
  app: DirectoryApp;
  clientIp: string;
}

/**
 * The checks every SDK request passes first (docs/contract.md#sdk-apis): the required headers, an app that is
 * known, `normal` and has the API's permission, and the client's address (the socket, or
 * `X-Forwarded-For` from a trusted proxy only).
 */
@Injectable()
export class SdkAdmission implements OnModuleInit {
  private directory!: AppDirectory;
  private readonly trustedProxies: BlockList | null;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.trustedProxies = config.trustedProxies.length ? addressList(config.trustedProxies) : null;
  }

  onModuleInit(): void {
    // The gateway's one app cache (management writes invalidate it).
    this.directory = this.moduleRef.get(AppDirectory, { strict: false });
  }

  async admit(headers: HeaderBag, request: FastifyRequest, permission: Permission): Promise<SdkCaller> {
    const parsed = parseSdkHeaders(headers);
    if (!parsed.ok) throw new SdkError(parsed.code, parsed.lang, parsed.detail);
    const sdk = parsed.headers;
    const app = await this.directory.find(sdk.clientId);
    if (!app) throw new SdkError('CLIENT_ID_INVALID', sdk.lang);
    if (app.status !== 'normal' || !app.permissions.includes(permission))
      throw new SdkError('APP_NOT_PERMITTED', sdk.lang);
    // A trusted proxy that names no client is refused: falling back to the proxy's own address
    // would put everyone behind it in one rate-limit and lock-out bucket (one attacker locks
    // out all of them).
    const clientIp = resolveClientAddress(
      request.socket.remoteAddress ?? request.ip,
      headers['x-forwarded-for'],
      this.trustedProxies,
    );
    if (clientIp === null) throw new SdkError('CLIENT_ADDRESS_MISSING', sdk.lang);
    return { sdk, app, clientIp };
  }

  /** The body as a JSON object, or PARAMETER_INVALID. */
  static object(body: unknown, lang: SdkHeaders['lang']): Record<string, unknown> {
    if (body instanceof InvalidJsonBody) throw new SdkError('PARAMETER_INVALID', lang, 'the body is not valid JSON');
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new SdkError('PARAMETER_INVALID', lang, 'the body must be a JSON object');
    return body as Record<string, unknown>;
  }
}

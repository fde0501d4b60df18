import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppEntity } from '../entities/index.js';

/**
 * apps, as the gateway manages them (the admin API) and reads them on the request path (the
 * app directory), and as the notifier reads an app's signing secrets (sealed).
 */
@Injectable()
export class AppsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(AppEntity);
  }

  /**
   * An app with everything the request path needs, in one query: its sub-enterprise's status,
   * its numbers, approved tones and list entries. Undefined when there is no such app.
   */
  async directoryRow(appKey: string): Promise<Record<string, unknown> | undefined> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT a.id, a.app_key, a.secret_sealed, a.status, a.permissions, a.ip_whitelist, a.rest_hours,
              a.stage, a.limits, a.voice_ports, a.international, a.captcha_pow, a.captcha_under_attack, e.status AS enterprise_status,
              COALESCE((SELECT json_agg(json_build_array(n.number, n.status)) FROM app_numbers n WHERE n.app_id = a.id), '[]') AS numbers,
              COALESCE((SELECT json_agg(t.name) FROM tone_files t WHERE t.app_id = a.id AND t.status = 'approved'), '[]') AS tones,
              COALESCE((SELECT json_agg(json_build_array(l.list, l.number)) FROM number_lists l WHERE l.app_id = a.id), '[]') AS lists
         FROM apps a LEFT JOIN enterprises e ON e.id = a.enterprise_id WHERE a.app_key = $1`,
      [appKey],
    );
    return rows[0];
  }

  async create(values: Partial<AppEntity>): Promise<AppEntity> {
    const saved = await this.repo.save(this.repo.create(values));
    return this.repo.findOneByOrFail({ id: saved.id });
  }

  findByKey(appKey: string): Promise<AppEntity | null> {
    return this.repo.findOneBy({ appKey });
  }

  /** Every app, oldest first. */
  list(): Promise<AppEntity[]> {
    return this.repo.find({ order: { createdAt: 'ASC' } });
  }

  async update(id: string, patch: Partial<AppEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  /**
   * Installs a new sealed Standard Webhooks secret; the replaced one (if any) keeps signing for
   * `graceSeconds`. Undefined when there is no such app.
   */
  async replaceWebhookSecret(
    appKey: string,
    sealedSecret: string,
    graceSeconds: number,
  ): Promise<{ previous_until: Date | null } | undefined> {
    const rows: Array<{ previous_until: Date | null }> = await this.dataSource.query(
      `WITH updated AS (
         UPDATE apps
            SET webhook_secret_previous_sealed = webhook_secret_sealed,
                webhook_secret_previous_until = CASE WHEN webhook_secret_sealed IS NULL THEN NULL
                                                     ELSE now() + $3::int * interval '1 second' END,
                webhook_secret_sealed = $2,
                updated_at = now()
          WHERE app_key = $1
          RETURNING webhook_secret_previous_until AS previous_until
       )
       SELECT * FROM updated`,
      [appKey, sealedSecret, graceSeconds],
    );
    return rows[0];
  }

  /** The sealed secrets a webhook push is signed with (notifier), or undefined for an unknown app. */
  async signingSecrets(appKey: string): Promise<SealedSigningSecrets | undefined> {
    const [row] = await this.dataSource.query<SealedSigningSecrets[]>(
      `SELECT secret_sealed, webhook_secret_sealed, webhook_secret_previous_sealed, webhook_secret_previous_until
         FROM apps WHERE app_key = $1`,
      [appKey],
    );
    return row;
  }
}

export interface SealedSigningSecrets {
  secret_sealed: string;
  webhook_secret_sealed: string | null;
  webhook_secret_previous_sealed: string | null;
  webhook_secret_previous_until: Date | null;
}

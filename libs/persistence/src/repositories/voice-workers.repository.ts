import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * voice_workers: each voice worker registers itself with its port count and heart-beats its
 * active calls; the gateway's `idlePort` is the sum over live workers minus calls not ended.
 */
@Injectable()
export class VoiceWorkersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async heartbeat(worker: { id: string; hostName: string; ports: number; activeCalls: number }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO voice_workers (id, host_name, ports, active_calls) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET active_calls = EXCLUDED.active_calls, ports = EXCLUDED.ports, heartbeat_at = now()`,
      [worker.id, worker.hostName, worker.ports, worker.activeCalls],
    );
  }

  async unregister(workerId: string): Promise<void> {
    await this.dataSource.query('DELETE FROM voice_workers WHERE id = $1', [workerId]);
  }

  /** Ports of workers that heart-beat within `staleSeconds`, and calls accepted or in progress. */
  async portsAndBusyCalls(staleSeconds: number): Promise<{ ports: number; busy: number }> {
    const [row]: Array<{ ports: string; busy: string }> = await this.dataSource.query(
      `SELECT (SELECT COALESCE(sum(ports), 0) FROM voice_workers WHERE heartbeat_at > now() - ($1::int * interval '1 second')) AS ports,
              (SELECT count(*) FROM call_sessions WHERE state <> 'ended') AS busy`,
      [staleSeconds],
    );
    return { ports: Number(row!.ports), busy: Number(row!.busy) };
  }
}

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { SecretBox } from '#libs/auth';
import type { Outbox, OutboxRow } from '#libs/messaging';
import { JsonLogger } from '#libs/runtime';
import type { Claim, SmsMessagesRepository } from '#libs/persistence';
import { SmsSubmitError, type OutgoingSms, type SmsProvider, type SubmitResult } from '../providers/sms-provider.js';
import { SendSmsUseCase } from './send-sms.use-case.js';

const box = new SecretBox('a-master-key-for-tests');
const claimed = (overrides: Partial<Extract<Claim, { outcome: 'claimed' }>['message']> = {}): Claim => ({
  outcome: 'claimed',
  message: {
    mobile: '13800000000',
    type: 'LOGIN_SMS',
    lang: 'en',
    codeSealed: box.seal('042917'),
    codeExpired: false,
    ttlSeconds: 300,
    signature: 'Acme',
    submitAttempts: 1,
    ...overrides,
  },
});

/** The repository and provider as fakes that record what the use-case asked of them. */
function setUp(claim: Claim, submit: (sms: OutgoingSms) => Promise<SubmitResult>) {
  const calls: string[] = [];
  let owner = '';
  let recordFailures = 0;
  let recordBug = false;
  const repository = {
    claim: async (_id: string, o: string) => {
      owner = o;
      calls.push('claim');
      return claim;
    },
    renew: async (_id: string, o: string) => {
      calls.push(o === owner ? 'renew' : 'renew-by-stranger');
      return true;
    },
    release: async (_id: string, o: string) => {
      calls.push(o === owner ? 'release' : 'release-by-stranger');
    },
    submitted: async (_id: string, _p: string, ids: string[]): Promise<OutboxRow[]> => {
      if (recordFailures > 0) {
        recordFailures--;
        calls.push('record-failed');
        throw Object.assign(new Error('connection terminated'), { code: 'ECONNREFUSED' });
      }
      if (recordBug) {
        calls.push('record-bug');
        throw new Error('ON CONFLICT DO UPDATE command cannot affect row a second time');
      }
      calls.push(`submitted:${ids.join(',')}`);
      return [];
    },
    failed: async (_id: string, reason: string): Promise<OutboxRow[]> => {
      calls.push(`failed:${reason}`);
      return [];
    },
  } as unknown as SmsMessagesRepository;
  const sent: OutgoingSms[] = [];
  const provider: SmsProvider = {
    name: 'smpp',
    start: async () => undefined,
    stop: async () => undefined,
    isReady: () => true,
    submit: (sms) => {
      sent.push(sms);
      return submit(sms);
    },
  };
  const outbox = { dispatch: async () => undefined } as unknown as Outbox;
  const useCase = new SendSmsUseCase(repository, outbox, box, provider, new JsonLogger('test', 'error'));
  return {
    useCase,
    calls,
    sent,
    provider,
    failRecords: (n: number) => {
      recordFailures = n;
    },
    breakRecords: () => {
      recordBug = true;
    },
  };
}

describe('SendSmsUseCase', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('renders the code into the text, submits, records, acks', async () => {
    const { useCase, calls, sent } = setUp(claimed(), async () => ({ providerIds: ['a1'] }));
    await expect(useCase.execute('m1')).resolves.toEqual({ action: 'ack' });
    expect(sent[0]).toEqual({
      messageId: 'm1',
      to: '13800000000',
      text: '[Acme] Your login code is 042917. Valid for 5 min. Never share it.',
    });
    expect(calls).toEqual(['claim', 'submitted:a1']);
  });

  it('renews its lease while a slow submission is under way, and stops renewing after', async () => {
    let finish!: (r: SubmitResult) => void;
    const { useCase, calls } = setUp(
      claimed(),
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    );
    const done = useCase.execute('m1');
    await jest.advanceTimersByTimeAsync(95_000);
    expect(calls.filter((c) => c === 'renew')).toHaveLength(3);
    finish({ providerIds: ['a1'] });
    await expect(done).resolves.toEqual({ action: 'ack' });
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls.filter((c) => c.startsWith('renew'))).toEqual(['renew', 'renew', 'renew']);
  });

  it('gives the message back (its own lease only) and retries on a transient failure', async () => {
    const { useCase, calls } = setUp(claimed(), async () => {
      throw new SmsSubmitError('throttled too long', true, 'ESME_RTHROTTLED');
    });
    await expect(useCase.execute('m1')).resolves.toMatchObject({ action: 'retry' });
    expect(calls).toEqual(['claim', 'release']);
  });

  it('fails the message for good on a permanent refusal, naming the provider code', async () => {
    const { useCase, calls } = setUp(claimed(), async () => {
      throw new SmsSubmitError('invalid destination', false, 'ESME_RINVDSTADR');
    });
    await expect(useCase.execute('m1')).resolves.toEqual({ action: 'ack' });
    expect(calls).toEqual(['claim', 'failed:ESME_RINVDSTADR: invalid destination']);
  });

  it('keeps trying to record a submission the SMS centre took (a database restart), instead of submitting again', async () => {
    const { useCase, calls, sent, failRecords } = setUp(claimed(), async () => ({ providerIds: ['a1'] }));
    failRecords(6);
    const done = useCase.execute('m1');
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(done).resolves.toEqual({ action: 'ack' });
    expect(calls.filter((c) => c === 'record-failed')).toHaveLength(6);
    expect(calls.at(-1)).toBe('submitted:a1');
    expect(sent).toHaveLength(1);
  });

  it('a stopping worker gives up recording (the command goes back to the queue)', async () => {
    const { useCase, failRecords } = setUp(claimed(), async () => ({ providerIds: ['a1'] }));
    failRecords(1000);
    const outcome = expect(useCase.execute('m1')).rejects.toThrow('connection terminated');
    await jest.advanceTimersByTimeAsync(10_000);
    useCase.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    await outcome;
  });

  it('parks the command when the record fails for another reason than an unavailable database (no endless loop)', async () => {
    const { useCase, calls, breakRecords } = setUp(claimed(), async () => ({ providerIds: ['a1', 'a1'] }));
    breakRecords();
    await expect(useCase.execute('m1')).resolves.toMatchObject({ action: 'dead' });
    expect(calls).toEqual(['claim', 'record-bug']);
  });

  it('never sends a code that expired or cannot be opened, and takes nothing while the provider is down', async () => {
    const expired = setUp(claimed({ codeExpired: true }), async () => ({ providerIds: ['x'] }));
    await expect(expired.useCase.execute('m1')).resolves.toEqual({ action: 'ack' });
    expect(expired.sent).toHaveLength(0);
    expect(expired.calls.at(-1)).toMatch(/^failed:the code expired/);

    const sealedElsewhere = setUp(
      claimed({ codeSealed: new SecretBox('another-master-key-xx').seal('1') }),
      async () => ({ providerIds: ['x'] }),
    );
    await expect(sealedElsewhere.useCase.execute('m1')).resolves.toEqual({ action: 'ack' });
    expect(sealedElsewhere.calls.at(-1)).toMatch(/^failed:the code cannot be opened/);

    const down = setUp(claimed(), async () => ({ providerIds: ['x'] }));
    down.provider.isReady = () => false;
    await expect(down.useCase.execute('m1')).resolves.toMatchObject({ action: 'retry' });
    expect(down.calls).toEqual([]);
  });

  it('acks duplicates, retries leased messages, dead-letters unknown ones', async () => {
    await expect(setUp({ outcome: 'done' }, async () => ({ providerIds: [] })).useCase.execute('m1')).resolves.toEqual({
      action: 'ack',
    });
    await expect(
      setUp({ outcome: 'leased' }, async () => ({ providerIds: [] })).useCase.execute('m1'),
    ).resolves.toMatchObject({ action: 'retry' });
    await expect(
      setUp({ outcome: 'unknown' }, async () => ({ providerIds: [] })).useCase.execute('m1'),
    ).resolves.toMatchObject({ action: 'dead' });
  });
});

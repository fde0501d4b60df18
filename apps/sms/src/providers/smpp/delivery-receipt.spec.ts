import { describe, expect, it } from '@jest/globals';
import { parseDeliveryReceipt, parseReceiptDate } from './delivery-receipt.js';

const TEXT =
  'id:0A1B2C sub:001 dlvrd:001 submit date:2611290130 done date:2611290131 stat:DELIVRD err:000 text:Your code';

describe('parseDeliveryReceipt', () => {
  it('reads a standard receipt text', () => {
    expect(parseDeliveryReceipt({ esm_class: 0x04, short_message: { message: TEXT } })).toEqual({
      providerId: '0A1B2C',
      status: 'delivered',
      doneAt: new Date(Date.UTC(2026, 10, 29, 1, 31)),
      errorCode: '000',
    });
  });

  it('accepts lower-case keys, decimal ids, seconds in dates and a Buffer', () => {
    const text = 'ID:123456789 SUB:001 DLVRD:000 Submit Date:261129013005 Done Date:261129013107 Stat:undeliv Err:021';
    expect(parseDeliveryReceipt({ esm_class: 0x04, short_message: Buffer.from(text, 'latin1') })).toEqual({
      providerId: '123456789',
      status: 'undeliverable',
      doneAt: new Date(Date.UTC(2026, 10, 29, 1, 31, 7)),
      errorCode: '021',
    });
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'undeliverable'],
    ['EXPIRED', 'expired'],
    ['REJECTD', 'failed'],
    ['DELETED', 'failed'],
    ['ACCEPTD', 'accepted'],
    ['UNKNOWN', 'unknown'],
    ['ENROUTE', 'unknown'],
  ])('maps stat %s to %s', (stat, status) => {
    expect(parseDeliveryReceipt({ esm_class: 0x04, short_message: `id:1 stat:${stat} err:000` })?.status).toBe(status);
  });

  it.each([
    [2, 'delivered'],
    [3, 'expired'],
    [4, 'failed'],
    [5, 'undeliverable'],
    [6, 'accepted'],
    [7, 'unknown'],
    [8, 'failed'],
  ])('lets message_state %i (%s) and receipted_message_id win over the text', (state, status) => {
    const receipt = parseDeliveryReceipt({
      esm_class: 0x04,
      short_message: TEXT,
      receipted_message_id: 'ff01',
      message_state: state,
    });
    expect(receipt?.providerId).toBe('ff01');
    expect(receipt?.status).toBe(status);
  });

  it('accepts intermediate / acknowledgement types (0x08, 0x20) and the text in message_payload', () => {
    expect(parseDeliveryReceipt({ esm_class: 0x08, short_message: TEXT })?.providerId).toBe('0A1B2C');
    expect(
      parseDeliveryReceipt({ esm_class: 0x20, short_message: Buffer.alloc(0), message_payload: { message: TEXT } })
        ?.status,
    ).toBe('delivered');
  });

  it('ignores keys inside the free text', () => {
    expect(
      parseDeliveryReceipt({ esm_class: 0x04, short_message: 'id:7 stat:EXPIRED text:stat:DELIVRD id:9' }),
    ).toMatchObject({ providerId: '7', status: 'expired' });
  });

  it('returns null for a mobile-originated SMS and for a receipt without an id', () => {
    expect(parseDeliveryReceipt({ esm_class: 0x00, short_message: TEXT })).toBeNull();
    expect(parseDeliveryReceipt({ esm_class: 0x40, short_message: TEXT })).toBeNull();
    expect(parseDeliveryReceipt({ esm_class: 0x04, short_message: 'stat:DELIVRD' })).toBeNull();
  });

  it('yields no date and no error code when they are missing or malformed', () => {
    expect(
      parseDeliveryReceipt({ esm_class: 0x04, short_message: 'id:1 done date:2613450000 stat:DELIVRD' }),
    ).toMatchObject({ doneAt: null, errorCode: null });
    expect(parseReceiptDate('26112901')).toBeNull();
  });
});

import { RequestSlots } from './request-slots.js';

describe('RequestSlots', () => {
  it('bounds requests per host and in total', () => {
    const slots = new RequestSlots(3, 2);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(true);
    expect(slots.tryAcquire('a')).toBe(false); // host a is full
    expect(slots.tryAcquire('b')).toBe(true);
    expect(slots.tryAcquire('c')).toBe(false); // total is full
    expect(slots.free).toBe(0);
    expect(slots.hostBudget()).toEqual(
      new Map([
        ['a', 0],
        ['b', 1],
      ]),
    );
  });

  it('hands a freed slot to the first waiter of the host', async () => {
    const slots = new RequestSlots(10, 1);
    expect(slots.tryAcquire('a')).toBe(true);
    const order: string[] = [];
    const first = slots.acquire('a').then((ok) => order.push(`first ${ok}`));
    const second = slots.acquire('a').then((ok) => order.push(`second ${ok}`));
    expect(slots.load('a')).toBe(3);
    expect(slots.tryAcquire('a')).toBe(false); // no jumping the queue
    expect(slots.release('a')).toBe(false); // given to a waiter, not left free
    await first;
    expect(order).toEqual(['first true']);
    expect(slots.release('a')).toBe(false);
    await second;
    expect(order).toEqual(['first true', 'second true']);
    expect(slots.release('a')).toBe(true);
    expect(slots.inUse).toBe(0);
  });

  it('lets other hosts use capacity freed by a host', async () => {
    const slots = new RequestSlots(1, 1);
    expect(slots.tryAcquire('a')).toBe(true);
    const b = slots.acquire('b');
    expect(slots.release('a')).toBe(false);
    await expect(b).resolves.toBe(true);
    expect(slots.load('b')).toBe(1);
  });

  it('gives up waiting when the signal aborts', async () => {
    const slots = new RequestSlots(1, 1);
    expect(slots.tryAcquire('a')).toBe(true);
    const controller = new AbortController();
    const waiting = slots.acquire('a', controller.signal);
    expect(slots.inUse).toBe(2);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    expect(slots.inUse).toBe(1);
    expect(slots.release('a')).toBe(true);
    expect(slots.inUse).toBe(0);
  });
});

import * as fc from 'fast-check';
import { MAX_TURNS, TURN_WAIT, ticketOf, turnWaitCapSeconds, turnWaitSeconds, uploadTicket } from '../../../src/contract/run-turns';

describe('tickets', () => {
  test('order uploads by S3\'s event time, then by sequencer, left-padded as S3 says to compare them', () => {
    const tickets = [
      uploadTicket('2025-03-01T08:00:01.000Z', '0062E99A88DC407460'),
      uploadTicket('2025-03-01T08:00:00.500Z', 'FF'),
      uploadTicket('2025-03-01T08:00:00.500Z', '0062E99A88DC407461'),
      uploadTicket('2025-03-01T08:00:00.500Z', '0062E99A88DC407460'),
    ];
    // FF is 0x0000…00FF: the smallest sequencer.
    expect([...tickets].sort()).toEqual([tickets[1], tickets[3], tickets[2], tickets[0]]);
  });

  test('are the same for every delivery of the event, and none without a readable time', () => {
    expect(uploadTicket('2025-03-01T08:00:01.000Z', 'AB')).toBe(uploadTicket('2025-03-01T08:00:01.000Z', 'AB'));
    expect(uploadTicket('2025-03-01T08:00:01Z', 'AB')).toBe(`2025-03-01T08:00:01.000Z#${'AB'.padStart(32, '0')}`);
    expect(uploadTicket(undefined, 'AB')).toBeUndefined();
    expect(uploadTicket('yesterday', 'AB')).toBeUndefined();
  });

  test('a run without one queues by its execution\'s start, in the same format', () => {
    const run = { runId: 'r', bucket: 'b', key: 'k' };
    expect(ticketOf(run, '2025-03-01T08:00:00Z')).toBe('2025-03-01T08:00:00.000Z');
    expect(ticketOf({ ...run, ticket: 'given' }, '2025-03-01T08:00:00Z')).toBe('given');
  });
});

describe('waits between turns', () => {
  test('are whole seconds, at least 1, between half and all of the time waited, from 5 s up to the cap', () => {
    const waitedSeconds = fc.double({ min: 0, max: 1e7, noNaN: true });
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(fc.property(waitedSeconds, fc.integer({ min: 60, max: 40_000 }), random, (waited, cap, draw) => {
      const wait = turnWaitSeconds(waited, cap, draw);
      const base = Math.min(cap, Math.max(TURN_WAIT.firstSeconds, waited));
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(Math.max(1, Math.floor(base / 2)));
      expect(wait).toBeLessThanOrEqual(Math.ceil(base));
    }));
  });

  test('are capped at a minute, or longer when the run timeout would allow more turns than its history can hold', () => {
    expect(turnWaitCapSeconds(3600)).toBe(TURN_WAIT.maxSeconds);
    expect(turnWaitCapSeconds(24 * 3600)).toBe(87);
    expect(turnWaitCapSeconds(365 * 24 * 3600)).toBe(31_536);
  });

  test.each([60, 3600, 24 * 3600, 30 * 24 * 3600, 365 * 24 * 3600])('a run that waits all of a %p s timeout, at the shortest waits, asks about MAX_TURNS times at most', (timeout) => {
    const cap = turnWaitCapSeconds(timeout);
    let waited = 0;
    let turns = 0;
    while (waited < timeout) {
      waited += turnWaitSeconds(waited, cap, 0);
      turns++;
    }
    // The first waits, shorter than half the cap, grow by half each: log1.5(cap / 5) more, 22 at a year.
    expect(turns).toBeLessThanOrEqual(MAX_TURNS + Math.ceil(Math.log(cap / TURN_WAIT.firstSeconds) / Math.log(1.5)));
  });
});

import { describe, expect, it } from 'vitest';
import { keys } from '#schemas/keys';
import { embeddedRuntime } from '#support/embedded-api';

// A malformed item in the real table (DynamoDB Local) is reported by the store, naming its key,
// instead of being handed on as if it were an offer or a visit.
const runtime = embeddedRuntime();
const put = (item: Record<string, unknown>) => runtime.put(item);

describe('an item that does not match its record', () => {
  it('makes the offer read fail with the item’s key and the bad field', async () => {
    await put({
      ...keys.offer('2031-Q1', 'chunan', 'nongxue'),
      type: 'offer',
      id: '2031-Q1.chunan.nongxue',
      season: '2031-Q1',
      visitId: '2031-Q1.chunan',
      countyId: 'chunan',
      townId: 'fenkou',
      societyId: 'nongxue',
      needIds: 'need-1',
      status: 'offered',
      createdAt: '2031-01-01T01:00:00.000Z',
    });
    await expect(runtime.store.getOfferById('2031-Q1.chunan.nongxue')).rejects.toMatchObject({
      name: 'MalformedItemError',
      message: expect.stringContaining('pk=SEASON#2031-Q1, sk=OFFER#chunan#nongxue'),
    });
    await expect(runtime.store.seasonOffers('2031-Q1')).rejects.toThrow(/needIds/);
  });

  it('makes the season’s visits and the round record fail the same way', async () => {
    await put({ ...keys.visit('2031-Q2', 'jiande'), type: 'visit', id: '2031-Q2.jiande', season: '2031-Q2' });
    await put({ ...keys.round('2031-Q2'), type: 'round', season: '2031-Q2', status: 'lost' });
    await expect(runtime.store.seasonVisits('2031-Q2')).rejects.toThrow('sk=VISIT#jiande');
    await expect(runtime.store.getRound('2031-Q2')).rejects.toThrow(/sk=ROUND.*status/);
  });
});
